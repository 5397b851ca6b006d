import { problem, UserError } from '../core/problems.js';

export interface FetchConfigRequest {
  token: string;
  owner: string;
  repo: string;
  path: string;
  branch: string;
}

const HOW_TO_OPT_OUT = 'or set "config-source: workspace" to trust the checked-out copy';

/** Reads the config file as it is on the default branch, through the GitHub API (GITHUB_API_URL). */
export async function fetchConfigFromBranch(request: FetchConfigRequest): Promise<string> {
  const where = { file: `${request.path}@${request.branch}` };
  if (!request.token) {
    throw new UserError(
      problem(
        `no github-token: the config must be read from the default branch "${request.branch}" through the GitHub API`,
        where,
        `keep the default "github-token: \${{ github.token }}" with "permissions: contents: read", ${HOW_TO_OPT_OUT}`,
      ),
    );
  }
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(request.token, { request: { retries: 2 } });
  try {
    const response = await octokit.rest.repos.getContent({
      owner: request.owner,
      repo: request.repo,
      path: request.path,
      ref: request.branch,
      mediaType: { format: 'raw' },
    });
    return String(response.data);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404) {
      throw new UserError(
        problem(
          `the config file does not exist on the default branch "${request.branch}"`,
          where,
          `merge it into "${request.branch}" first, ${HOW_TO_OPT_OUT}`,
        ),
      );
    }
    if (status === 401 || status === 403) {
      throw new UserError(
        problem(
          `the GitHub token may not read ${request.path} (HTTP ${status})`,
          where,
          `grant "permissions: contents: read" to the job, ${HOW_TO_OPT_OUT}`,
        ),
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(
      problem(
        `cannot reach the GitHub API to read the trusted config: ${reason}`,
        where,
        `check GITHUB_API_URL (${process.env.GITHUB_API_URL ?? 'https://api.github.com'}) and the network, ${HOW_TO_OPT_OUT}`,
      ),
    );
  }
}
