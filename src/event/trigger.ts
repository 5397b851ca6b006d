import { problem, UserError } from '../core/problems.js';

/** What started the run, reduced to what the plan needs. Built from the runner's event, or from CLI flags. */
export type Trigger =
  | PushTrigger
  | DispatchTrigger
  | PullRequestTrigger
  | WorkflowRunTrigger
  | ReleaseTrigger
  | DeleteTrigger;

export interface GitRef {
  type: 'branch' | 'tag';
  /** Without refs/heads/ or refs/tags/. */
  name: string;
}

export interface Repository {
  owner: string;
  name: string;
  defaultBranch?: string;
}

interface TriggerBase {
  /** The commit in the workspace: what gets archived. Empty when the event names none (a deleted ref). */
  sha: string;
  repository: Repository;
}

export interface PushTrigger extends TriggerBase {
  event: 'push';
  ref: GitRef;
  /** A push that deletes the branch or tag. */
  deleted: boolean;
  /** The commit the ref was at before the push; absent (or all zeros) for a new ref. */
  before?: string;
}

export interface DispatchTrigger extends TriggerBase {
  event: 'workflow_dispatch';
  ref: GitRef;
}

/** The pull-request actions that deploy (opened, synchronize, reopened) or tear down (closed) a preview. */
export const PULL_REQUEST_ACTIONS = ['opened', 'synchronize', 'reopened', 'closed'] as const;
export type PullRequestAction = (typeof PULL_REQUEST_ACTIONS)[number];

export interface PullRequestTrigger extends TriggerBase {
  event: 'pull_request' | 'pull_request_target';
  /** Any action GitHub sends; only PullRequestAction values deploy or tear down. */
  action: string;
  number: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  /** The head branch lives in another repository (or a deleted one). */
  fork: boolean;
}

/**
 * Another workflow's run ended (`on: workflow_run`): deployed as a push of the branch it ran for
 * (`head_branch`), at the commit it ran on (`head_sha`, the trigger's sha), when it was a push of this
 * repository that succeeded. The job itself runs on the default branch.
 */
export interface WorkflowRunTrigger extends TriggerBase {
  event: 'workflow_run';
  /** requested, in_progress or completed. */
  action: string;
  /** The branch the finished run was for, as the event names it. */
  ref: GitRef;
  run: {
    /** The workflow's name (`ci`). */
    workflow: string;
    /** The event that started that run: only `push` deploys. */
    event: string;
    /** success, failure, cancelled...; null until it completes. */
    conclusion: string | null;
  };
  /** The run's head repository is another one (a fork's pull request), or unknown. */
  fork: boolean;
}

/** The release actions that deploy the release's tag. */
export const RELEASE_ACTIONS = ['published', 'released'] as const;

/** A GitHub release (`on: release`): its tag, planned through the `tags:` entries. */
export interface ReleaseTrigger extends TriggerBase {
  event: 'release';
  /** Any action GitHub sends; only RELEASE_ACTIONS deploy. */
  action: string;
  ref: GitRef;
  prerelease: boolean;
}

/** A branch or tag was deleted (`on: delete`); the job runs on the default branch. */
export interface DeleteTrigger extends TriggerBase {
  event: 'delete';
  /** The deleted ref. */
  ref: GitRef;
}

export function isPullRequest(trigger: Trigger): trigger is PullRequestTrigger {
  return trigger.event === 'pull_request' || trigger.event === 'pull_request_target';
}

/** A deleted branch or tag: a `delete` event, or a push that deleted the ref. */
export function isDeletion(trigger: Trigger): trigger is DeleteTrigger | (PushTrigger & { deleted: true }) {
  return trigger.event === 'delete' || (trigger.event === 'push' && trigger.deleted);
}

export const SUPPORTED_EVENTS = [
  'push',
  'workflow_dispatch',
  'pull_request',
  'pull_request_target',
  'workflow_run',
  'release',
  'delete',
] as const;

/**
 * The event a saved payload was sent for, guessed from its shape (a payload file does not say):
 * pull_request_target looks like pull_request, and is only ever named.
 */
export function guessEventName(payload: unknown): string {
  const has = (key: string) =>
    typeof payload === 'object' && payload !== null && key in (payload as Record<string, unknown>);
  if (has('pull_request')) return 'pull_request';
  if (has('workflow_run')) return 'workflow_run';
  if (has('release')) return 'release';
  // `create` sends ref_type too, with master_branch.
  if (has('ref_type')) return has('master_branch') ? 'create' : 'delete';
  return has('inputs') ? 'workflow_dispatch' : 'push';
}

/** What the runner provides: GITHUB_EVENT_NAME, the JSON at GITHUB_EVENT_PATH, GITHUB_REF, GITHUB_SHA, GITHUB_REPOSITORY. */
export interface RunnerEvent {
  eventName: string;
  payload: unknown;
  /** Where the payload came from, for error messages. */
  payloadFile: string;
  ref?: string;
  sha?: string;
  repository?: string;
}

