import type { Logger } from '../core/log.js';
import { isPreviewComment } from '../report/pr-comment.js';
import { type GitHubCall, GitHubCallError } from './client.js';

/** The one comment a pull request's preview keeps up to date, found again by its hidden marker. */
export function previewComment(options: { call: GitHubCall; owner: string; repo: string; log: Logger }) {
  const { call, owner, repo, log } = options;
  let commentId: number | undefined;

  const find = async (issue: number, application: string): Promise<number | undefined> => {
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

  return {
    /** Updates the comment, or writes it when there is none and `createIfMissing` says so. */
    async upsert(issue: number, application: string, body: string, createIfMissing: boolean): Promise<void> {
      const existing = await find(issue, application);
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
    },
  };
}
