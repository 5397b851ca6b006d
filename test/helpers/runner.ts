import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findLeaks, secretsIn } from './secrets.js';

export interface RunnerOptions {
  eventName: string;
  payload: unknown;
  /** The event file's text as is, instead of `payload` as JSON (a broken file). */
  payloadText?: string;
  /** Action inputs by their action.yml name (dry-run, config, ...). */
  inputs?: Record<string, string>;
  workspace: string;
  env?: Record<string, string>;
  /**
   * Cancel the run as GitHub's runner does once the action's output matches `when` (e.g. a deployment
   * was created), or once `when` resolves (a fault proxy saw a request): SIGINT, SIGTERM 7.5 s later,
   * and SIGKILL 2.5 s after that.
   */
  cancel?: { when: RegExp | Promise<unknown> };
  /** Told the action's output so far each time more arrives (to act while it runs). */
  onOutput?: (stdout: string) => void;
  entry?: string;
}

export interface RunnerResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The error, warning and notice commands the runner executed, with their properties. */
  annotations: Array<{ level: string; properties: Record<string, string>; message: string }>;
  /** From the start of the process to its end. */
  elapsedMs: number;
  /** When a cancel was sent: how long the action took to end after SIGINT, and which signals it got. */
  cancelled?: { exitedAfterMs: number; signals: NodeJS.Signals[] };
  /** What the runner makes of stdout: the commands it executes and the lines it shows. */
  runner: RunnerView;
}

/** One workflow command the runner executed. */
export interface WorkflowCommand {
  /** Lower-cased, as the runner matches names without case. */
  name: string;
  properties: Record<string, string>;
  data: string;
}

export interface RunnerView {
  commands: WorkflowCommand[];
  /** The lines the log shows as text: every line that is not a command the runner executed. */
  shown: string[];
}

/** GitHub's runner cancels a step with SIGINT, then SIGTERM after 7.5 s, then SIGKILL after 2.5 s more. */
export const RUNNER_CANCEL = [
  { signal: 'SIGINT', afterMs: 0 },
  { signal: 'SIGTERM', afterMs: 7_500 },
  { signal: 'SIGKILL', afterMs: 10_000 },
] as const;

const DIST = resolve('dist/index.js');
let runs = 0;

/** Runs the bundled action as a GitHub runner does: INPUT_* variables, event file, output and summary files. */
export async function runBundledAction(options: RunnerOptions): Promise<RunnerResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cdg-runner-'));
  const eventPath = join(dir, 'event.json');
  const outputPath = join(dir, 'output.txt');
  const summaryPath = join(dir, 'summary.md');
  await writeFile(eventPath, options.payloadText ?? JSON.stringify(options.payload));
  await writeFile(outputPath, '');
  await writeFile(summaryPath, '');
  const inputs = Object.fromEntries(
    Object.entries(options.inputs ?? {}).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const payload = (options.payload ?? {}) as {
    ref?: string;
    after?: string;
    repository?: { full_name?: string };
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: payload.repository?.full_name ?? 'acme/shop',
    GITHUB_SHA: payload.after ?? 'f'.repeat(40),
    GITHUB_SERVER_URL: 'https://github.com',
    // Every run is a new workflow run, as on GitHub (the action tells its own deployments by it).
    GITHUB_RUN_ID: String(process.pid * 1000 + ++runs),
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: dir,
    ...(payload.ref ? { GITHUB_REF: payload.ref } : {}),
    ...inputs,
    ...options.env,
  };
  const startedAt = Date.now();
  const child = spawn(process.execPath, [options.entry ?? DIST], { cwd: options.workspace, env });
  let stdout = '';
  let stderr = '';
  let cancelledAt: number | undefined;
  const sent: NodeJS.Signals[] = [];
  const timers: NodeJS.Timeout[] = [];
  const cancel = () => {
    cancelledAt = Date.now();
    for (const { signal, afterMs } of RUNNER_CANCEL) {
      timers.push(
        setTimeout(() => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          sent.push(signal);
          child.kill(signal);
        }, afterMs),
      );
    }
  };
  const when = options.cancel?.when;
  if (when instanceof Promise) void when.then(() => cancelledAt === undefined && cancel());
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (when instanceof RegExp && cancelledAt === undefined && when.test(stdout)) cancel();
    options.onOutput?.(stdout);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  const exitedAt = Date.now();
  for (const timer of timers) clearTimeout(timer);
  const outputText = await readFile(outputPath, 'utf8');
  const summary = await readFile(summaryPath, 'utf8');
  // Every end-to-end run doubles as a leak check: no credential may reach the log, the outputs or the summary.
  const leaks = findLeaks(secretsIn(env), {
    stdout,
    stderr,
    GITHUB_OUTPUT: outputText,
    GITHUB_STEP_SUMMARY: summary,
  });
  if (leaks.length > 0) throw new Error(`the action leaked credentials: ${leaks.join('; ')}\n${stdout}`);
  const runner = readAsRunner(stdout);
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(outputText),
    summary,
    annotations: annotationsOf(runner),
    runner,
    elapsedMs: exitedAt - startedAt,
    ...(cancelledAt !== undefined
      ? { cancelled: { exitedAfterMs: exitedAt - cancelledAt, signals: sent } }
      : {}),
  };
}

