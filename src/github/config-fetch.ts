import type { Agent } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { problem, UserError } from '../core/problems.js';
import type { FetchConfig, FetchConfigRequest } from '../deploy/ports.js';

const HOW_TO_OPT_OUT = 'or set "config-source: workspace" to trust the checked-out copy';

export interface ConfigFetchOptions {
  token: string;
  /** GITHUB_API_URL, as the face read it. */
  apiUrl: string;
  /** A proxy variable is set: requests go through @actions/http-client's agent, which honours them. */
  proxied: boolean;
}

interface Answer {
  status: number;
  body: string;
}

/**
 * One GET with node:http(s), without keep-alive: Octokit or @actions/http-client would add 0.15–0.3 s
 * to every run that reads the map (most of them end up skipped), and fetch's pooled connection keeps
 * the process alive after it is done. Behind a proxy, the agent comes from @actions/http-client, which
 * honours the runner's proxy variables and no_proxy. A network error or a 5xx is tried once more.
 */
async function getWithRetry(url: string, headers: Record<string, string>, proxied: boolean): Promise<Answer> {
  let agent: Agent | undefined;
  if (proxied) {
    const { HttpClient } = await import('@actions/http-client');
    agent = new HttpClient('codedeploy-gitops').getAgent(url);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await get(url, headers, agent);
      if (answer.status < 500 || attempt === 2) return answer;
    } catch (error) {
      if (attempt === 2) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function get(url: string, headers: Record<string, string>, agent: Agent | undefined): Promise<Answer> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { headers, agent: agent ?? false, timeout: 20_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 20 s')));
    request.on('error', reject);
    request.end();
  });
}

/**
 * Reads the config as it is on a branch (the default one), through the GitHub API: a file's text, or
 * a folder's file names (the raw media type applies to files; a folder is listed as JSON entries).
 */
export function configFetcher(options: ConfigFetchOptions): FetchConfig {
  return (request) => fetchConfigFromBranch(options, request);
}

/** The names of the files in a folder's listing; undefined for a file's text. */
function folderListing(body: string): { folder: string[] } | undefined {
  if (!body.trimStart().startsWith('[')) return undefined;
  let listing: unknown;
  try {
    listing = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!Array.isArray(listing)) return undefined;
  const entries = listing as Array<{ name?: unknown; type?: unknown } | null>;
  if (!entries.every((entry) => typeof entry?.name === 'string' && typeof entry.type === 'string')) {
    return undefined;
  }
  return { folder: entries.filter((entry) => entry!.type === 'file').map((entry) => entry!.name as string) };
}

async function fetchConfigFromBranch(
  options: ConfigFetchOptions,
  request: FetchConfigRequest,
): Promise<string | { folder: string[] }> {
  const where = { file: `${request.path}@${request.branch}` };
  if (!options.token) {
    throw new UserError(
      problem(
        `no github-token: the config must be read from the default branch "${request.branch}" through the GitHub API`,
        where,
        `keep the default "github-token: \${{ github.token }}" with "permissions: contents: read", ${HOW_TO_OPT_OUT}`,
      ),
    );
  }
  const api = options.apiUrl.replace(/\/$/, '');
  const path = request.path.split('/').map(encodeURIComponent).join('/');
  const url = `${api}/repos/${request.owner}/${request.repo}/contents/${path}?ref=${encodeURIComponent(request.branch)}`;
  let status: number | undefined;
  try {
    const response = await getWithRetry(
      url,
      {
        authorization: `token ${options.token}`,
        accept: 'application/vnd.github.raw+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'codedeploy-gitops',
      },
      options.proxied,
    );
    status = response.status;
    if (status === 200) return folderListing(response.body) ?? response.body;
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
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
