import type { Clock } from '../core/clock.js';
import type { BranchHead, CommitRelation, CompareCommits, ListChangedFiles } from '../deploy/ports.js';
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
 * GitHub lists at most this many changed files for a comparison, all on its first page (the pages
 * of the compare API page its commits): a list this long may be cut short.
 */
export const COMPARE_FILES_LIMIT = 300;

/**
 * The files changed from `base` to `head` (three dots: since their merge base), for the applications'
 * `paths`. Unknown when GitHub may have left some out, and when `head` is not ahead of `base` (a
 * force push that rewinds or rewrites the branch): the merge base then hides what changed on the
 * servers. Outages are tried again (see lazyOctokit).
 */
export function changedFilesLister(api: GitHubApi, clock: Clock): ListChangedFiles {
  const octokit = lazyOctokit(api, { clock });
  return async (base, head) => {
    const { data } = await (await octokit()).rest.repos.compareCommitsWithBasehead({
      owner: api.owner,
      repo: api.repo,
      basehead: `${base}...${head}`,
      // One commit per page: only the files are wanted, and they all come with the first page.
      per_page: 1,
    });
    if (data.status === 'behind' || data.status === 'diverged') {
      return {
        known: false,
        why: `the push rewrote the branch (GitHub compare says ${data.status}), so what it changed cannot be told`,
      };
    }
    const files = data.files ?? [];
    if (files.length >= COMPARE_FILES_LIMIT) {
      return { known: false, why: "the push changed more files than GitHub's compare API lists" };
    }
    // A moved file changed under both names: either may be the one an application's paths name.
    return {
      known: true,
      files: files.flatMap((file) =>
        file.previous_filename ? [file.filename, file.previous_filename] : [file.filename],
      ),
    };
  };
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