/** GITHUB_OUTPUT uses `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

// The commands actions/runner registers (ActionCommandManager), matched without case.
const REGISTERED = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
];

/**
 * Reads stdout as actions/runner does: a line ends at \r\n, \n or a lone \r (.NET's ReadLine); a line
 * is a command when, after its leading white space, it starts with `::name ...::data`, or when it holds
 * the legacy `##[name ...]data` anywhere. After `::stop-commands::TOKEN` nothing is a command until
 * `::TOKEN::` (or `##[TOKEN]`).
 */
export function readAsRunner(stdout: string): RunnerView {
  const lines = stdout.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  const registered = new Set(REGISTERED);
  const commands: WorkflowCommand[] = [];
  const shown: string[] = [];
  let stopToken: string | undefined;
  for (const line of lines) {
    const command = parseCommand(line, registered) ?? parseLegacyCommand(line, registered);
    if (!command) {
      shown.push(line);
    } else if (stopToken !== undefined) {
      if (command.name !== stopToken) {
        shown.push(line);
        continue;
      }
      registered.delete(stopToken);
      stopToken = undefined;
    } else if (command.name === 'stop-commands') {
      stopToken = command.data.toLowerCase();
      registered.add(stopToken);
    } else {
      commands.push(command);
    }
  }
  return { commands, shown };
}

function parseCommand(line: string, registered: Set<string>): WorkflowCommand | undefined {
  // .NET's TrimStart: its white space includes U+0085, which JavaScript's does not.
  const text = line.replace(/^[\t\n\v\f\r\u0085\p{Z}]+/u, '');
  if (!text.startsWith('::')) return undefined;
  const end = text.indexOf('::', 2);
  if (end < 0) return undefined;
  return commandOf(text.slice(2, end), text.slice(end + 2), registered, ',', PROPERTY_ESCAPES, DATA_ESCAPES);
}

function parseLegacyCommand(line: string, registered: Set<string>): WorkflowCommand | undefined {
  const start = line.indexOf('##[');
  const end = start < 0 ? -1 : line.indexOf(']', start);
  if (end < 0) return undefined;
  return commandOf(
    line.slice(start + 3, end),
    line.slice(end + 1),
    registered,
    ';',
    LEGACY_ESCAPES,
    LEGACY_ESCAPES,
  );
}

/** `name key=value<separator>key=value` and the data after it, when `name` is a registered command. */
function commandOf(
  info: string,
  data: string,
  registered: Set<string>,
  separator: string,
  propertyEscapes: Escapes,
  dataEscapes: Escapes,
): WorkflowCommand | undefined {
  const space = info.indexOf(' ');
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase();
  if (!registered.has(name)) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    const pairs = info
      .slice(space + 1)
      .trim()
      .split(separator);
    for (const pair of pairs.filter(Boolean)) {
      const [key, ...value] = pair.split('=');
      if (key && value.length > 0) properties[key] = decodeEscapes(value.join('='), propertyEscapes);
    }
  }
  return { name, properties, data: decodeEscapes(data, dataEscapes) };
}

type Escapes = Array<[string, string]>;

const DATA_ESCAPES: Escapes = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%'],
];
const PROPERTY_ESCAPES: Escapes = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%'],
];
const LEGACY_ESCAPES: Escapes = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%'],
];

function decodeEscapes(text: string, escapes: Escapes): string {
  return escapes.reduce((value, [escaped, plain]) => value.replaceAll(escaped, plain), text);
}

function annotationsOf(view: RunnerView): RunnerResult['annotations'] {
  return view.commands
    .filter((command) => ['error', 'warning', 'notice'].includes(command.name))
    .map((command) => ({ level: command.name, properties: command.properties, message: command.data }));
}
