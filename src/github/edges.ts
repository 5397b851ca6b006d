import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type {
  BranchHead,
  CompareCommits,
  FetchConfig,
  ListChangedFiles,
  RunReporter,
} from '../deploy/ports.js';
import { branchHeads, changedFilesLister, commitComparer } from './compare.js';
import { configFetcher } from './config-fetch.js';
import { createGitHubReporter } from './reporter.js';

export interface GitHubSettings {
  /** The github-token input; empty when the workflow gave none. */
  token: string;
  /** GITHUB_API_URL. */
  apiUrl: string;
  /** GITHUB_REPOSITORY, split; absent outside GitHub. */
  repository?: { owner: string; repo: string };
  runUrl?: string;
  /** A proxy variable is set for the runner. */
  proxied: boolean;
  /** The github-deployments and pr-comment inputs. */
  deployments: boolean;
  comment: boolean;
}

/**
 * The GitHub side of a run: the trusted config's reader, and, in a repository, the reporter, the
 * ordering guard's commit comparison, the branches and the push's changed files (the latter three only
 * with a token; without one the reporter says once that GitHub deployments and the comment are skipped).
 */
export function gitHubEdges(
  settings: GitHubSettings,
  { log, clock, cancel }: { log: Logger; clock: Clock; cancel?: AbortSignal },
): {
  fetchConfig: FetchConfig;
  reporter?: RunReporter;
  compareCommits?: CompareCommits;
  changedFiles?: ListChangedFiles;
  branchHead?: BranchHead;
} {
  const fetchConfig = configFetcher(settings);
  if (!settings.repository) return { fetchConfig };
  const api = { token: settings.token, apiUrl: settings.apiUrl, ...settings.repository, log, cancel };
  return {
    fetchConfig,
    ...(settings.token
      ? {
          compareCommits: commitComparer(api),
          branchHead: branchHeads(api, clock),
          changedFiles: changedFilesLister(api, clock),
        }
      : {}),
    reporter: createGitHubReporter({
      ...api,
      runUrl: settings.runUrl ?? '',
      enabled: settings.deployments,
      comment: settings.comment,
      clock,
    }),
  };
}
