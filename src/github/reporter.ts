import type { Logger } from '../core/log.js';
import { errorMessage, warning } from '../core/problems.js';
import type { RunReporter, RunResult } from '../deploy/run.js';
import { isPullRequest } from '../event/trigger.js';
import type { PlannedDeployment } from '../plan/plan.js';
import {
  deployedRef,
  deploymentRequest,
  finishedStatus,
  type StatusRequest,
  startedStatus,
  teardownStatus,
} from '../report/github-deployment.js';
import { isPreviewComment, renderPreviewComment } from '../report/pr-comment.js';

export interface GitHubReporterOptions {
  token: string;
  /** Defaults to GITHUB_API_URL, then https://api.github.com. */
  apiUrl?: string;
  owner: string;
  repo: string;
  /** The workflow run: log_url of the deployment statuses, link in the comment. */
  runUrl: string;
  /** The github-deployments input: false turns the Deployments API off (the PR comment stays). */
  enabled: boolean;
  /** The pr-comment input: false leaves pull requests without the preview comment. */
  comment: boolean;
  log: Logger;
  /** Waits between retries; injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

type Octokit = ReturnType<typeof import('@actions/github')['getOctokit']>;

/** One GitHub feature; a missing permission switches off that feature only. */
type Feature = 'deployments' | 'comment';

const ATTEMPTS = 3;
const RETRY_DELAYS_MS = [1_000, 3_000];
const REQUEST_TIMEOUT_MS = 20_000;

const HINTS: Record<Feature, string> = {
  deployments: 'grant "permissions: deployments: write" to the job, or set "github-deployments: false"',
  comment: 'grant "permissions: pull-requests: write" to the job, or set "pr-comment: false"',
};

/** A GitHub API failure after the retries; `status` is absent for network errors and timeouts. */
class GitHubCallError extends Error {
  constructor(
    readonly what: string,
    readonly status: number | undefined,
    cause: unknown,
  ) {
    super(`${what}: ${status ? `HTTP ${status}, ` : ''}${errorMessage(cause)}`);
  }
}

/**
 * GitHub deployments (one per deployment group) and the sticky pull-request comment. Never throws:
 * "failures of the GitHub API must never fail or hide the CodeDeploy result", so every failure is a
 * warning and the run goes on. A missing permission turns the feature off for the rest of the run;
 * an outage (5xx, network, timeout, after retries) skips the rest of the current phase, so a dead API
 * costs one retried call per phase, not one per group.
 */
export function createGitHubReporter(options: GitHubReporterOptions): RunReporter {
  const { log, owner, repo } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const githubDeployments = new Map<string, number>();
  const off = new Set<Feature>();
  let commentId: number | undefined;
  let client: Promise<Octokit> | undefined;
  let tokenRefused = false;
  let warnedNoToken = false;

  const octokit = (): Promise<Octokit> => {
    client ??= (async () => {
      // Loaded here, not at the top: a skipped run never parses Octokit.
      const { getOctokit } = await import('@actions/github');
      const instance = getOctokit(options.token, {
        ...(options.apiUrl ? { baseUrl: options.apiUrl } : {}),
        userAgent: 'codedeploy-gitops',
        log: {
          debug: () => {},
          info: () => {},
          warn: (m: string) => log.debug(m),
          error: (m: string) => log.debug(m),
        },
      });
      instance.hook.wrap('request', async (request, requestOptions) => {
        for (let attempt = 1; ; attempt++) {
          try {
            requestOptions.request = {
              ...requestOptions.request,
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            };
            return await request(requestOptions);
          } catch (error) {
            const status = statusOf(error);
            const retryable = status === undefined || status >= 500;
            if (!retryable || attempt >= ATTEMPTS) throw error;
            log.debug(
              `GitHub API ${requestOptions.method} ${requestOptions.url}: ${errorMessage(error)}; retrying`,
            );
            await sleep(RETRY_DELAYS_MS[attempt - 1] ?? 3_000);
          }
        }
      });
      return instance;
    })();
    return client;
  };

  /** Runs one GitHub call; the error it may throw says what was being done. */
  const call = async <T>(what: string, send: (api: Octokit) => Promise<T>): Promise<T> => {
    try {
      return await send(await octokit());
    } catch (error) {
      throw new GitHubCallError(what, statusOf(error), error);
    }
  };

  /**
   * Runs the steps of one phase in order. Returns normally whatever happens; decides per failure
   * whether the other steps still make sense.
   */
  const phase = async (steps: Array<{ feature: Feature; run: () => Promise<void> }>): Promise<void> => {
    if (!options.token) {
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

  let redeployed: Promise<string> | undefined;
  /**
   * The commit the deployments attach to. A redeploy names its commit as typed, maybe abbreviated,
   * which GitHub deployments do not take: GitHub resolves it once. Failing that (a commit GitHub does
   * not know, or an abbreviation it finds ambiguous), the deployments stay on the commit the workflow
   * ran on, with a warning; other failures are reported by the calls that follow.
   */
  const deployedCommit = (result: RunResult): Promise<string> => {
    const manual = result.manual;
    if (manual?.kind !== 'revision') return Promise.resolve(deployedRef(result.trigger));
    redeployed ??= call(`resolve commit ${manual.sha}`, async (api) => {
      const { data } = await api.rest.repos.getCommit({ owner, repo, ref: manual.sha });
      return data.sha;
    }).catch((error: unknown) => {
      const stay = `the GitHub deployments are recorded on ${result.trigger.sha.slice(0, 7)}, the commit the workflow ran on`;
      const status = error instanceof GitHubCallError ? error.status : undefined;
      if (status === 404 || status === 422) {
        log.warn(
          warning(
            `GitHub could not resolve commit ${manual.sha} (HTTP ${status}): ${stay}`,
            undefined,
            'give the full 40-character sha of a commit pushed to this repository',
          ),
        );
      } else {
        log.debug(`${stay}: ${errorMessage(error)}`);
      }
      return deployedRef(result.trigger);
    });
    return redeployed;
  };

  const createDeployment = async (result: RunResult, planned: PlannedDeployment): Promise<number> => {
    const body = deploymentRequest(result, planned, await deployedCommit(result));
    const response = await call(`create the deployment of ${planned.environment}`, (api) =>
      api.rest.repos.createDeployment({ owner, repo, ...body }),
    );
    // 202 means GitHub merged the base branch in first, which auto_merge: false rules out.
    const id = (response.data as { id?: number }).id;
    if (typeof id !== 'number') throw new Error(`GitHub created no deployment for ${planned.environment}`);
    githubDeployments.set(planned.deploymentGroup, id);
    log.debug(`GitHub deployment ${id} for ${planned.environment}`);
    return id;
  };

  const setStatus = async (id: number, environment: string, status: StatusRequest) => {
    await call(`set ${environment} to ${status.state}`, (api) =>
      api.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, ...status }),
    );
    log.debug(`GitHub deployment ${id} (${environment}): ${status.state}, ${status.description}`);
  };

  const findComment = async (issue: number, application: string): Promise<number | undefined> => {
    if (commentId !== undefined) return commentId;
    return call(`find the preview comment of #${issue}`, async (api) => {
      const pages = api.paginate.iterator(api.rest.issues.listComments, {
        owner,
        repo,
        issue_number: issue,
        per_page: 100,
      });
      for await (const page of pages) {
        const found = page.data.find((c) => isPreviewComment(c.body, application));
        if (found) return found.id;
      }
      return undefined;
    });
  };

  const upsertComment = async (result: RunResult, body: string, createIfMissing: boolean): Promise<void> => {
    if (!isPullRequest(result.trigger)) return;
    const issue = result.trigger.number;
    const existing = await findComment(issue, result.config.application);
    if (existing !== undefined) {
      try {
        await call(`update the preview comment of #${issue}`, (api) =>
          api.rest.issues.updateComment({ owner, repo, comment_id: existing, body }),
        );
        commentId = existing;
        log.debug(`Updated the preview comment of #${issue}`);
        return;
      } catch (error) {
        // Deleted by someone since we found it: write a new one.
        if (!(error instanceof GitHubCallError && error.status === 404)) throw error;
      }
    }
    if (!createIfMissing) return;
    const created = await call(`comment on #${issue}`, (api) =>
      api.rest.issues.createComment({ owner, repo, issue_number: issue, body }),
    );
    commentId = created.data.id;
    log.info(`Commented on pull request #${issue} (the preview comment is updated in place from now on)`);
  };

  const markInactive = async (result: RunResult): Promise<void> => {
    for (const group of result.groups) {
      const listed = await call(`list the deployments of ${group.environment}`, (api) =>
        api.rest.repos.listDeployments({ owner, repo, environment: group.environment, per_page: 100 }),
      );
      for (const deployment of listed.data)
        await setStatus(deployment.id, group.environment, teardownStatus(group, options.runUrl));
    }
  };

  const previewsOf = (result: RunResult): boolean =>
    options.comment && isPullRequest(result.trigger) && !result.plan.skipped && !result.dryRun;

  return {
    async started(result) {
      const { plan } = result;
      // A dry run, a skip (fork pull requests included) and a teardown create nothing at GitHub.
      if (plan.skipped || result.dryRun || plan.action === 'teardown') return;
      const steps: Array<{ feature: Feature; run: () => Promise<void> }> = [];
      if (options.enabled) {
        for (const planned of plan.deployments) {
          steps.push({
            feature: 'deployments',
            run: async () => {
              const id = await createDeployment(result, planned);
              const status = startedStatus(result, planned, await deployedCommit(result), options.runUrl);
              await setStatus(id, planned.environment, status);
            },
          });
        }
      }
      if (previewsOf(result)) {
        steps.push({
          feature: 'comment',
          run: () => upsertComment(result, renderPreviewComment(result, 'started', options.runUrl), true),
        });
      }
      await guard(log, () => phase(steps));
    },

    async finished(result) {
      const { plan } = result;
      if (plan.skipped || result.dryRun) return;
      const steps: Array<{ feature: Feature; run: () => Promise<void> }> = [];
      if (options.enabled && plan.action === 'teardown') {
        steps.push({ feature: 'deployments', run: () => markInactive(result) });
      } else if (options.enabled) {
        for (const planned of plan.deployments) {
          const report = result.groups.find((g) => g.group === planned.deploymentGroup);
          const existing = githubDeployments.get(planned.deploymentGroup);
          // Nothing to correct at GitHub for a group that was never deployed and never announced.
          if (
            existing === undefined &&
            (!report || report.outcome === 'not-started' || report.outcome === 'superseded')
          )
            continue;
          steps.push({
            feature: 'deployments',
            run: async () => {
              const id = existing ?? (await createDeployment(result, planned));
              await setStatus(id, planned.environment, finishedStatus(report, planned, options.runUrl));
            },
          });
        }
      }
      if (previewsOf(result)) {
        const teardown = plan.action === 'teardown';
        steps.push({
          feature: 'comment',
          // A closed pull request that never had a preview gets no comment.
          run: () =>
            upsertComment(result, renderPreviewComment(result, 'finished', options.runUrl), !teardown),
        });
      }
      await guard(log, () => phase(steps));
    },
  };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  // Octokit reports network errors and timeouts as status 500 without a response.
  const response = (error as { response?: unknown } | undefined)?.response;
  if (typeof status !== 'number') return undefined;
  return status === 500 && response === undefined ? undefined : status;
}

/** The last line of defence: a bug in reporting must not fail the run either. */
async function guard(log: Logger, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    log.warn(warning(`GitHub reporting failed: ${errorMessage(error)}`));
  }
}
