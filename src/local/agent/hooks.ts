import { type ChildProcess, spawn } from 'node:child_process';
import { access, chmod, constants, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DiagnosticsErrorCode } from '../records.js';
import { displayPath } from './sandbox.js';
import { cannotSwitchUsers, type RunasPolicy } from './users.js';

/** The agent keeps the newest whole lines of an event's output within this many characters for logTail. */
export const LOG_TAIL_CHARS = 2048;

/**
 * What one lifecycle event's scripts printed, each line prefixed [stdout] / [stderr] as the agent
 * does: everything goes to the deployment's scripts.log, and the newest whole lines within 2048
 * characters make the diagnostics' logTail (hook_executor.rb ScriptLog#append_to_log; the agent 2.x
 * src/lifecycle_event/bounded_fifo_vec.rs keeps the same).
 */
export class ScriptLog {
  private entries: string[] = [];
  private length = 0;

  constructor(private readonly sink: (line: string) => void) {}

  append(entry: string): void {
    this.entries.push(entry);
    this.length += entry.length;
    while (this.length > LOG_TAIL_CHARS && this.entries.length > 0)
      this.length -= this.entries.shift()!.length;
    this.sink(entry);
  }

  tail(): string {
    return this.entries.join('');
  }
}

export interface ScriptOutcome {
  errorCode: DiagnosticsErrorCode;
  message: string;
}

export interface RunScriptOptions {
  /** As written in the appspec. */
  location: string;
  /** The unpacked revision the location is in. */
  archiveDir: string;
  /** The instance's `/`: the scripts' working directory, as `/` is the agent's. */
  instanceRoot: string;
  env: Record<string, string>;
  timeoutSeconds: number;
  runas?: string;
  sudo?: boolean;
  users: RunasPolicy;
  log: ScriptLog;
  /** Notes for the deployment log (a script made executable, runas ignored, …). */
  note: (message: string) => void;
  /** Aborted when the deployment is stopped: the script's process group is terminated. */
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL of the process group. */
  killGraceMs: number;
}

/**
 * Runs one hook script as hook_executor.rb does: a location that does not exist is ScriptMissing;
 * one that is not executable is chmod +x'ed first (ScriptNotExecutable only if that fails); the
 * command line is `[su USER -c ]<revision>/<location>` (linux_util.rb), which Ruby runs split at
 * spaces or through /bin/sh when it holds shell characters; its own process group; on timeout
 * SIGTERM to the group (then SIGKILL) → ScriptTimedOut; a script whose background process keeps
 * its output open fails when the time is up; a non-zero exit is ScriptFailed.
 */
export async function runScript(options: RunScriptOptions): Promise<ScriptOutcome | undefined> {
  const { location, log } = options;
  const path = join(options.archiveDir, location);
  const prefix = `Script at specified location: ${location}${options.runas !== undefined ? ` run as user ${options.runas}` : ''}`;
  try {
    await stat(path);
  } catch {
    return {
      errorCode: 'ScriptMissing',
      message: `Script does not exist at specified location: ${displayPath(options.instanceRoot, path)}`,
    };
  }
  try {
    await access(path, constants.X_OK);
  } catch {
    options.note(
      `Script at specified location: ${location} is not executable.  Trying to make it executable.`,
    );
    try {
      await chmod(path, (await stat(path)).mode | 0o111);
    } catch {
      return {
        errorCode: 'ScriptNotExecutable',
        message: `Unable to set script at specified location: ${location} as executable`,
      };
    }
  }
  const switchTo =
    options.runas !== undefined ? `switch to ${options.runas}` : options.sudo ? 'use sudo' : undefined;
  let runas = options.runas;
  if (switchTo !== undefined && !options.users.canSwitchUsers) {
    const why = cannotSwitchUsers(switchTo);
    if (options.users.otherwise === 'fail')
      return { errorCode: 'ScriptFailed', message: `${prefix} failed: ${why}` };
    options.note(`${location}: runs as the current user: ${why}`);
    runas = undefined;
  }
  log.append(`Script - ${location}\n`);
  // As root, sudo changes nothing: the command runs without it.
  const result = await execute(options, commandLine(options.archiveDir, location, runas));
  switch (result.kind) {
    case 'exited':
      if (result.code === 0) return undefined;
      return {
        errorCode: 'ScriptFailed',
        message: `${prefix} failed with exit code ${result.code ?? result.signal}`,
      };
    case 'timeout':
      return {
        errorCode: 'ScriptTimedOut',
        message: `Script at specified location: ${location} failed to complete in ${options.timeoutSeconds} seconds`,
      };
    case 'outputs-open':
      // The agent's error code 6 (OUTPUTS_LEFT_OPEN_CODE) has no name in the API: it is an UnknownError.
      return {
        errorCode: 'UnknownError',
        message: `Script at specified location: ${location} failed to close ${result.stream}`,
      };
    case 'aborted':
      return {
        errorCode: 'UnknownError',
        message: `${prefix} was terminated because ${typeof options.signal.reason === 'string' ? options.signal.reason : 'the deployment was stopped'}`,
      };
    case 'error':
      return { errorCode: 'ScriptFailed', message: `${prefix} failed with error ${result.message}` };
  }
}