export function parseRef(ref: string): GitRef | undefined {
  if (ref.startsWith('refs/heads/')) return { type: 'branch', name: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { type: 'tag', name: ref.slice('refs/tags/'.length) };
  return undefined;
}

/** Turns the runner's event into a Trigger; every missing or odd field is a located error. */
export function triggerFromEvent(input: RunnerEvent): Trigger {
  const where = { file: input.payloadFile };
  const payload = input.payload as Record<string, unknown> | null;
  const fail = (message: string, hint?: string): never => {
    throw new UserError(problem(message, where, hint));
  };
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    return fail(
      `the ${input.eventName} event payload is not a JSON object`,
      'run the action from a GitHub workflow',
    );
  }
  const field = (path: string): unknown =>
    path
      .split('.')
      .reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], payload);
  const text = (path: string, fallback?: string): string => {
    const value = field(path) ?? fallback;
    if (typeof value !== 'string' || value === '') {
      return fail(
        `the ${input.eventName} event has no "${path}"`,
        'the event payload is incomplete; re-run the workflow',
      );
    }
    return value;
  };
  const repository = repositoryFrom(payload, input, fail);

  switch (input.eventName) {
    case 'push': {
      const fullRef = text('ref', input.ref);
      const ref =
        parseRef(fullRef) ??
        fail(
          `push of "${fullRef}" is neither a branch nor a tag`,
          'a push names refs/heads/BRANCH or refs/tags/TAG: pull requests deploy through "on: pull_request"',
        );
      const deleted = field('deleted') === true;
      const sha = deleted ? text('before', input.sha) : text('after', input.sha);
      const before = field('before');
      return {
        event: 'push',
        ref,
        deleted,
        sha,
        repository,
        ...(typeof before === 'string' && /^[0-9a-f]{40}$/.test(before) && !/^0+$/.test(before)
          ? { before }
          : {}),
      };
    }
    case 'workflow_dispatch': {
      const fullRef = text('ref', input.ref);
      const ref =
        parseRef(fullRef) ??
        fail(
          `workflow_dispatch on "${fullRef}" is neither a branch nor a tag`,
          'dispatch the workflow on a branch or tag',
        );
      const sha = input.sha ?? fail('GITHUB_SHA is not set', 'run the action from a GitHub workflow');
      return { event: 'workflow_dispatch', ref, sha, repository };
    }
    case 'pull_request':
    case 'pull_request_target': {
      const number = field('pull_request.number') ?? field('number');
      if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
        return fail(
          `the ${input.eventName} event has no pull request number`,
          'the event payload is incomplete; re-run the workflow',
        );
      }
      const headRepo = field('pull_request.head.repo.full_name');
      const baseRepo = text('pull_request.base.repo.full_name', `${repository.owner}/${repository.name}`);
      const headSha = text('pull_request.head.sha');
      return {
        event: input.eventName,
        action: text('action'),
        number,
        headRef: text('pull_request.head.ref'),
        headSha,
        baseRef: text('pull_request.base.ref'),
        fork: !sameRepository(headRepo, baseRepo),
        // The merge commit a runner checks out; the head when GITHUB_SHA is not known (the CLI's '').
        sha: input.sha || headSha,
        repository,
      };
    }
    case 'workflow_run': {
      const headRepository = field('workflow_run.head_repository.full_name');
      const conclusion = field('workflow_run.conclusion');
      const workflow = field('workflow_run.name');
      return {
        event: 'workflow_run',
        action: text('action'),
        ref: { type: 'branch', name: text('workflow_run.head_branch') },
        run: {
          workflow: typeof workflow === 'string' ? workflow : '',
          event: text('workflow_run.event'),
          conclusion: typeof conclusion === 'string' ? conclusion : null,
        },
        fork: !sameRepository(headRepository, `${repository.owner}/${repository.name}`),
        sha: text('workflow_run.head_sha'),
        repository,
      };
    }
    case 'release':
      return {
        event: 'release',
        action: text('action'),
        ref: { type: 'tag', name: text('release.tag_name') },
        prerelease: field('release.prerelease') === true,
        // The tag's commit, which the job checks out.
        sha: input.sha ?? fail('GITHUB_SHA is not set', 'run the action from a GitHub workflow'),
        repository,
      };
    case 'delete': {
      const type = text('ref_type');
      if (type !== 'branch' && type !== 'tag') {
        return fail(
          `the delete event's ref_type "${type}" is neither branch nor tag`,
          'the event payload is incomplete; re-run the workflow',
        );
      }
      // The payload names the ref short (feature/x), and ref_type says which kind: a tag, or a branch,
      // literally named "refs/heads/x" is that, never the branch x. GITHUB_SHA is the default
      // branch's, not the deleted ref's.
      return { event: 'delete', ref: { type, name: text('ref') }, sha: '', repository };
    }
    default:
      return fail(
        `the "${input.eventName}" event is not supported`,
        `trigger the workflow with ${SUPPORTED_EVENTS.join(', ')}`,
      );
  }
}

/** Whether a payload's `owner/name` is this repository: GitHub compares them without case. */
function sameRepository(fullName: unknown, ours: string): boolean {
  return typeof fullName === 'string' && fullName.toLowerCase() === ours.toLowerCase();
}

function repositoryFrom(
  payload: Record<string, unknown>,
  input: RunnerEvent,
  fail: (message: string, hint?: string) => never,
): Repository {
  const repo = payload.repository as Record<string, unknown> | undefined;
  const fullName = (typeof repo?.full_name === 'string' ? repo.full_name : undefined) ?? input.repository;
  const [owner, name] = fullName?.split('/') ?? [];
  if (!owner || !name)
    return fail('the event names no repository (repository.full_name)', 'set GITHUB_REPOSITORY');
  const defaultBranch = typeof repo?.default_branch === 'string' ? repo.default_branch : undefined;
  return { owner, name, ...(defaultBranch ? { defaultBranch } : {}) };
}
