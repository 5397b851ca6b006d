import { describe, expect, it } from 'vitest';
import { type HealthPlan, nextStep, planHealth } from '../../src/local/health.js';
import { inPlaceLifecycle } from '../../src/local/lifecycle.js';
import type { MinimumHealthyHosts, TargetStatus } from '../../src/local/records.js';

function plan(rule: MinimumHealthyHosts, instances: number): HealthPlan {
  const result = planHealth(rule, instances);
  if ('error' in result) throw new Error(result.error.message);
  return result.plan;
}

const ONE_AT_A_TIME: MinimumHealthyHosts = { type: 'MOST_CONCURRENCY', value: 1 };
const HALF: MinimumHealthyHosts = { type: 'FLEET_PERCENT', value: 50 };
const ALL: MinimumHealthyHosts = { type: 'HOST_COUNT', value: 0 };

describe('planHealth', () => {
  it('follows the API model’s example: 9 instances, HOST_COUNT 6 → 3 at once, 6 successes needed', () => {
    expect(plan({ type: 'HOST_COUNT', value: 6 }, 9)).toEqual({
      minimumHealthy: 6,
      maxConcurrent: 3,
      requiredSuccesses: 6,
    });
  });

  it('rounds FLEET_PERCENT up: 9 instances at 40 % → 4 healthy, 5 at once', () => {
    expect(plan({ type: 'FLEET_PERCENT', value: 40 }, 9)).toEqual({
      minimumHealthy: 4,
      maxConcurrent: 5,
      requiredSuccesses: 4,
    });
  });

  it('keeps all instances but one healthy with OneAtATime', () => {
    expect(plan(ONE_AT_A_TIME, 4)).toEqual({ minimumHealthy: 3, maxConcurrent: 1, requiredSuccesses: 3 });
    expect(plan(ONE_AT_A_TIME, 1)).toEqual({ minimumHealthy: 0, maxConcurrent: 1, requiredSuccesses: 1 });
  });

  it('needs one success with AllAtOnce', () => {
    expect(plan(ALL, 5)).toEqual({ minimumHealthy: 0, maxConcurrent: 5, requiredSuccesses: 1 });
  });

  it('refuses a minimum that leaves no instance to take offline (HEALTH_CONSTRAINTS_INVALID)', () => {
    expect(planHealth(HALF, 1)).toMatchObject({ error: { code: 'HEALTH_CONSTRAINTS_INVALID' } });
    expect(planHealth({ type: 'HOST_COUNT', value: 3 }, 3)).toMatchObject({
      error: { code: 'HEALTH_CONSTRAINTS_INVALID' },
    });
  });
});

describe('nextStep', () => {
  const statuses = (spec: string): TargetStatus[] =>
    [...spec].map(
      (c) =>
        ({ P: 'Pending', R: 'InProgress', S: 'Succeeded', F: 'Failed', K: 'Skipped' })[c] as TargetStatus,
    );

  it('starts as many instances as the plan allows, then waits', () => {
    expect(nextStep(plan(HALF, 4), statuses('PPPP'))).toEqual({ kind: 'start', count: 2 });
    expect(nextStep(plan(HALF, 4), statuses('RRPP'))).toEqual({ kind: 'wait' });
    expect(nextStep(plan(HALF, 4), statuses('SRPP'))).toEqual({ kind: 'start', count: 1 });
    expect(nextStep(plan(ALL, 3), statuses('PPP'))).toEqual({ kind: 'start', count: 3 });
  });

  it('fails when no further instance can be started without breaking the minimum', () => {
    expect(nextStep(plan(ONE_AT_A_TIME, 3), statuses('FPP'))).toMatchObject({
      kind: 'finish',
      status: 'Failed',
      errorInformation: { code: 'HEALTH_CONSTRAINTS' },
    });
    expect(nextStep(plan(HALF, 4), statuses('FFPP'))).toMatchObject({ kind: 'finish', status: 'Failed' });
  });

  it('keeps going after a failure the minimum can absorb', () => {
    expect(nextStep(plan(HALF, 4), statuses('SFPP'))).toEqual({ kind: 'start', count: 1 });
    expect(nextStep(plan(ALL, 3), statuses('FFS'))).toEqual({ kind: 'finish', status: 'Succeeded' });
  });

  it('succeeds when the last OneAtATime instance fails, not when the only one does', () => {
    expect(nextStep(plan(ONE_AT_A_TIME, 3), statuses('SSF'))).toEqual({
      kind: 'finish',
      status: 'Succeeded',
    });
    expect(nextStep(plan(ONE_AT_A_TIME, 1), statuses('F'))).toMatchObject({
      kind: 'finish',
      status: 'Failed',
    });
  });
});

describe('inPlaceLifecycle', () => {
  it('is the agent’s in-place order, with the traffic events only under traffic control', () => {
    expect(inPlaceLifecycle({}).map((s) => s.event)).toEqual([
      'ApplicationStop',
      'DownloadBundle',
      'BeforeInstall',
      'Install',
      'AfterInstall',
      'ApplicationStart',
      'ValidateService',
    ]);
    const withTraffic = inPlaceLifecycle({
      deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      loadBalancerInfo: { targetGroupInfoList: [{ name: 'tg' }] },
    });
    expect(withTraffic.map((s) => s.event)).toEqual([
      'BeforeBlockTraffic',
      'BlockTraffic',
      'AfterBlockTraffic',
      'ApplicationStop',
      'DownloadBundle',
      'BeforeInstall',
      'Install',
      'AfterInstall',
      'ApplicationStart',
      'ValidateService',
      'BeforeAllowTraffic',
      'AllowTraffic',
      'AfterAllowTraffic',
    ]);
    expect(withTraffic.filter((s) => s.revision === 'last-successful').map((s) => s.event)).toEqual([
      'BeforeBlockTraffic',
      'BlockTraffic',
      'AfterBlockTraffic',
      'ApplicationStop',
    ]);
  });
});
