import { resolve } from 'node:path';
import { abortOnSignals } from '../core/signals.js';
import { parseFlags, wholeNumber } from './args.js';
import { type CommandHandler, UsageError } from './command.js';

/**
 * `emulator`: runs the local CodeDeploy (and, unless told to use another S3, the embedded S3) until
 * interrupted. Point the AWS SDK or CLI at it with AWS_ENDPOINT_URL_CODEDEPLOY / --endpoint-url.
 */
const emulator: CommandHandler = async (argv) => {
  return runEmulator(argv, { signal: abortOnSignals(), out: (line) => process.stdout.write(`${line}\n`) });
};
export default emulator;

export interface EmulatorIo {
  /** Resolves the run: the servers stop when it aborts. */
  signal: AbortSignal;
  out: (line: string) => void;
  /** Told the endpoints once both servers listen. */
  onReady?: (endpoints: { codedeploy: string; console: string; s3?: string }) => void;
}

export async function runEmulator(argv: string[], io: EmulatorIo): Promise<number> {
  const values = parseFlags(argv, {
    port: { type: 'string' },
    data: { type: 'string' },
    's3-endpoint': { type: 'string' },
    's3-port': { type: 'string' },
    'instances-per-group': { type: 'string' },
    'time-scale': { type: 'string' },
    'realistic-timing': { type: 'boolean' },
    throttle: { type: 'string' },
    'github-repos': { type: 'string' },
  });
  const dataDir = values.data;
  if (!dataDir)
    throw new UsageError('--data DIR is required: the folder that keeps the state, instances and S3 objects');
  const port = wholeNumber(values.port, '--port', 0);
  const s3Port = wholeNumber(values['s3-port'], '--s3-port', 0);
  const instancesPerGroup = wholeNumber(values['instances-per-group'], '--instances-per-group', 2);
  const timeScale = positiveNumber(
    values['time-scale'],
    '--time-scale',
    'e.g. 0.0167 for a second per minute',
  );
  const throttle = positiveNumber(values.throttle, '--throttle', 'of API calls per second, e.g. 5');
  const s3Endpoint = values['s3-endpoint'];
  if (s3Endpoint !== undefined && s3Endpoint !== 'aws' && !/^https?:\/\//.test(s3Endpoint)) {
    throw new UsageError(`--s3-endpoint needs an http(s):// URL or "aws" (got "${s3Endpoint}")`);
  }

  const { REALISTIC_TIMING, repositoriesIn, startEmbeddedS3, startLocalCodeDeploy } = await import(
    '../local/index.js'
  );
  const gitHubRepos = values['github-repos'];
  const embedded = s3Endpoint === undefined ? await startEmbeddedS3({ dataDir, port: s3Port }) : undefined;
  const endpoint = embedded?.endpoint ?? (s3Endpoint === 'aws' ? undefined : s3Endpoint);
  const { out } = io;
  const local = await startLocalCodeDeploy({
    dataDir,
    port,
    instancesPerGroup,
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(throttle !== undefined ? { throttle } : {}),
    ...(values['realistic-timing'] ? REALISTIC_TIMING : {}),
    ...(gitHubRepos !== undefined ? { gitHubRepository: repositoriesIn(gitHubRepos) } : {}),
    s3: endpoint ? { endpoint } : {},
    onRouter: (router) =>
      out(`router of ${router.applicationName}/${router.deploymentGroupName} on ${router.url}`),
  }).catch(async (error: unknown) => {
    // The S3 server would keep the process alive after the error (a --port already in use...).
    await embedded?.stop();
    throw error;
  });
  out(`local CodeDeploy on ${local.endpoint} (data in ${local.dataDir})`);
  if (process.getuid?.() === 0)
    out(
      'warning: the emulator runs as root: the appspec hooks of every deployment run on this machine as root (run it as an ordinary user)',
    );
  out(`console: ${local.consoleUrl}`);
  if (values['realistic-timing']) {
    out(
      `realistic timing: each deployment stays Created ${REALISTIC_TIMING.startDelayMs / 1000} s, then Queued ` +
        `${REALISTIC_TIMING.queuedMs / 1000} s, before its instances are assigned`,
    );
  }
  if (throttle !== undefined) out(`throttling: past ${throttle} API calls per second, ThrottlingException`);
  if (gitHubRepos !== undefined)
    out(
      `GitHub revisions of account/repository: from the git repository ${resolve(gitHubRepos)}/account/repository`,
    );
  out(
    `S3: ${embedded ? `embedded, on ${embedded.endpoint}` : (endpoint ?? 'AWS, with the default credentials')}`,
  );
  out('Use it with:');
  out(`  export AWS_ENDPOINT_URL_CODEDEPLOY=${local.endpoint}`);
  if (endpoint) out(`  export AWS_ENDPOINT_URL_S3=${endpoint}`);
  out('Stop with Ctrl-C.');
  io.onReady?.({
    codedeploy: local.endpoint,
    console: local.consoleUrl,
    ...(endpoint ? { s3: endpoint } : {}),
  });

  if (!io.signal.aborted) {
    await new Promise<void>((resolve) =>
      io.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }
  await local.stop();
  await embedded?.stop();
  return 0;
}

/** A positive number flag (a rate, a scale); undefined when it is not given. */
function positiveNumber(text: string | undefined, flag: string, example: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) {
    throw new UsageError(`${flag} needs a positive number, ${example} (got "${text}")`);
  }
  return value;
}
