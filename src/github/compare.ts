import type { CommitRelation, CompareCommits } from '../deploy/ports.js';
import { type GitHubApi, lazyOctokit } from './client.js';

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
