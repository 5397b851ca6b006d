import type { Logger } from '../core/log.js';
import { warning } from '../core/problems.js';
import { isPreviewComment } from '../report/pr-comment.js';
import { type GitHubCall, GitHubCallError } from './client.js';

/**
 * The one comment a pull request's preview keeps up to date, found again by its hidden marker. Anyone
 * can write a comment that starts with the marker: only one written by the token's own identity
 * (`github-actions[bot]` for the workflow token, the app or user a token belongs to) is adopted.
 */
export function previewComment(options: { call: GitHubCall; owner: string; repo: string; log: Logger }) {
  const { call, owner, repo, log } = options;
  /** Each application's comment, once found or written. */
  const commentIds = new Map<string, number>();
  let identity: Promise<string> | undefined;

  // GraphQL's viewer answers installation tokens (GITHUB_TOKEN, apps) as well as personal tokens, as
  // the login REST shows on comments; REST's GET /user refuses installation tokens. Asked once a run,
  // and only when a comment carries the marker.
  const ownLogin = (): Promise<string> => {
    identity ??= call('learn which account the token is', async (api) => {
      const answer = await api.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
      return answer.viewer.login;
    });
    return identity;
  };

  const find = async (issue: number, application: string): Promise<number | undefined> => {
    const known = commentIds.get(application);
    if (known !== undefined) return known;
    return call(`find the preview comment of #${issue}`, async (api) => {
      const pages = api.paginate.iterator(api.rest.issues.listComments, {
        owner,
        repo,
        issue_number: issue,
        per_page: 100,
      });
      for await (const page of pages) {
        for (const comment of page.data.filter((c) => isPreviewComment(c.body, application))) {
          const me = await ownLogin();
          const author = comment.user?.login ?? 'an unknown account';
          if (author.toLowerCase() === me.toLowerCase()) return comment.id;
          log.warn(
            warning(
              `pull request #${issue}: comment ${comment.id} by ${author} starts with the preview marker, but this token writes as ${me}: left alone`,
              undefined,
              'nothing to do: the preview comment is the one written by the workflow',
            ),
          );
        }
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
          commentIds.set(application, existing);
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
      commentIds.set(application, created.data.id);
      log.info(`Commented on pull request #${issue} (the preview comment is updated in place from now on)`);
    },
  };
}