// Ruby's Process.spawn runs a command line through /bin/sh when it holds one of these (process.c).
const SHELL_CHARACTERS = /[*?{}[\]<>()~&|\\$;'`"\n#]/;

/** `'…'` for /bin/sh. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The agent's command line, `[su USER -c ]<revision>/<location>`, as Ruby runs it: split at spaces
 * and tabs, or through /bin/sh when it holds shell characters. The revision's folder is one word
 * whatever it holds (on an instance it is /opt/codedeploy-agent/…, without spaces).
 */
export function commandLine(archiveDir: string, location: string, runas: string | undefined): string[] {
  const su = runas === undefined ? '' : `su ${runas} -c `;
  if (SHELL_CHARACTERS.test(su + location))
    return ['/bin/sh', '-c', `${su}${shellQuote(archiveDir)}/${location}`];
  const [script = '', ...args] = location.split(/[ \t]+/);
  if (runas === undefined) return [join(archiveDir, script), ...args];
  // su hands the -c command to the user's shell: the revision's folder is quoted for it.
  return [...su.trim().split(/[ \t]+/), `${shellQuote(archiveDir)}/${script}`, ...args];
}

type ExecResult =
  | { kind: 'exited'; code: number | null; signal: string | null }
  | { kind: 'timeout' }
  | { kind: 'outputs-open'; stream: 'STDOUT' | 'STDERR' }
  | { kind: 'aborted' }
  | { kind: 'error'; message: string };

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
};

function execute(options: RunScriptOptions, command: string[]): Promise<ExecResult> {
  return new Promise((resolve) => {
    let child: ChildProcess | undefined;
    let settled = false;
    let exited: { code: number | null; signal: string | null } | undefined;
    const open = new Set<'STDOUT' | 'STDERR'>();
    let ending: 'timeout' | 'aborted' | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const finish = (result: ExecResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const killGroup = (signal: NodeJS.Signals) => {
      if (child?.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    const terminate = (why: 'timeout' | 'aborted') => {
      if (ending) return;
      ending = why;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs);
      // Do not wait for a descendant that left the group and keeps the pipes open.
      setTimeout(() => finish({ kind: why }), options.killGraceMs + 100).unref();
    };
    // One deadline for the script and its output (hook_executor.rb with thread_joiner.rb): a script
    // that exited in time but left a process holding its output fails when the time is up; that
    // process goes on, as on an instance.
    const timer = setTimeout(() => {
      if (exited === undefined) {
        terminate('timeout');
        return;
      }
      const stream = open.has('STDOUT') ? 'STDOUT' : 'STDERR';
      child?.stdout?.destroy();
      child?.stderr?.destroy();
      finish({ kind: 'outputs-open', stream });
    }, options.timeoutSeconds * 1000);
    const onAbort = () => terminate('aborted');

    const settleIfDone = () => {
      if (exited === undefined || open.size > 0) return;
      finish(ending ? { kind: ending } : { kind: 'exited', ...exited });
    };
    const follow = (stream: Readable | null, prefix: string, name: 'STDOUT' | 'STDERR') => {
      if (!stream) return;
      open.add(name);
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) options.log.append(`${prefix}${line}\n`);
      });
      stream.on('close', () => {
        if (partial !== '') options.log.append(`${prefix}${partial}\n`);
        partial = '';
        open.delete(name);
        settleIfDone();
      });
    };
    const start = (argv: string[], shellFallback: boolean) => {
      const [file = '', ...args] = argv;
      const proc = spawn(file, args, {
        cwd: options.instanceRoot,
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc.once('error', (error: NodeJS.ErrnoException) => {
        // Like Ruby's exec, a script without a #! line is run by /bin/sh.
        if (shellFallback && error.code === 'ENOEXEC') {
          start(['/bin/sh', ...argv], false);
          return;
        }
        const code = error.code ?? 'UNKNOWN';
        finish({
          kind: 'error',
          message: `Errno::${code} with message ${ERRNO_TEXT[code] ?? error.message} - ${file}`,
        });
      });
      const attach = () => {
        child = proc;
        follow(proc.stdout, '[stdout]', 'STDOUT');
        follow(proc.stderr, '[stderr]', 'STDERR');
        proc.on('exit', (code, signal) => {
          exited = { code, signal };
          settleIfDone();
        });
      };
      if (proc.pid !== undefined) attach();
      else proc.once('spawn', attach);
    };

    if (options.signal.aborted) {
      finish({ kind: 'aborted' });
      return;
    }
    options.signal.addEventListener('abort', onAbort);
    start(command, command[0] !== '/bin/sh' && command[0] !== 'su');
  });
}
