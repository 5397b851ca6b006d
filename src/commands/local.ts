import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { AwsConnection } from '../aws/client-settings.js';
import { formatDuration, parseDuration } from '../config/duration.js';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { realClock } from '../core/clock.js';
import { checkedOutCommit } from '../core/git.js';
import { warning } from '../core/problems.js';
import { abortOnSignals } from '../core/signals.js';
import { describeCounts } from '../deploy/decisions.js';
import { runId } from '../deploy/description.js';
import { configPaths, loadWorkspaceConfigs } from '../deploy/load-config.js';
import type { RunResult } from '../deploy/results.js';
import { runDeployment } from '../deploy/run.js';
import { eventFromFile } from '../event/read-event.js';
import { type RunnerEvent, SUPPORTED_EVENTS } from '../event/trigger.js';
import { MAX_INSTANCES_PER_GROUP } from '../local/instances.js';
import { oneOf, parseFlags, wholeNumber } from './args.js';
import { consoleLogger } from './cli-logger.js';
import { type CommandHandler, UsageError } from './command.js';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const LOCAL_ROLE = 'arn:aws:iam::123456789012:role/local-codedeploy';

/**
 * `local`: the whole action flow (plan → validate → bundle → upload → deploy → follow → report)
 * against the embedded S3 and the local CodeDeploy, deploying the current folder to local instances.
 * State is kept in --data (default: a folder per workspace under the temp dir), so a second rehearsal runs ApplicationStop of
 * the first one's revision, as an instance would.
 */
const local: CommandHandler = async (argv) => {
  const flags = parseFlags(argv, {
    config: { type: 'string', default: DEFAULT_CONFIG_PATH },
    branch: { type: 'string' },
    'event-file': { type: 'string' },
    event: { type: 'string' },
    data: { type: 'string' },
    instances: { type: 'string', default: '2' },
    wait: { type: 'string' },
  });
  if (flags.branch && flags['event-file']) throw new UsageError('pass --branch or --event-file, not both');
  const instances = wholeNumber(flags.instances, '--instances', 2);
  if (instances < 1 || instances > MAX_INSTANCES_PER_GROUP)
    throw new UsageError(
      `--instances needs a whole number from 1 to ${MAX_INSTANCES_PER_GROUP} (got "${flags.instances}")`,
    );
  const wait = waitFlag(flags.wait);
  const workspace = process.cwd();
  // What GITHUB_SHA would be: the commit checked out here, when this is a checkout.
  const sha = await checkedOutCommit(workspace).catch(() => undefined);
  const event = flags['event-file']
    ? await eventFromFile(flags['event-file'], {
        eventName: oneOf('event', flags.event, SUPPORTED_EVENTS),
        sha,
      })
    : pushEvent(flags.branch ?? currentBranch(workspace), sha ?? '0'.repeat(40));
  const log = consoleLogger(process.stdout);
  const configFiles = configPaths(flags.config).map((path) => relative(workspace, resolve(workspace, path)));
  // The flow loads them again and warns; here they only name the buckets and the groups to show.
  const configs = await loadWorkspaceConfigs(workspace, configFiles, { warn: () => {} });
  if (process.getuid?.() === 0) {
    log.warn(
      warning(
        'this rehearsal runs as root: the appspec hooks run on this machine as root, as they would on an instance',
        undefined,
        'rehearse as an ordinary user: the hooks then run as you, and only "files" land in the instance folders',
      ),
    );
  }

  const { startEmbeddedS3, startLocalCodeDeploy } = await import('../local/index.js');
  // Outside the workspace, so the archive never contains it; one per workspace, kept between runs.
  const dataDir = flags.data
    ? resolve(flags.data)
    : join(tmpdir(), 'codedeploy-local', createHash('sha256').update(workspace).digest('hex').slice(0, 12));
  // GitHub revisions need a bucket only for the ledger of the groups a run creates.
  const buckets = configs.flatMap(({ revision }) => {
    const bucket = revision.type === 's3' ? revision.bucket : revision.records?.bucket;
    return bucket ? [bucket] : [];
  });
  const s3 = await startEmbeddedS3({ dataDir, buckets: [...new Set(buckets)] });
  const codedeploy = await startLocalCodeDeploy({
    dataDir,
    instancesPerGroup: instances,
    s3: { endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS },
    // GitHub revisions of this rehearsal are the workspace's own commits, from its .git.
    gitHubRepository: async () => workspace,
  }).catch(async (error: unknown) => {
    await s3.stop();
    throw error;
  });
  const connection: AwsConnection = {
    region: process.env.AWS_REGION ?? 'us-east-1',
    endpoints: { s3: s3.endpoint, codedeploy: codedeploy.endpoint },
    credentials: LOCAL_CREDENTIALS,
  };
  const { awsEdges } = await import('../aws/edges.js');
  const { workspaceRevisions } = await import('../bundle/bundle.js');
  const clock = realClock;
  const cancel = abortOnSignals();
  const connectAws = async (target: Parameters<typeof awsEdges>[1]) =>
    awsEdges(connection, target, { log, clock, cancel });
  log.info(`local CodeDeploy on ${codedeploy.endpoint}, embedded S3 on ${s3.endpoint}, data in ${dataDir}`);
  try {
    const report = await runDeployment(
      {
        event,
        config: { paths: configFiles, source: 'workspace' },
        workspace,
        runId: runId({}),
        groups: [],
        revision: { kind: 'workspace' },
        ...(wait !== undefined ? { wait } : {}),
        dryRun: false,
        onReady: 'wait',
        region: connection.region!,
        rehearsal: { serviceRoleArn: LOCAL_ROLE },
      },
      {
        log,
        clock,
        random: Math.random,
        cancel,
        fetchConfig: () => Promise.reject(new Error('not used locally')),
        revisionSource: workspaceRevisions(workspace, log, cancel),
        workspaceCommit: () => checkedOutCommit(workspace),
        connectAws,
      },
    );
    for (const result of report.results) {
      process.stdout.write(renderLocalResult(result, report.results.length > 1));
      for (const group of result.groups) {
        for (const instance of codedeploy.instances(result.config.application, group.group)) {
          log.info(`  ${group.group} ${instance.instanceId}: ${instance.dir}`);
        }
      }
    }
    return report.status === 'failed' || report.status === 'stopped' || report.status === 'cancelled' ? 1 : 0;
  } finally {
    await codedeploy.stop();
    await s3.stop();
  }
};
export default local;

