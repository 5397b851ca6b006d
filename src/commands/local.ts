import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readInputs } from '../action/inputs.js';
import { formatDuration } from '../config/duration.js';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/load.js';
import { abortOnSignals } from '../core/signals.js';
import { describeCounts } from '../deploy/decisions.js';
import { runId } from '../deploy/description.js';
import { type RunResult, runAction } from '../deploy/run.js';
import { readEventFile } from '../event/read-event.js';
import { type RunnerEvent, SUPPORTED_EVENTS, triggerFromEvent } from '../event/trigger.js';
import { planDeployments } from '../plan/plan.js';
import { oneOf, parseFlags, wholeNumber } from './args.js';
import { consoleLogger } from './cli-logger.js';
import { type CommandHandler, UsageError } from './command.js';

const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

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
  if (instances > 50)
    throw new UsageError(`--instances needs a whole number up to 50 (got "${flags.instances}")`);
  const workspace = process.cwd();
  const event = flags['event-file']
    ? await eventFromFile(flags['event-file'], oneOf('event', flags.event, SUPPORTED_EVENTS))
    : pushEvent(flags.branch ?? currentBranch(workspace), workspace);
  const log = consoleLogger(process.stdout);
  const { config } = await loadConfigFile(resolve(workspace, flags.config), flags.config);

  const { startEmbeddedS3, startLocalCodeDeploy } = await import('../local/index.js');
  // Outside the workspace, so the archive never contains it; one per workspace, kept between runs.
  const dataDir = flags.data
    ? resolve(flags.data)
    : join(tmpdir(), 'codedeploy-local', createHash('sha256').update(workspace).digest('hex').slice(0, 12));
  const s3 = await startEmbeddedS3({ dataDir, buckets: [config.revision.bucket] });
  const codedeploy = await startLocalCodeDeploy({
    dataDir,
    instancesPerGroup: instances,
    s3: { endpoint: s3.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
  }).catch(async (error: unknown) => {
    await s3.stop();
    throw error;
  });
  // The action's AWS clients read their endpoints from the environment, as on a runner.
  Object.assign(process.env, LOCAL_CREDENTIALS, {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_CODEDEPLOY: codedeploy.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  log.info(`local CodeDeploy on ${codedeploy.endpoint}, embedded S3 on ${s3.endpoint}, data in ${dataDir}`);
  try {
    await ensureGroups(config, event, log);
    const result = await runAction(
      {
        inputs: readInputs(
          (name) =>
            ({ config: flags.config, 'config-source': 'workspace', wait: flags.wait ?? '' })[name] ?? '',
        ),
        event,
        workspace,
        runId: runId({}),
      },
      { log, cancel: abortOnSignals(), fetchConfig: () => Promise.reject(new Error('not used locally')) },
    );
    process.stdout.write(renderLocalResult(result));
    for (const group of result.groups) {
      for (const instance of codedeploy.instances(config.application, group.group)) {
        log.info(`  ${group.group} ${instance.instanceId}: ${instance.dir}`);
      }
    }
    return result.status === 'failed' || result.status === 'stopped' ? 1 : 0;
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

function currentSha(workspace: string): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: workspace,
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
  } catch {
    return '0'.repeat(40);
  }
}

function pushEvent(branch: string, workspace: string): RunnerEvent {
  const sha = currentSha(workspace);
  return {
    eventName: 'push',
    payload: { ref: `refs/heads/${branch}`, after: sha, repository: { full_name: 'local/workspace' } },
    payloadFile: '(local push)',
    sha,
  };
}

/** A saved GitHub event payload; its kind is guessed from its shape unless --event says. */
async function eventFromFile(file: string, eventName: string | undefined): Promise<RunnerEvent> {
  const payload = ((await readEventFile(file)) ?? {}) as Record<string, unknown>;
  const name =
    eventName ?? (payload.pull_request ? 'pull_request' : payload.inputs ? 'workflow_dispatch' : 'push');
  const sha = typeof payload.after === 'string' ? payload.after : undefined;
  return { eventName: name, payload, payloadFile: file, ...(sha ? { sha } : {}) };
}

/** Locally every group the plan names is created when missing (instances are folders; there is no real fleet). */
async function ensureGroups(
  config: Awaited<ReturnType<typeof loadConfigFile>>['config'],
  event: RunnerEvent,
  log: ReturnType<typeof consoleLogger>,
): Promise<void> {
  const plan = planDeployments(config, triggerFromEvent(event));
  if (plan.skipped) return;
  const { CodeDeployGateway, createCodeDeployClient } = await import('../aws/codedeploy.js');
  const gateway = new CodeDeployGateway(createCodeDeployClient(process.env.AWS_REGION), config.application);
  try {
    if (!(await gateway.applicationExists())) await gateway.createApplication();
    for (const { deploymentGroup } of plan.deployments) {
      if (await gateway.getGroup(deploymentGroup)) continue;
      await gateway.createGroup({
        deploymentGroupName: deploymentGroup,
        serviceRoleArn: 'arn:aws:iam::123456789012:role/local-codedeploy',
      });
      log.info(`local: created deployment group "${deploymentGroup}"`);
    }
  } finally {
    gateway.client.destroy();
  }
}

export function renderLocalResult(result: RunResult): string {
  if (result.plan.skipped) return `\nskipped: ${result.plan.reason}\n`;
  const lines = ['', `${result.status.toUpperCase()}`];
  for (const group of result.groups) {
    const duration =
      group.startedAt && group.endedAt
        ? ` in ${formatDuration((group.endedAt - group.startedAt) / 1000)}`
        : '';
    const rollback = group.rollback
      ? `, rolled back by ${group.rollback.deploymentId} (${group.rollback.status ?? '?'})`
      : '';
    lines.push(
      `  ${group.group}: ${group.outcome}${group.deploymentId ? ` ${group.deploymentId}` : ''}${duration} — ${describeCounts(group.counts)}${rollback}${group.note ? ` (${group.note})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
