import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access, chmod, constants, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { DiagnosticsErrorCode } from '../model.js';

const execFileAsync = promisify(execFile);

/** The last 2 KB of an event's script output, as the agent keeps it for `logTail`. */
export const LOG_TAIL_CHARS = 2048;

/**
 * What one lifecycle event's scripts printed, each line prefixed [stdout] / [stderr] as the agent
 * does; the tail goes to diagnostics.logTail, everything to the deployment's scripts.log.
 */
export class ScriptLog {
  private text = '';

  constructor(private readonly sink: (line: string) => void) {}

  append(entry: string): void {
    this.text = (this.text + entry).slice(-LOG_TAIL_CHARS);
    this.sink(entry);
  }

  tail(): string {
    return this.text;
  }
}

export interface ScriptOutcome {
  errorCode: DiagnosticsErrorCode;
  message: string;
}

export interface RunScriptOptions {
  /** As written in the appspec (for messages). */
  location: string;
  path: string;
  cwd: string;
  env: Record<string, string>;
  timeoutSeconds: number;
  runas?: string;
  log: ScriptLog;
  /** Notes for the deployment log (runas fallback, …). */
  note: (message: string) => void;
  /** Aborted when the deployment is stopped: the script's process group is terminated. */
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL of the process group. */
  killGraceMs: number;
}

/**
 * Runs one hook script like the agent: missing → ScriptMissing; not executable → chmod +x first
 * (ScriptNotExecutable only if that fails); its own process group; on timeout SIGTERM to the group
 * (then SIGKILL) → ScriptTimedOut; non-zero exit → ScriptFailed with the agent's message.
 */
export async function runScript(options: RunScriptOptions): Promise<ScriptOutcome | undefined> {
  const { location, path, log } = options;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
  } catch {
    return {
      errorCode: 'ScriptMissing',
      message: `Script does not exist at specified location: ${location}`,
    };
  }
  try {
    await access(path, constants.X_OK);
  } catch {
    options.note(
      `Script at specified location: ${location} is not executable.  Trying to make it executable.`,
    );
    try {
      const { mode } = await stat(path);
      await chmod(path, mode | 0o111);
      await access(path, constants.X_OK);
    } catch {
      return {
        errorCode: 'ScriptNotExecutable',
        message: `Unable to set script at specified location: ${location} as executable`,
      };
    }
  }
  log.append(`Script - ${location}\n`);
  const identity = await runAsIdentity(options.runas, options.note);
  const result = await execute(options, identity);
  if (result.kind === 'timeout') {
    return {
      errorCode: 'ScriptTimedOut',
      message:
        `Script at specified location: ${location} failed to complete in ${options.timeoutSeconds} seconds` +
        (result.streamsHeld
          ? ' (the script exited, but a process it started kept stdout/stderr open: redirect the output of background processes, e.g. > /dev/null 2>&1 &)'
          : ''),
    };
  }
  if (result.kind === 'aborted') {
    return {
      errorCode: 'UnknownError',
      message: `Script at specified location: ${location} was terminated because ${abortReason(options.signal)}`,
    };
  }
  if (result.kind === 'error') {
    return {
      errorCode: 'UnknownError',
      message: `Script at specified location: ${location} could not run: ${result.message}`,
    };
  }
  if (result.code === 0) return undefined;
  const status = result.code ?? result.signal ?? 'unknown';
  const who = options.runas ? ` run as user ${options.runas}` : '';
  return {
    errorCode: 'ScriptFailed',
    message: `Script at specified location: ${location}${who} failed with exit code ${status}`,
  };
}

function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'the deployment was stopped';
}

type ExecResult =
  | { kind: 'exited'; code: number | null; signal: string | null }
  | { kind: 'timeout'; streamsHeld: boolean }
  | { kind: 'aborted' }
  | { kind: 'error'; message: string };

async function runAsIdentity(
  runas: string | undefined,
  note: (message: string) => void,
): Promise<{ uid: number; gid: number } | undefined> {
  if (!runas) return undefined;
  if (process.getuid?.() !== 0) {
    note(
      `runas ${runas} ignored: the local CodeDeploy is not running as root, so the script runs as the current user`,
    );
    return undefined;
  }
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', runas]).then((r) => Number(r.stdout.trim())),
      execFileAsync('id', ['-g', runas]).then((r) => Number(r.stdout.trim())),
    ]);
    return { uid, gid };
  } catch {
    note(`runas ${runas} ignored: no such user on this machine, so the script runs as the current user`);
    return undefined;
  }
}

function execute(
  options: RunScriptOptions,
  identity: { uid: number; gid: number } | undefined,
): Promise<ExecResult> {
  return new Promise((resolve) => {
    let child: ChildProcess | undefined;
    const spawnWith = (command: string, args: string[]) =>
      spawn(command, args, {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(identity ?? {}),
      });
    let settled = false;
    let exited: { code: number | null; signal: string | null } | undefined;
    let openStreams = 2;
    let ending: 'timeout' | 'aborted' | undefined;
    /** The script had exited when its time ran out: only its output pipes were still open. */
    let streamsHeld = false;
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
      streamsHeld = exited !== undefined;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs);
      // Do not wait for a descendant that left the group and keeps the pipes open.
      setTimeout(() => finish(ended()), options.killGraceMs + 100).unref();
    };
    const ended = (): ExecResult =>
      ending === 'timeout' ? { kind: 'timeout', streamsHeld } : { kind: 'aborted' };
    const onAbort = () => terminate('aborted');
    const timer = setTimeout(() => terminate('timeout'), options.timeoutSeconds * 1000);

    const settleIfDone = () => {
      if (exited === undefined || openStreams > 0) return;
      finish(ending ? ended() : { kind: 'exited', ...exited });
    };
    const attach = (proc: ChildProcess) => {
      child = proc;
      for (const [stream, prefix] of [
        [proc.stdout, '[stdout]'],
        [proc.stderr, '[stderr]'],
      ] as const) {
        let partial = '';
        stream?.setEncoding('utf8');
        stream?.on('data', (chunk: string) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) options.log.append(`${prefix}${line}\n`);
        });
        stream?.on('close', () => {
          if (partial !== '') options.log.append(`${prefix}${partial}\n`);
          partial = '';
          openStreams -= 1;
          settleIfDone();
        });
      }
      proc.on('exit', (code, signal) => {
        exited = { code, signal };
        settleIfDone();
      });
    };

    const start = (command: string, args: string[], allowShellFallback: boolean) => {
      const proc = spawnWith(command, args);
      proc.once('error', (error: NodeJS.ErrnoException) => {
        // Like the agent (Ruby's exec), a script without a #! line is run by /bin/sh.
        if (allowShellFallback && error.code === 'ENOEXEC') {
          start('/bin/sh', [options.path], false);
          return;
        }
        finish({ kind: 'error', message: error.message });
      });
      if (proc.pid !== undefined) attach(proc);
      else proc.once('spawn', () => attach(proc));
    };

    if (options.signal.aborted) {
      finish({ kind: 'aborted' });
      return;
    }
    options.signal.addEventListener('abort', onAbort);
    start(options.path, [], true);
  });
}
