import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { errorMessage, warning } from '../core/problems.js';
import type { RunReporter, RunResult } from '../deploy/ports.js';
import { isPullRequest } from '../event/trigger.js';
import { renderPreviewComment } from '../report/pr-comment.js';
import { callsThrough, type GitHubApi, GitHubCallError, lazyOctokit } from './client.js';
import { previewComment } from './comment.js';
import { gitHubDeployments } from './deployments.js';

export interface GitHubReporterOptions extends GitHubApi {
  /** The workflow run: log_url of the deployment statuses, link in the comment. */
  runUrl: string;
  /** The github-deployments input: false turns the Deployments API off (the PR comment stays). */
  enabled: boolean;
  /** The pr-comment input: false leaves pull requests without the preview comment. */
  comment: boolean;
  /** Waits between retries. */
  clock: Clock;
}

/** One GitHub feature; a missing permission switches off that feature only. */
type Feature = 'deployments' | 'comment';

type Step = { feature: Feature; run: () => Promise<void> };

const HINTS: Record<Feature, string> = {
  deployments: 'grant "permissions: deployments: write" to the job, or set "github-deployments: false"',
  comment: 'grant "permissions: pull-requests: write" to the job, or set "pr-comment: false"',
};

/**
 * GitHub deployments (one per deployment group) and the sticky pull-request comment. Never throws:
 * "failures of the GitHub API must never fail or hide the CodeDeploy result", so every failure is a
 * warning and the run goes on. A missing permission turns the feature off for the rest of the run;
 * an outage (5xx, network, timeout, after retries) skips the rest of the current phase, so a dead API
 * costs one retried call per phase, not one per group.
 */
export function createGitHubReporter(options: GitHubReporterOptions): RunReporter {
  const { log } = options;
  const call = callsThrough(lazyOctokit(options, { clock: options.clock }));
  const deployments = gitHubDeployments({ ...options, call });
  const comment = previewComment({ ...options, call });
  const phase = phaseRunner(options.token, log);

  const previewsOf = (result: RunResult): boolean =>
    options.comment && isPullRequest(result.trigger) && !result.plan.skipped && !result.dryRun;

  const commentStep = (result: RunResult, state: 'started' | 'finished', createIfMissing: boolean): Step => ({
    feature: 'comment',
    run: async () => {
      if (!isPullRequest(result.trigger)) return;
      const body = renderPreviewComment(result, state, options.runUrl);
      await comment.upsert(result.trigger.number, result.config.application, body, createIfMissing);
    },
  });

  return {
    async started(result) {
      const { plan } = result;
      // A dry run, a skip (fork pull requests included) and a teardown create nothing at GitHub.
      if (plan.skipped || result.dryRun || plan.action === 'teardown') return;
      const steps: Step[] = [];
      if (options.enabled) {
        for (const planned of plan.deployments)
          steps.push({ feature: 'deployments', run: () => deployments.started(result, planned) });
      }
      if (previewsOf(result)) steps.push(commentStep(result, 'started', true));
      await guard(log, () => phase(steps));
    },

    async finished(result) {
      const { plan } = result;
      if (plan.skipped || result.dryRun) return;
      const teardown = plan.action === 'teardown';
      const steps: Step[] = [];
      if (options.enabled && plan.action === 'teardown') {
        const { cause } = plan;
        steps.push({ feature: 'deployments', run: () => deployments.tornDown(result, cause) });
      } else if (options.enabled) {
        for (const planned of plan.deployments) {
          // Nothing to correct at GitHub for a group that was never deployed and never announced.
          if (!deployments.worthFinishing(result, planned)) continue;
          steps.push({ feature: 'deployments', run: () => deployments.finished(result, planned) });
        }
      }
      // A closed pull request that never had a preview gets no comment.
      if (previewsOf(result)) steps.push(commentStep(result, 'finished', !teardown));
      await guard(log, () => phase(steps));
    },
  };
}

/**
 * Runs the steps of one phase in order. Returns normally whatever happens; decides per failure
 * whether the other steps (and later phases) still make sense.
 */
function phaseRunner(token: string, log: Logger): (steps: Step[]) => Promise<void> {
  const off = new Set<Feature>();
  let tokenRefused = false;
  let warnedNoToken = false;
  return async (steps) => {
    if (!token) {
      if (steps.length > 0 && !warnedNoToken) {
        warnedNoToken = true;
        log.warn(
          warning(
            'no github-token: GitHub deployments and the pull-request comment are skipped',
            undefined,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as written
            'keep the default "github-token: ${{ github.token }}"',
          ),
        );
      }
      return;
    }
    for (const step of steps) {
      if (tokenRefused || off.has(step.feature)) continue;
      try {
        await step.run();
      } catch (error) {
        const status = error instanceof GitHubCallError ? error.status : undefined;
        const message = `GitHub ${step.feature === 'deployments' ? 'deployments' : 'pull-request comment'}: ${errorMessage(error)}`;
        // A rate limit is a 403 or 429 that says so: it passes, unlike a missing permission.
        const limited = status === 429 || (status === 403 && /rate limit/i.test(message));
        if (status === 401) {
          tokenRefused = true;
          log.warn(
            warning(
              `${message}; the token was refused, nothing more is sent to GitHub`,
              undefined,
              'check the github-token input',
            ),
          );
        } else if (!limited && (status === 403 || status === 404)) {
          off.add(step.feature);
          log.warn(warning(`${message}; skipped for the rest of this run`, undefined, HINTS[step.feature]));
        } else if (limited || status === undefined || status >= 500) {
          log.warn(
            warning(
              `${message}; GitHub ${limited ? 'rate-limits this token' : 'looks unavailable'}, skipping the other GitHub updates of this step`,
              undefined,
              'the CodeDeploy result is not affected; see the job summary',
            ),
          );
          return;
        } else {
          log.warn(warning(message));
        }
      }
    }
  };
}

/** The last line of defence: a bug in reporting must not fail the run either. */
async function guard(log: Logger, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    log.warn(warning(`GitHub reporting failed: ${errorMessage(error)}`));
  }
}
