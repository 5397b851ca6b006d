import type { Clock } from '../core/clock.js';
import type { BranchHead, CommitRelation, CompareCommits } from '../deploy/ports.js';
import { type GitHubApi, lazyOctokit, statusOf } from './client.js';

/**
 * How commit `head` relates to `base` (GitHub's compare API): 'behind' means head is an ancestor of
 * base, i.e. older. Used by the ordering guard, which waits on it: asked once, without retries.
 * Answers are kept for the run: the guard asks again for a group it retries, and for every group
 * that holds the same commit. A failure is not kept, so the next question tries again.
 */
export function commitComparer(api: GitHubApi): CompareCommits {
  const octokit = lazyOctokit(api);
  const known = new Map<string, CommitRelation>();
  return async (base, head) => {
    const basehead = `${base}...${head}`;
    const answer = known.get(basehead) ?? (await compare(basehead));
    known.set(basehead, answer);
    return answer;
  };

  async function compare(basehead: string): Promise<CommitRelation> {
    const response = await (await octokit()).rest.repos.compareCommitsWithBasehead({
      owner: api.owner,
      repo: api.repo,
      basehead,
      per_page: 1,
    });
    const status = response.data.status;
    return status === 'ahead' || status === 'behind' || status === 'identical' || status === 'diverged'
      ? status
      : 'unknown';
  }
}

/**
 * Where a branch's head is (GitHub's branches API, which knows branches only: a tag of the same name
 * is never taken for it). Network errors, timeouts and 5xx answers are tried again.
 */
export function branchHeads(api: GitHubApi, clock: Clock): BranchHead {
  const octokit = lazyOctokit(api, { clock });
  return async (branch) => {
    try {
      const response = await (await octokit()).rest.repos.getBranch({
        owner: api.owner,
        repo: api.repo,
        branch,
      });
      return response.data.commit.sha;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  };
}