function currentBranch(workspace: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], {
      cwd: workspace,
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new UsageError('this folder is not a git checkout: say which branch to rehearse with --branch B');
  }
}

function pushEvent(branch: string, sha: string): RunnerEvent {
  return {
    eventName: 'push',
    payload: { ref: `refs/heads/${branch}`, after: sha, repository: { full_name: 'local/workspace' } },
    payloadFile: '(local push)',
    sha,
  };
}

/** `--wait 10m`, `--wait false` (create and return), or nothing (the config decides). */
function waitFlag(text: string | undefined): number | false | undefined {
  if (text === undefined) return undefined;
  if (/^false$/i.test(text)) return false;
  const seconds = parseDuration(text);
  if (seconds === undefined)
    throw new UsageError(`--wait needs a duration such as 30m, 1h30m or 90s, or false (got "${text}")`);
  return seconds;
}

export function renderLocalResult(result: RunResult, named = false): string {
  // With several applications, each result says whose it is.
  const whose = named ? `${result.config.application}: ` : '';
  // The flow has said why ("Nothing to deploy: …").
  if (result.plan.skipped) return `\n${whose}SKIPPED\n`;
  const lines = ['', `${whose}${result.status.toUpperCase()}`];
  for (const group of result.groups) {
    const duration =
      group.startedAt && group.endedAt
        ? ` in ${formatDuration((group.endedAt - group.startedAt) / 1000)}`
        : '';
    const rollback = group.rollback
      ? `, rolled back by ${group.rollback.deploymentId} (${group.rollback.status ?? '?'})`
      : '';
    // A torn-down group has no instances to count.
    const counts =
      group.outcome === 'torn-down' || group.outcome === 'left-alone'
        ? ''
        : ` — ${describeCounts(group.counts)}`;
    lines.push(
      `  ${group.group}: ${group.outcome}${group.deploymentId ? ` ${group.deploymentId}` : ''}${duration}${counts}${rollback}${group.note ? ` (${group.note})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
