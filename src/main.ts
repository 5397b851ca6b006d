import * as core from '@actions/core';
import { type ActionInputs, readInputs } from './action/inputs.js';
import { actionLogger } from './action/logger.js';
import type { AwsConnection } from './aws/client-settings.js';
import { realClock } from './core/clock.js';
import { checkedOutCommit } from './core/git.js';
import { errorMessage, problem, UserError } from './core/problems.js';
import { abortOnSignals } from './core/signals.js';
import { runId } from './deploy/description.js';
import type { RunEdges } from './deploy/ports.js';
import type { RevisionChoice } from './deploy/results.js';
import { type RunOptions, runDeployment } from './deploy/run.js';
import { readEventFile } from './event/read-event.js';
import type { RunnerEvent } from './event/trigger.js';
import type { GitHubSettings } from './github/edges.js';
import { actionOutputs, skipReason } from './report/outputs.js';
import { renderSummary } from './report/summary.js';

type Env = NodeJS.ProcessEnv;

// The runner's proxy settings, which @actions/http-client honours (with no_proxy).
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/**
 * The action's face, and its composition root: reads the runner's inputs, event and environment once,
 * builds the options and the edges, hands over to the flow, and reports.
 */
export async function run(env: Env = process.env): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const options = runOptions(inputs, await readRunnerEvent(env), env);
    const report = await runDeployment(options, await actionEdges(inputs, options, env));
    // docs/config.md: a skip (no match, a deleted branch, a fork), or a run whose every group already
    // has a newer commit, succeeds with a notice saying why.
    const nothingDeployed = skipReason(report.results);
    if (nothingDeployed !== undefined)
      core.notice(nothingDeployed, { title: 'codedeploy-gitops: nothing deployed' });
    for (const [name, value] of Object.entries(actionOutputs(report))) core.setOutput(name, value);
    await writeSummary(report.results.map(renderSummary).join('\n'));
    if (report.status === 'failed' || report.status === 'stopped' || report.status === 'cancelled')
      core.setFailed(`deployment ${report.status}`);
  } catch (error) {
    // A later step testing `steps.<id>.outputs.status == 'failed'` must see the failure too.
    core.setOutput('status', 'failed');
    core.setOutput('skipped', 'false');
    if (error instanceof UserError) {
      for (const p of error.problems) actionLogger.error(p);
      core.setFailed(
        error.problems.length === 1 ? error.problems[0]!.message : `${error.problems.length} problems found`,
      );
    } else if (isAwsError(error)) {
      // An AWS answer we did not foresee: its name and message say what AWS refused; the stack is noise.
      core.debug(error.stack ?? '');
      core.setFailed(`AWS answered ${error.name}: ${error.message}`);
    } else {
      core.setFailed(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
  }
}

/** The job summary is a report of the run, not part of it: one that cannot be written is a warning. */
async function writeSummary(markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    core.warning(`could not write the job summary: ${errorMessage(error)}`);
  }
}

function runOptions(inputs: ActionInputs, event: RunnerEvent, env: Env): RunOptions {
  const runUrl = runUrlOf(env);
  const region = inputs.awsRegion || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return {
    event,
    config: { paths: inputs.config, source: inputs.configSource },
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runId: runId(env),
    ...(runUrl ? { runUrl } : {}),
    groups: inputs.deploymentGroups,
    revision: revisionChoice(inputs),
    ...(inputs.wait !== undefined ? { wait: inputs.wait } : {}),
    dryRun: inputs.dryRun,
    onReady: inputs.onReady,
    ...(region ? { region } : {}),
  };
}

function revisionChoice(inputs: ActionInputs): RevisionChoice {
  if (inputs.rollback) return { kind: 'rollback' };
  return inputs.revision ? { kind: 'sha', sha: inputs.revision } : { kind: 'workspace' };
}

async function actionEdges(inputs: ActionInputs, options: RunOptions, env: Env): Promise<RunEdges> {
  const log = actionLogger;
  const clock = realClock;
  const cancel = abortOnSignals((signal) =>
    core.warning(`${signal} received: stopping the running deployments`),
  );
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const github: GitHubSettings = {
    token: inputs.githubToken,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    ...(owner ? { repository: { owner, repo } } : {}),
    ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    proxied: PROXY_VARIABLES.some((name) => env[name]),
    deployments: inputs.githubDeployments,
    comment: inputs.prComment,
  };
  // The SDK reads the credentials (configure-aws-credentials' variables, web identity, profiles) itself.
  const aws: AwsConnection = {
    endpoints: {
      ...endpoint('s3', env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL),
      ...endpoint('codedeploy', env.AWS_ENDPOINT_URL_CODEDEPLOY ?? env.AWS_ENDPOINT_URL),
    },
  };
  const { gitHubEdges } = await import('./github/edges.js');
  const workspace = async () =>
    (await import('./bundle/bundle.js')).workspaceRevisions(options.workspace, log, cancel);
  return {
    log,
    clock,
    random: Math.random,
    cancel,
    // The bundle code and the AWS SDK are parsed only by runs that deploy: a skip or a dry run never loads them.
    revisionSource: {
      prepare: async (settings) => (await workspace()).prepare(settings),
      checkCommit: async (settings, revision) => (await workspace()).checkCommit(settings, revision),
    },
    workspaceCommit: () => checkedOutCommit(options.workspace),
    connectAws: async (target) =>
      (await import('./aws/edges.js')).awsEdges(aws, target, { log, clock, cancel }),
    ...gitHubEdges(github, { log, clock, cancel }),
  };
}

function endpoint(service: 's3' | 'codedeploy', url: string | undefined): Record<string, string> {
  return url ? { [service]: url } : {};
}

function runUrlOf(env: Env): string | undefined {
  if (!env.GITHUB_RUN_ID || !env.GITHUB_REPOSITORY) return undefined;
  return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${env.GITHUB_RUN_ATTEMPT ?? '1'}`;
}

function isAwsError(error: unknown): error is Error {
  return error instanceof Error && '$metadata' in error;
}

async function readRunnerEvent(env: Env): Promise<RunnerEvent> {
  const eventName = env.GITHUB_EVENT_NAME;
  const payloadFile = env.GITHUB_EVENT_PATH;
  if (!eventName || !payloadFile) {
    throw new UserError(
      problem(
        'GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set',
        undefined,
        'run this action as a step of a GitHub workflow, or set both as a runner does',
      ),
    );
  }
  const payload = await readEventFile(payloadFile);
  return {
    eventName,
    payload,
    payloadFile,
    ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {}),
    ...(env.GITHUB_SHA ? { sha: env.GITHUB_SHA } : {}),
    ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
  };
}
