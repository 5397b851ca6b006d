import type { CommitRelation } from '../deploy/decisions.js';

/**
 * How commit `head` relates to `base` (GitHub's compare API): 'behind' means head is an ancestor of
 * base, i.e. older. Used by the ordering guard; Octokit is loaded only on runs that deploy.
 */
export function commitComparer(token: string, owner: string, repo: string) {
  return async (base: string, head: string): Promise<CommitRelation> => {
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(token, { request: { retries: 1 } });
    const response = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${base}...${head}`,
      per_page: 1,
    });
    const status = response.data.status;
    return status === 'ahead' || status === 'behind' || status === 'identical' || status === 'diverged'
      ? status
      : 'unknown';
  };
}
