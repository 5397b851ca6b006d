import type { DispatchTrigger, PullRequestTrigger, PushTrigger } from '../../src/event/trigger.js';

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
