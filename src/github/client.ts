import { cancelledCall, graceAfter } from '../core/cancel.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { errorMessage } from '../core/problems.js';

export type Octokit = ReturnType<typeof import('@actions/github')['getOctokit']>;

/** How long one GitHub call may take: a stalled API must not hold the run. */
export const REQUEST_TIMEOUT_MS = 20_000;

export interface GitHubApi {
  token: string;
  /** GITHUB_API_URL, as the face read it. */
  apiUrl: string;
  owner: string;
  repo: string;
  log: Logger;
  /** The run's cancel: what is in flight then, or starts later, gets what is left of its grace period. */
  cancel?: AbortSignal;
}

/**
 * An Octokit for the repository's API, loaded on first use: a skipped run never parses it. Every
 * request (every attempt) is bounded by REQUEST_TIMEOUT_MS; with `retries`, network errors, timeouts
 * and 5xx answers are tried again, twice, after 1 s and 3 s, unless the run was cancelled. Octokit's own
 * logging goes to the debug log.
 */
export function lazyOctokit(api: GitHubApi, retries?: { clock: Clock }): () => Promise<Octokit> {
  let client: Promise<Octokit> | undefined;
  const grace = graceAfter(api.cancel);
  return () => {
    client ??= import('@actions/github').then(({ getOctokit }) => {
      const octokit = getOctokit(api.token, {
        baseUrl: api.apiUrl,
        userAgent: 'codedeploy-gitops',
        log: {
          debug: () => {},
          info: () => {},
          warn: (m: string) => api.log.debug(m),
          error: (m: string) => api.log.debug(m),
        },
      });
      octokit.hook.before('request', (options) => {
        if (grace?.aborted) throw cancelledCall();
        const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
        options.request = { ...options.request, signal: grace ? AbortSignal.any([timeout, grace]) : timeout };
      });
      if (retries) retryOnOutage(octokit, api, retries.clock);
      return octokit;
    });
    return client;
  };
}

const ATTEMPTS = 3;
const RETRY_DELAYS_MS = [1_000, 3_000];

// Wraps the time limit set above, so each attempt gets its own.
function retryOnOutage(octokit: Octokit, { log, cancel }: GitHubApi, clock: Clock): void {
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const status = statusOf(error);
        const retryable = status === undefined || status >= 500;
        if (!retryable || attempt >= ATTEMPTS || cancel?.aborted) throw error;
        log.debug(`GitHub API ${options.method} ${options.url}: ${errorMessage(error)}; retrying`);
        await clock.sleep(RETRY_DELAYS_MS[attempt - 1] ?? 3_000);
      }
    }
  });
}

/** A GitHub API failure after the retries; `status` is absent for network errors and timeouts. */
export class GitHubCallError extends Error {
  constructor(
    readonly what: string,
    readonly status: number | undefined,
    cause: unknown,
  ) {
    super(`${what}: ${status ? `HTTP ${status}, ` : ''}${errorMessage(cause)}`);
  }
}

/** Runs one GitHub call; the error it may throw says what was being done. */
export type GitHubCall = <T>(what: string, send: (api: Octokit) => Promise<T>) => Promise<T>;

export function callsThrough(octokit: () => Promise<Octokit>): GitHubCall {
  return async (what, send) => {
    try {
      return await send(await octokit());
    } catch (error) {
      throw new GitHubCallError(what, statusOf(error), error);
    }
  };
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  // Octokit reports network errors and timeouts as status 500 without a response.
  const response = (error as { response?: unknown } | undefined)?.response;
  if (typeof status !== 'number') return undefined;
  return status === 500 && response === undefined ? undefined : status;
}
