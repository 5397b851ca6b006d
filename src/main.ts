import * as core from '@actions/core';
import { type ActionInputs, readInputs } from './action/inputs.js';
import { actionLogger } from './action/logger.js';
import { UserError } from './core/problems.js';
import { abortOnSignals } from './core/signals.js';
import { runId } from './deploy/description.js';
import { runAction } from './deploy/run.js';
import { readEventFile } from './event/read-event.js';
import type { RunnerEvent } from './event/trigger.js';
import { actionOutputs } from './report/outputs.js';
import { renderSummary } from './report/summary.js';

/** The action's face: reads the runner's inputs and event, hands over to the orchestrator, reports. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const event = await readRunnerEvent();
    const env = process.env;
    const runUrl =
      env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
        ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${env.GITHUB_RUN_ATTEMPT ?? '1'}`
        : undefined;
    const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
    const result = await runAction(
      {
        inputs,
        event,
        workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
        runId: runId(env),
        ...(runUrl ? { runUrl } : {}),
      },
      {
        log: actionLogger,
        cancel: abortOnSignals((signal) =>
          core.warning(`${signal} received: stopping the running deployments`),
        ),
        fetchConfig: async (request) =>
          (await import('./github/config-fetch.js')).fetchConfigFromBranch(request),
        ...(owner ? await gitHubEdges(inputs, owner, repo, runUrl) : {}),
      },
    );
    // docs/config.md: a skip (no match, a deleted branch, a fork) succeeds with a notice saying why.
    if (result.plan.skipped)
      core.notice(result.plan.reason, { title: 'codedeploy-gitops: nothing deployed' });
    for (const [name, value] of Object.entries(actionOutputs(result))) core.setOutput(name, value);
    await core.summary.addRaw(renderSummary(result)).write();
    if (result.status === 'failed' || result.status === 'stopped')
      core.setFailed(`deployment ${result.status}`);
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

/** The ordering guard's commit comparison and the GitHub reporter; loaded only when there is a token. */
async function gitHubEdges(inputs: ActionInputs, owner: string, repo: string, runUrl: string | undefined) {
  const [{ commitComparer }, { createGitHubReporter }] = await Promise.all([
    import('./github/compare.js'),
    import('./github/reporter.js'),
  ]);
  return {
    // Without a token the reporter says once that GitHub deployments and the comment are skipped.
    ...(inputs.githubToken ? { compareCommits: commitComparer(inputs.githubToken, owner, repo) } : {}),
    reporter: createGitHubReporter({
      token: inputs.githubToken,
      owner,
      repo,
      runUrl: runUrl ?? '',
      enabled: inputs.githubDeployments,
      comment: inputs.prComment,
      log: actionLogger,
    }),
  };
}

function isAwsError(error: unknown): error is Error {
  return error instanceof Error && '$metadata' in error;
}

async function readRunnerEvent(): Promise<RunnerEvent> {
  const eventName = process.env.GITHUB_EVENT_NAME;
  const payloadFile = process.env.GITHUB_EVENT_PATH;
  if (!eventName || !payloadFile) {
    throw new UserError(
      'GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set: run this action in a GitHub workflow',
    );
  }
  const payload = await readEventFile(payloadFile);
  return {
    eventName,
    payload,
    payloadFile,
    ...(process.env.GITHUB_REF ? { ref: process.env.GITHUB_REF } : {}),
    ...(process.env.GITHUB_SHA ? { sha: process.env.GITHUB_SHA } : {}),
    ...(process.env.GITHUB_REPOSITORY ? { repository: process.env.GITHUB_REPOSITORY } : {}),
  };
}
