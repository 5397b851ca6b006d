import type { CommitRelation } from '../deploy/decisions.js';

// The ordering guard waits on this answer before deploying: a stalled API must not hold the run.
const REQUEST_TIMEOUT_MS = 20_000;

/**
 * How commit `head` relates to `base` (GitHub's compare API): 'behind' means head is an ancestor of
 * base, i.e. older. Used by the ordering guard; Octokit is loaded (once) only on runs that deploy.
 * Answers are kept for the run: the guard asks again for a group it retries, and for every group
 * that holds the same commit. A failure is not kept, so the next question tries again.
 */
export function commitComparer(token: string, owner: string, repo: string) {
  let client: Promise<ReturnType<typeof import('@actions/github').getOctokit>> | undefined;
  const known = new Map<string, CommitRelation>();
  return async (base: string, head: string): Promise<CommitRelation> => {
    const basehead = `${base}...${head}`;
    const answer = known.get(basehead) ?? (await compare(basehead));
    known.set(basehead, answer);
    return answer;
  };

  async function compare(basehead: string): Promise<CommitRelation> {
    client ??= import('@actions/github').then(({ getOctokit }) => getOctokit(token));
    const octokit = await client;
    const response = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead,
      per_page: 1,
      request: { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
    });
    const status = response.data.status;
    return status === 'ahead' || status === 'behind' || status === 'identical' || status === 'diverged'
      ? status
      : 'unknown';
  }
}
