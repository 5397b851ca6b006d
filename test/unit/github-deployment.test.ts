import { describe, expect, it } from 'vitest';
import type { GroupOutcome, GroupReport } from '../../src/deploy/results.js';
import {
  deployedRef,
  deploymentRequest,
  finishedStatus,
  MAX_DESCRIPTION,
  OUTCOME_STATE,
  startedStatus,
  teardownStatus,
  truncate,
} from '../../src/report/github-deployment.js';
import { previewDeployed, RUN_URL, successOnThreeGroups } from '../helpers/run-results.js';

const planned = () => {
  const { plan } = successOnThreeGroups();
  if (plan.skipped) throw new Error('expected a plan');
  return plan.deployments[0]!;
};

function report(outcome: GroupOutcome, extra: Partial<GroupReport> = {}): GroupReport {
  return { group: 'staging', environment: 'staging', outcome, failures: [], deploymentId: 'd-ABC', ...extra };
}

describe('GitHub deployment statuses', () => {
  it.each([
    ['succeeded', 'success'],
    ['failed', 'failure'],
    ['stopped', 'error'],
    ['not-started', 'error'],
    ['in-progress', 'error'],
    ['created', 'in_progress'],
    ['superseded', 'inactive'],
    ['torn-down', 'inactive'],
  ] as const)('%s → %s', (outcome, state) => {
    expect(OUTCOME_STATE[outcome]).toBe(state);
    const status = finishedStatus(report(outcome), planned(), RUN_URL);
    expect(status.state).toBe(state);
    expect(status.log_url).toBe(RUN_URL);
    expect(status.description.length).toBeGreaterThan(0);
  });

  it.each([
    [
      'pull-request-closed',
      'deleted the preview group',
      'Pull request closed: preview torn down (deleted the preview group)',
    ],
    [
      'branch-deleted',
      "deleted the branch's group",
      "Branch deleted: torn down (deleted the branch's group)",
    ],
  ] as const)(
    'a teardown (%s) goes inactive and says what ended the environment',
    (cause, note, description) => {
      expect(teardownStatus(report('torn-down', { note }), cause, RUN_URL)).toEqual({
        state: 'inactive',
        description,
        log_url: RUN_URL,
      });
    },
  );

  it('descriptions stay within 140 characters, however long the note', () => {
    const long = report('superseded', { note: `a later run deployed ${'x'.repeat(300)}` });
    const { description } = finishedStatus(long, planned(), RUN_URL);
    expect([...description]).toHaveLength(MAX_DESCRIPTION);
    expect(description.endsWith('…')).toBe(true);
  });

  it('truncate counts characters, not UTF-16 units, and leaves short text alone', () => {
    expect(truncate('🚀'.repeat(200))).toBe(`${'🚀'.repeat(139)}…`);
    expect(truncate('short')).toBe('short');
  });

  it('a stopped deployment says why; a superseded one drops the environment URL', () => {
    const stopped = finishedStatus(
      report('stopped', { note: 'stopped: the wait timed out' }),
      planned(),
      RUN_URL,
    );
    expect(stopped.description).toBe('d-ABC: stopped: the wait timed out');
    const superseded = finishedStatus(
      report('superseded', { environmentUrl: 'https://x.example.com', note: 'a newer commit is deployed' }),
      planned(),
      RUN_URL,
    );
    expect(superseded).toEqual({
      state: 'inactive',
      description: 'Not deployed: a newer commit is deployed',
      log_url: RUN_URL,
    });
  });

  it('a group refused before CodeDeploy was called says why', () => {
    const refused = report('failed', {
      deploymentId: undefined,
      error: { code: 'ACTIVE_DEPLOYMENT', message: 'deployment d-OTHER did not finish in time' },
    });
    expect(finishedStatus(refused, planned(), RUN_URL).description).toBe(
      'Not deployed: deployment d-OTHER did not finish in time',
    );
  });

  it('a pull-request preview is transient, never production, and points at the head commit', () => {
    const result = previewDeployed('opened', 'abcdef0123456789abcdef0123456789abcdef01');
    if (result.plan.skipped) throw new Error('expected a plan');
    const trigger = { ...result.trigger, sha: 'f'.repeat(40) };
    const request = deploymentRequest(
      { ...result, trigger },
      result.plan.deployments[0]!,
      deployedRef(trigger),
    );
    expect(request).toMatchObject({
      ref: 'abcdef0123456789abcdef0123456789abcdef01',
      transient_environment: true,
      production_environment: false,
      environment: 'preview-42',
    });
  });

  it('an in-progress status says what is deployed: a commit, a redeployed one, or a rollback', () => {
    const result = previewDeployed('opened', 'abcdef0123456789abcdef0123456789abcdef01');
    const group = planned();
    const sha = '5'.repeat(40);
    expect(startedStatus(result, group, sha, RUN_URL).description).toBe(
      `Deploying 5555555 to ${group.deploymentGroup} with CodeDeploy`,
    );
    const revision = { ...result, revisionChoice: { kind: 'sha' as const, sha: '5555555' } };
    expect(startedStatus(revision, group, sha, RUN_URL).description).toBe(
      `Redeploying 5555555 to ${group.deploymentGroup} with CodeDeploy`,
    );
    // Recorded on another commit (GitHub could not resolve the one asked for): still names it.
    expect(startedStatus(revision, group, 'f'.repeat(40), RUN_URL).description).toBe(
      `Redeploying 5555555 to ${group.deploymentGroup} with CodeDeploy`,
    );
    const rollback = { ...result, revisionChoice: { kind: 'rollback' as const } };
    expect(startedStatus(rollback, group, sha, RUN_URL).description).toBe(
      `Rolling ${group.deploymentGroup} back to its previous successful revision with CodeDeploy`,
    );
  });
});
