import type {
  DeleteTrigger,
  DispatchTrigger,
  PullRequestTrigger,
  PushTrigger,
  ReleaseTrigger,
  WorkflowRunTrigger,
} from '../../src/event/trigger.js';

export const SHA = '0123456789abcdef0123456789abcdef01234567';
const repository = { owner: 'acme', name: 'shop', defaultBranch: 'master' };

export function push(ref: string, extra: Partial<PushTrigger> = {}): PushTrigger {
  const tag = ref.startsWith('refs/tags/');
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  return {
    event: 'push',
    ref: { type: tag ? 'tag' : 'branch', name },
    deleted: false,
    sha: SHA,
    repository,
    ...extra,
  };
}

export function dispatch(branch: string): DispatchTrigger {
  return { event: 'workflow_dispatch', ref: { type: 'branch', name: branch }, sha: SHA, repository };
}

export function pullRequest(action: string, extra: Partial<PullRequestTrigger> = {}): PullRequestTrigger {
  return {
    event: 'pull_request',
    action,
    number: 42,
    headRef: 'feature/login',
    headSha: SHA,
    baseRef: 'master',
    fork: false,
    sha: SHA,
    repository,
    ...extra,
  };
}

/** The successful run of a push of `branch` (the workflow "ci") has completed. */
export function workflowRun(
  branch: string,
  extra: Partial<Omit<WorkflowRunTrigger, 'run'>> & { run?: Partial<WorkflowRunTrigger['run']> } = {},
): WorkflowRunTrigger {
  const { run, ...rest } = extra;
  return {
    event: 'workflow_run',
    action: 'completed',
    ref: { type: 'branch', name: branch },
    run: { workflow: 'ci', event: 'push', conclusion: 'success', ...run },
    fork: false,
    sha: SHA,
    repository,
    ...rest,
  };
}

/** The release of `tag` was published. */
export function release(tag: string, extra: Partial<ReleaseTrigger> = {}): ReleaseTrigger {
  return {
    event: 'release',
    action: 'published',
    ref: { type: 'tag', name: tag },
    prerelease: false,
    sha: SHA,
    repository,
    ...extra,
  };
}

/** A `delete` event: `refs/tags/x` is a tag, anything else a branch. */
export function deleted(ref: string): DeleteTrigger {
  const { ref: gitRef } = push(ref);
  return { event: 'delete', ref: gitRef, sha: '', repository };
}

/**
 * The payload GitHub sends when the run of "ci" for a push of `branch` at `sha` (in acme/shop) has
 * completed successfully; `run` overrides fields of `workflow_run`.
 */
export function finishedRunPayload(
  branch: string,
  sha: string,
  run: Record<string, unknown> = {},
  defaultBranch = 'master',
) {
  return {
    action: 'completed',
    workflow_run: {
      name: 'ci',
      event: 'push',
      conclusion: 'success',
      head_branch: branch,
      head_sha: sha,
      head_repository: { full_name: 'acme/shop' },
      ...run,
    },
    repository: { full_name: 'acme/shop', default_branch: defaultBranch },
  };
}
