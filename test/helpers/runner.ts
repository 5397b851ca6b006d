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
  /** ::error / ::warning workflow commands, with their properties. */
  annotations: Array<{ level: string; properties: Record<string, string>; message: string }>;
  /** From the start of the process to its end. */
  elapsedMs: number;
  /** When a cancel was sent: how long the action took to end after SIGINT, and which signals it got. */
  cancelled?: { exitedAfterMs: number; signals: NodeJS.Signals[] };
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
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(outputText),
    summary,
    annotations: parseAnnotations(stdout),
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

function parseAnnotations(stdout: string): RunnerResult['annotations'] {
  const decode = (text: string) => text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
  return [...stdout.matchAll(/^::(error|warning|notice)( [^:]*)?::(.*)$/gm)].map((m) => ({
    level: m[1]!,
    properties: Object.fromEntries(
      (m[2]?.trim() ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const [key, ...rest] = pair.split('=');
          return [key!, decode(rest.join('='))];
        }),
    ),
    message: decode(m[3]!),
  }));
}
