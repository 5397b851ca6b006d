import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guessEventName, type RunnerEvent, triggerFromEvent } from '../../src/event/trigger.js';

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

  it('pull_request without GITHUB_SHA (a saved payload planned by the CLI) is at its head', () => {
    expect(triggerFromEvent(event('pull_request', pr('opened'), { sha: '' }))).toMatchObject({
      sha: 'b'.repeat(40),
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

  const finished = (run: Record<string, unknown>, action = 'completed') => ({
    action,
    workflow_run: {
      name: 'ci',
      event: 'push',
      conclusion: 'success',
      head_branch: 'develop',
      head_sha: 'c'.repeat(40),
      head_repository: { full_name: 'acme/shop' },
      ...run,
    },
    repository,
  });

  it('workflow_run: the branch and the commit of the finished run, not the default branch the job runs on', () => {
    const input = event('workflow_run', finished({}), { ref: 'refs/heads/master' });
    expect(triggerFromEvent(input)).toEqual({
      event: 'workflow_run',
      action: 'completed',
      ref: { type: 'branch', name: 'develop' },
      run: { workflow: 'ci', event: 'push', conclusion: 'success' },
      fork: false,
      sha: 'c'.repeat(40),
      repository: { owner: 'acme', name: 'shop', defaultBranch: 'master' },
    });
  });

  it.each([
    ['another repository', { head_repository: { full_name: 'stranger/shop' } }, true],
    ['a deleted repository', { head_repository: null }, true],
    ['this repository, named in another case', { head_repository: { full_name: 'ACME/Shop' } }, false],
  ])('workflow_run from %s: fork is %s', (_, run, fork) => {
    expect(triggerFromEvent(event('workflow_run', finished(run)))).toMatchObject({ fork });
  });

  it('workflow_run that has not completed has no conclusion', () => {
    const trigger = triggerFromEvent(event('workflow_run', finished({ conclusion: null }, 'requested')));
    expect(trigger).toMatchObject({ action: 'requested', run: { conclusion: null } });
  });

  it('release: the tag, at the commit GITHUB_SHA names', () => {
    const payload = { action: 'published', release: { tag_name: 'v1.2.0', prerelease: true }, repository };
    expect(triggerFromEvent(event('release', payload, { ref: 'refs/tags/v1.2.0' }))).toEqual({
      event: 'release',
      action: 'published',
      ref: { type: 'tag', name: 'v1.2.0' },
      prerelease: true,
      sha: SHA,
      repository: { owner: 'acme', name: 'shop', defaultBranch: 'master' },
    });
  });

  it.each([
    ['a branch', { ref: 'feature/x', ref_type: 'branch' }, { type: 'branch', name: 'feature/x' }],
    ['a tag', { ref: 'v1.0.0', ref_type: 'tag' }, { type: 'tag', name: 'v1.0.0' }],
    // GitHub names the deleted ref short: a name that looks like a full ref is that name, and a tag
    // named so stays a tag (it must never stand for the branch feature/x).
    [
      'a branch named like a full ref',
      { ref: 'refs/heads/feature/x', ref_type: 'branch' },
      { type: 'branch', name: 'refs/heads/feature/x' },
    ],
    [
      'a tag named like a branch ref',
      { ref: 'refs/heads/feature/x', ref_type: 'tag' },
      { type: 'tag', name: 'refs/heads/feature/x' },
    ],
  ])(
    'delete of %s: the deleted ref, and no commit (GITHUB_SHA is the default branch’s)',
    (_, payload, ref) => {
      expect(triggerFromEvent(event('delete', { ...payload, repository }))).toEqual({
        event: 'delete',
        ref,
        sha: '',
        repository: { owner: 'acme', name: 'shop', defaultBranch: 'master' },
      });
    },
  );

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
    [
      'a workflow_run without head_sha',
      event('workflow_run', {
        action: 'completed',
        workflow_run: { head_branch: 'x', event: 'push' },
        repository,
      }),
      'has no "workflow_run.head_sha"',
    ],
    [
      'a release without tag_name',
      event('release', { action: 'published', release: {}, repository }),
      'has no "release.tag_name"',
    ],
    [
      'a release without GITHUB_SHA',
      event('release', { action: 'published', release: { tag_name: 'v1' }, repository }, { sha: undefined }),
      'GITHUB_SHA is not set',
    ],
    [
      'a delete of something else',
      event('delete', { ref: 'x', ref_type: 'repository', repository }),
      'ref_type "repository" is neither branch nor tag',
    ],
  ])('%s is a located error', (_, input, message) => {
    expect(() => triggerFromEvent(input)).toThrow(message);
    expect(() => triggerFromEvent(input)).toThrow(/^\/runner\/event\.json: /);
  });
});

describe('guessEventName: the event a saved payload was sent for', () => {
  it.each([
    [{ ref: 'refs/heads/x', after: SHA }, 'push'],
    [{ ref: 'refs/heads/x', inputs: {} }, 'workflow_dispatch'],
    [{ action: 'opened', pull_request: {} }, 'pull_request'],
    [{ action: 'completed', workflow_run: {} }, 'workflow_run'],
    [{ action: 'published', release: {} }, 'release'],
    [{ ref: 'x', ref_type: 'branch' }, 'delete'],
    [{ ref: 'x', ref_type: 'branch', master_branch: 'main' }, 'create'],
    [null, 'push'],
  ])('%j is %s', (payload, name) => {
    expect(guessEventName(payload)).toBe(name);
  });

  // The files docs and the CLI tests use: each is guessed right and reads as a trigger.
  it.each(readdirSync('examples/events'))('examples/events/%s', (file) => {
    const payload = JSON.parse(readFileSync(join('examples/events', file), 'utf8'));
    const eventName = guessEventName(payload);
    expect(file.startsWith(`${eventName.replace('_', '-')}-`), eventName).toBe(true);
    expect(() => triggerFromEvent({ eventName, payload, payloadFile: file, sha: SHA })).not.toThrow();
  });
});
