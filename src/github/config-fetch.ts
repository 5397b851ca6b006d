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
  // @actions/http-client rather than Octokit: one GET does not justify parsing Octokit (~0.3 s of
  // start-up on a run that may end up skipped), and it honours the runner's proxy settings.
  const { HttpClient } = await import('@actions/http-client');
  const client = new HttpClient('codedeploy-gitops', [], { allowRetries: true, maxRetries: 2 });
  const api = (process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const path = request.path.split('/').map(encodeURIComponent).join('/');
  const url = `${api}/repos/${request.owner}/${request.repo}/contents/${path}?ref=${encodeURIComponent(request.branch)}`;
  let status: number | undefined;
  try {
    const response = await client.get(url, {
      authorization: `token ${request.token}`,
      accept: 'application/vnd.github.raw+json',
      'x-github-api-version': '2022-11-28',
    });
    status = response.message.statusCode;
    const body = await response.readBody();
    if (status === 200) return body;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(
      problem(
        `cannot reach the GitHub API to read the trusted config: ${reason}`,
        where,
        `check GITHUB_API_URL (${api}) and the network, ${HOW_TO_OPT_OUT}`,
      ),
    );
  }
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
  throw new UserError(
    problem(
      `the GitHub API answered HTTP ${status} for ${request.path} on "${request.branch}"`,
      where,
      `check GITHUB_API_URL (${api}), ${HOW_TO_OPT_OUT}`,
    ),
  );
}
