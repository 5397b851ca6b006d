import type { Problem } from './problems.js';

/**
 * Where progress and problems go. The action maps it to @actions/core (groups, annotations),
 * the CLI to stdout/stderr, tests to an array. Stages never write to the console directly.
 */
export interface Logger {
  /** A line of progress; it may quote names and messages from outside (a branch, CodeDeploy). */
  info(message: string): void;
  /** Only shown when step debugging is on (ACTIONS_STEP_DEBUG). */
  debug(message: string): void;
  warn(message: string | Problem): void;
  error(message: string | Problem): void;
  /** A collapsible section in the action log; plain indented lines elsewhere. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
  /**
   * A block of text from outside the run (a hook's output on an instance), shown as it is under
   * `heading`. The action's log makes sure that nothing in it acts as a workflow command.
   */
  untrusted(heading: string, text: string): void;
}

/** Collects everything, for tests and for rendering later (summary, outputs). */
export class MemoryLogger implements Logger {
  readonly lines: Array<{
    level: 'info' | 'debug' | 'warn' | 'error' | 'group' | 'untrusted';
    text: string;
    problem?: Problem;
  }> = [];

  info(message: string): void {
    this.lines.push({ level: 'info', text: message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', text: message });
  }
  warn(message: string | Problem): void {
    this.push('warn', message);
  }
  error(message: string | Problem): void {
    this.push('error', message);
  }
  async group<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.lines.push({ level: 'group', text: title });
    return body();
  }
  untrusted(heading: string, text: string): void {
    this.lines.push({ level: 'untrusted', text: `${heading}\n${text}` });
  }
  text(): string {
    return this.lines.map((line) => line.text).join('\n');
  }
  private push(level: 'warn' | 'error', message: string | Problem): void {
    if (typeof message === 'string') this.lines.push({ level, text: message });
    else this.lines.push({ level, text: message.message, problem: message });
  }
}
