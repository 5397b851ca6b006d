import { describe, expect, it } from 'vitest';
import {
  chooseRollbackRevision,
  countsOf,
  decideActive,
  decideOrdering,
  describeCounts,
  runStatus,
} from '../../src/deploy/decisions.js';
import { describeDeployment, parseDescription, runId } from '../../src/deploy/description.js';
import type { GroupOutcome, GroupReport } from '../../src/deploy/results.js';

const ours = { sha: 'a'.repeat(40), run: '100.1', ref: 'refs/heads/master' };
const theirs = { sha: 'b'.repeat(40), run: '101.1', ref: 'refs/heads/master' };

describe('description', () => {
  it('round-trips the origin of a deployment', () => {
    expect(parseDescription(describeDeployment(ours))).toEqual(ours);
  });

  it('stays within 100 characters and still identifies sha and run', () => {
    const long = { ...ours, ref: `refs/heads/${'x'.repeat(200)}` };
    const text = describeDeployment(long);
    expect(text.length).toBeLessThanOrEqual(100);
    expect(parseDescription(text)).toMatchObject({ sha: ours.sha, run: '100.1' });
  });

  it('a run is its GitHub run and attempt; outside GitHub every run is its own, so none adopts another', () => {
    expect(runId({ GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '2' })).toBe('123.2');
    const [first, second] = [runId({}, 1_000), runId({}, 2_000)];
    expect(first).toBe('local-1000.1');
    const origin = (run: string) => ({ ...ours, run });
    expect(decideActive('fail', { id: 'd-1', origin: origin(first) }, origin(second))).toMatchObject({
      kind: 'fail',
    });
    expect(parseDescription(describeDeployment(origin(first)))?.run).toBe(first);
  });

  it('ignores descriptions written by others', () => {
    expect(parseDescription('deployed by hand')).toBeUndefined();
    expect(parseDescription(undefined)).toBeUndefined();
  });
});

describe('decideActive', () => {
  it('adopts a deployment this run already created (lost response, retried request)', () => {
    expect(decideActive('fail', { id: 'd-1', origin: ours }, ours)).toEqual({ kind: 'adopt' });
  });

  it.each(['wait', 'stop'] as const)('%s follows the setting', (setting) => {
    expect(decideActive(setting, { id: 'd-1', origin: theirs }, ours)).toEqual({ kind: setting });
  });

  it('fail names the running deployment', () => {
    const decision = decideActive('fail', { id: 'd-XYZ', origin: theirs }, ours);
    expect(decision).toMatchObject({ kind: 'fail' });
    expect(decision.kind === 'fail' && decision.reason).toContain('d-XYZ (commit bbbbbbb, run 101.1)');
  });

  it('a re-run (new attempt) of the same commit is not the same run', () => {
    expect(decideActive('wait', { id: 'd-1', origin: { ...ours, run: '100.2' } }, ours)).toEqual({
      kind: 'wait',
    });
  });
});

describe('decideOrdering', () => {
  const base = { ours, theirs, theirsId: 'd-NEW' };
  it('refuses an older commit over a newer one', () => {
    const decision = decideOrdering({ ...base, relation: 'behind' });
    expect(decision).toMatchObject({ proceed: false });
    expect(!decision.proceed && decision.reason).toContain(
      'older than bbbbbbb (deployment d-NEW, run 101.1)',
    );
  });

  it.each(['workflow_dispatch', 'revision', 'rollback'] as const)(
    'allows it on an explicit %s, saying so',
    (explicit) => {
      const decision = decideOrdering({ ...base, relation: 'behind', manual: explicit });
      expect(decision).toMatchObject({ proceed: true });
      expect(decision.proceed && decision.note).toContain(`explicit ${explicit}`);
    },
  );

  it.each(['ahead', 'identical'] as const)('proceeds silently when %s', (relation) => {
    expect(decideOrdering({ ...base, relation })).toEqual({ proceed: true });
  });

  it.each(['diverged', 'unknown'] as const)('proceeds with a note when %s', (relation) => {
    expect(decideOrdering({ ...base, relation })).toMatchObject({ proceed: true, note: expect.any(String) });
  });
});

describe('runStatus', () => {
  const report = (outcome: GroupOutcome): GroupReport => ({
    group: 'g',
    environment: 'g',
    outcome,
    failures: [],
  });
  it.each([
    [['succeeded', 'succeeded'], 'succeeded'],
    [['succeeded', 'failed'], 'failed'],
    [['succeeded', 'stopped'], 'stopped'],
    [['failed', 'stopped'], 'failed'],
    [['created', 'created'], 'created'],
    [['succeeded', 'superseded'], 'succeeded'],
    [['superseded', 'superseded'], 'superseded'],
    [['superseded', 'created'], 'created'],
    [['superseded', 'not-started'], 'failed'],
    [['failed', 'not-started'], 'failed'],
    [['in-progress'], 'failed'],
    [['torn-down'], 'succeeded'],
  ] as Array<[GroupOutcome[], string]>)('%j → %s', (outcomes, expected) => {
    expect(runStatus(outcomes.map(report))).toBe(expected);
  });
});

describe('counts', () => {
  it('reads deploymentOverview and describes it', () => {
    const counts = countsOf({ Pending: 1, InProgress: 1, Succeeded: 2, Failed: 0, Skipped: 0, Ready: 0 });
    expect(describeCounts(counts)).toBe('2/4 succeeded, 1 in progress, 1 pending');
  });
});

describe('chooseRollbackRevision', () => {
  const same = (a: string, b: string) => a === b;
  it('skips the revision the group runs now', () => {
    const choice = chooseRollbackRevision({
      current: 'r3',
      succeeded: [
        { id: 'd-3', revision: 'r3' },
        { id: 'd-2', revision: 'r2' },
      ],
      same,
    });
    expect(choice).toEqual({ id: 'd-2', revision: 'r2' });
  });

  it('takes the newest good one when the current attempt failed', () => {
    expect(
      chooseRollbackRevision({ current: 'r9', succeeded: [{ id: 'd-2', revision: 'r2' }], same }),
    ).toEqual({
      id: 'd-2',
      revision: 'r2',
    });
  });

  it('has nothing to offer without an earlier good revision', () => {
    expect(
      chooseRollbackRevision({ current: 'r1', succeeded: [{ id: 'd-1', revision: 'r1' }], same }),
    ).toBeUndefined();
  });
});
