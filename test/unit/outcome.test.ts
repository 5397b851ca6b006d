import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import { deploymentOutcome, type Seen } from '../../src/deploy/outcome.js';

const NOW = 1_000_000;
const seen = (info: Partial<DeploymentInfo> | undefined, extra: Partial<Seen> = {}): Seen => ({
  ...(info ? { info: info as DeploymentInfo } : {}),
  now: NOW,
  ...extra,
});

describe('the outcome of a followed deployment', () => {
  it.each([
    ['Succeeded', seen({ status: 'Succeeded' }), 'succeeded', undefined],
    ['Failed', seen({ status: 'Failed' }), 'failed', undefined],
    ['Stopped', seen({ status: 'Stopped' }), 'stopped', undefined],
    ['still running (a stop that failed)', seen({ status: 'InProgress' }), 'in-progress', undefined],
    ['never answered', seen(undefined), 'in-progress', undefined],
    [
      'in the termination wait: traffic moved',
      seen({ status: 'InProgress', instanceTerminationWaitTimeStarted: true }, { terminationWaitMinutes: 5 }),
      'succeeded',
      'traffic is on the replacement fleet; CodeDeploy terminates the original fleet after its termination wait (5m) and marks the deployment Succeeded then',
    ],
    [
      'stopped on a timeout',
      seen({ status: 'Stopped' }, { stoppedBecause: 'timeout' }),
      'stopped',
      'stopped: the wait timed out',
    ],
    [
      'stopped on a cancel',
      seen({ status: 'Stopped' }, { stoppedBecause: 'cancelled' }),
      'stopped',
      'stopped because the workflow was cancelled',
    ],
    [
      'stopped when Ready (on-ready: stop)',
      seen({ status: 'Stopped' }, { stoppedBecause: 'on-ready' }),
      'stopped',
      'stopped when it was Ready for a traffic reroute (on-ready: stop); traffic stays on the original fleet',
    ],
    [
      'asked to stop, never confirmed',
      seen({ status: 'InProgress' }, { stoppedBecause: 'timeout' }),
      'in-progress',
      'the wait timed out and it was asked to stop, but CodeDeploy had not said it stopped when the run ended: see the console',
    ],
    [
      'no longer followed (a refusal while polling)',
      seen({ status: 'InProgress' }, { lostBecause: { code: 'AccessDeniedException', message: 'denied' } }),
      'in-progress',
      'this run could no longer follow it (AccessDeniedException): it is still running',
    ],
    [
      'succeeded while being stopped',
      seen({ status: 'Succeeded' }, { stoppedBecause: 'timeout' }),
      'succeeded',
      'it succeeded just as it was being stopped',
    ],
    [
      'could not be stopped on a cancel',
      seen({ status: 'InProgress' }, { stoppedBecause: 'cancelled', stopFailed: 'AccessDenied' }),
      'in-progress',
      'the workflow was cancelled, and it could not be stopped: it is still running (AccessDenied)',
    ],
    [
      'could not be stopped, but ended anyway',
      seen({ status: 'Failed' }, { stoppedBecause: 'timeout', stopFailed: 'AccessDenied' }),
      'failed',
      'stopped: the wait timed out',
    ],
  ] as const)('%s', (_case, input, outcome, note) => {
    const result = deploymentOutcome(input);
    expect(result.outcome).toBe(outcome);
    expect(result.note).toBe(note);
  });

  it("keeps CodeDeploy's status, counts, error and end time", () => {
    const result = deploymentOutcome(
      seen({
        status: 'Failed',
        deploymentOverview: { Succeeded: 1, Failed: 1 },
        errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' },
        completeTime: new Date(5_000),
      }),
    );
    expect(result).toMatchObject({
      status: 'Failed',
      counts: { succeeded: 1, failed: 1, pending: 0, inProgress: 0, skipped: 0, ready: 0 },
      error: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' },
      endedAt: 5_000,
    });
    expect(deploymentOutcome(seen({ status: 'InProgress' })).endedAt).toBe(NOW);
    expect(deploymentOutcome(seen(undefined)).status).toBe('Unknown');
  });

  it('names the rollback: the one followed (with its status), else the one CodeDeploy names', () => {
    const followed = deploymentOutcome(
      seen(
        { status: 'Failed', rollbackInfo: { rollbackDeploymentId: 'd-ROLL' } },
        {
          rollback: { id: 'd-ROLL', status: 'Succeeded' },
        },
      ),
    );
    expect(followed.rollback).toEqual({ deploymentId: 'd-ROLL', status: 'Succeeded' });
    const named = deploymentOutcome(
      seen({ status: 'Failed', rollbackInfo: { rollbackDeploymentId: 'd-ROLL' } }),
    );
    expect(named.rollback).toEqual({ deploymentId: 'd-ROLL' });
    expect(deploymentOutcome(seen({ status: 'Failed' })).rollback).toBeUndefined();
  });
});
