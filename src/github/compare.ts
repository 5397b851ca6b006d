import type { CommitRelation } from '../deploy/decisions.js';

// The ordering guard waits on this answer before deploying: a stalled API must not hold the run.
const REQUEST_TIMEOUT_MS = 20_000;

/**
 * How commit `head` relates to `base` (GitHub's compare API): 'behind' means head is an ancestor of
 * base, i.e. older. Used by the ordering guard; Octokit is loaded (once) only on runs that deploy.
 */
export function commitComparer(token: string, owner: string, repo: string) {
  let client: Promise<ReturnType<typeof import('@actions/github').getOctokit>> | undefined;
  return async (base: string, head: string): Promise<CommitRelation> => {
    client ??= import('@actions/github').then(({ getOctokit }) => getOctokit(token));
    const octokit = await client;
    const response = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${base}...${head}`,
      per_page: 1,
      request: { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
    });
    const status = response.data.status;
    return status === 'ahead' || status === 'behind' || status === 'identical' || status === 'diverged'
      ? status
      : 'unknown';
  };
}
