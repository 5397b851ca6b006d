import { describe, expect, it } from 'vitest';
import { type RunnerEvent, triggerFromEvent } from '../../src/event/trigger.js';

const repository = { full_name: 'acme/shop', default_branch: 'master' };
const SHA = 'a'.repeat(40);
const event = (eventName: string, payload: unknown, extra: Partial<RunnerEvent> = {}): RunnerEvent => ({
  eventName,
  payload,
  payloadFile: '/runner/event.json',
  sha: SHA,
  ...extra,
});

const pr = (action: string, headRepo: string | null = 'acme/shop') => ({
  action,
  number: 7,
  repository,
  pull_request: {
    number: 7,
    head: { ref: 'feature/x', sha: 'b'.repeat(40), repo: headRepo ? { full_name: headRepo } : null },
    base: { ref: 'master', repo: { full_name: 'acme/shop' } },
  },
});

describe('triggerFromEvent', () => {
  it('push of a branch', () => {
    expect(triggerFromEvent(event('push', { ref: 'refs/heads/develop', after: SHA, repository }))).toEqual({
      event: 'push',
      ref: { type: 'branch', name: 'develop' },
      deleted: false,
      sha: SHA,
      repository: { owner: 'acme', name: 'shop', defaultBranch: 'master' },
    });
  });

  it('push of a tag', () => {
    const trigger = triggerFromEvent(event('push', { ref: 'refs/tags/v1.0.0', after: SHA, repository }));
    expect(trigger).toMatchObject({ event: 'push', ref: { type: 'tag', name: 'v1.0.0' } });
  });

  it('a branch deletion', () => {
    const trigger = triggerFromEvent(
      event('push', { ref: 'refs/heads/old', deleted: true, before: SHA, after: '0'.repeat(40), repository }),
    );
    expect(trigger).toMatchObject({ deleted: true, sha: SHA });
  });

  it('workflow_dispatch uses GITHUB_SHA', () => {
    const trigger = triggerFromEvent(
      event('workflow_dispatch', { ref: 'refs/heads/master', inputs: {}, repository }),
    );
    expect(trigger).toMatchObject({
      event: 'workflow_dispatch',
      ref: { type: 'branch', name: 'master' },
      sha: SHA,
    });
  });

  it('pull_request from the same repository', () => {
    expect(triggerFromEvent(event('pull_request', pr('opened')))).toMatchObject({
      event: 'pull_request',
      action: 'opened',
      number: 7,
      headRef: 'feature/x',
      headSha: 'b'.repeat(40),
      baseRef: 'master',
      fork: false,
      sha: SHA,
    });
  });

  it.each([
    ['another repository', 'someone/shop'],
    ['a deleted fork', null],
  ])('pull_request from %s is a fork', (_, headRepo) => {
    expect(triggerFromEvent(event('pull_request', pr('opened', headRepo)))).toMatchObject({ fork: true });
  });

  it('pull_request_target keeps its name so the plan can refuse it', () => {
    expect(triggerFromEvent(event('pull_request_target', pr('opened')))).toMatchObject({
      event: 'pull_request_target',
    });
  });

  it('the repository may come from GITHUB_REPOSITORY', () => {
    const trigger = triggerFromEvent(
      event('push', { ref: 'refs/heads/x', after: SHA }, { repository: 'o/r' }),
    );
    expect(trigger.repository).toEqual({ owner: 'o', name: 'r' });
  });

  it.each([
    ['an unknown event', event('schedule', { repository }), 'the "schedule" event is not supported'],
    ['a payload that is not an object', event('push', null), 'is not a JSON object'],
    ['a push without ref', event('push', { after: SHA, repository }), 'has no "ref"'],
    [
      'a push of a non-branch ref',
      event('push', { ref: 'refs/pull/1/merge', after: SHA, repository }),
      'neither a branch nor a tag',
    ],
    [
      'a pull request without number',
      event('pull_request', { action: 'opened', repository }),
      'no pull request number',
    ],
    [
      'a pull request without head',
      event('pull_request', { action: 'opened', number: 3, repository, pull_request: { number: 3 } }),
      'has no "pull_request.head.sha"',
    ],
    ['no repository at all', event('push', { ref: 'refs/heads/x', after: SHA }), 'names no repository'],
  ])('%s is a located error', (_, input, message) => {
    expect(() => triggerFromEvent(input)).toThrow(message);
    expect(() => triggerFromEvent(input)).toThrow(/^\/runner\/event\.json: /);
  });
});
