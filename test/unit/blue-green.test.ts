import type { DeploymentGroupInfo, DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import {
  describeFleets,
  describeWaitPlan,
  MAX_EXTENDED_WAIT_SECONDS,
  planWait,
} from '../../src/deploy/blue-green.js';

const BLUE_GREEN = { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' } as const;

function group(config: DeploymentGroupInfo['blueGreenDeploymentConfiguration']): DeploymentGroupInfo {
  return { deploymentStyle: BLUE_GREEN, blueGreenDeploymentConfiguration: config };
}

const readyAndTerminate = group({
  deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 60 },
  terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 },
});

describe('planWait', () => {
  it('keeps the wait of an in-place group', () => {
    const inPlace = { deploymentStyle: { deploymentType: 'IN_PLACE' as const } };
    expect(planWait(1800, inPlace, 'wait')).toEqual({ seconds: 1800, extras: [], capped: false });
    expect(planWait(1800, undefined, 'wait')).toEqual({ seconds: 1800, extras: [], capped: false });
  });

  it('adds the deployment-ready wait (when waiting for a person) and the termination wait', () => {
    expect(planWait(1800, readyAndTerminate, 'wait')).toEqual({
      seconds: 1800 + 3600 + 300,
      extras: [
        { what: 'deployment-ready wait', minutes: 60 },
        { what: 'termination wait of the original fleet', minutes: 5 },
      ],
      capped: false,
    });
    // continue reroutes at once and stop ends it: nobody waits for the ready timer.
    for (const onReady of ['continue', 'stop'] as const) {
      expect(planWait(1800, readyAndTerminate, onReady).seconds).toBe(1800 + 300);
    }
  });

  it('adds nothing for CONTINUE_DEPLOYMENT, KEEP_ALIVE or zero minutes', () => {
    const none = group({
      deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 60 },
      terminateBlueInstancesOnDeploymentSuccess: { action: 'KEEP_ALIVE', terminationWaitTimeInMinutes: 60 },
    });
    expect(planWait(600, none, 'wait')).toEqual({ seconds: 600, extras: [], capped: false });
    const zero = group({
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
    });
    expect(planWait(600, zero, 'wait').extras).toEqual([]);
  });

  it('caps the extended wait at six hours, never below the user’s own wait', () => {
    const long = group({
      deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 2880 },
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 2880 },
    });
    expect(planWait(1800, long, 'wait')).toMatchObject({ seconds: MAX_EXTENDED_WAIT_SECONDS, capped: true });
    expect(planWait(8 * 3600, long, 'wait')).toMatchObject({ seconds: 8 * 3600, capped: true });
  });
});

describe('describeWaitPlan', () => {
  it('says what makes up the wait', () => {
    expect(describeWaitPlan(1800, planWait(1800, readyAndTerminate, 'wait'))).toBe(
      'following it up to 1h35m: wait 30m + deployment-ready wait 1h + termination wait of the original fleet 5m',
    );
    expect(describeWaitPlan(1800, planWait(1800, group({}), 'wait'))).toBe('following it up to 30m (wait)');
    const long = group({
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 2880 },
    });
    expect(describeWaitPlan(1800, planWait(1800, long, 'wait'))).toBe(
      'following it up to 6h: wait 30m + termination wait of the original fleet 48h, capped at 6h',
    );
  });
});

function target(
  label: 'Blue' | 'Green',
  status: string,
  events: Array<[string, string]> = [],
): DeploymentTarget {
  return {
    deploymentTargetType: 'InstanceTarget',
    instanceTarget: {
      instanceLabel: label,
      status: status as never,
      lifecycleEvents: events.map(([lifecycleEventName, eventStatus]) => ({
        lifecycleEventName,
        status: eventStatus as never,
      })),
    },
  };
}

describe('describeFleets', () => {
  it('says where each fleet is, traffic events by name', () => {
    expect(
      describeFleets([
        target('Blue', 'Pending'),
        target('Blue', 'Pending'),
        target('Green', 'InProgress', [
          ['ValidateService', 'Succeeded'],
          ['BeforeAllowTraffic', 'InProgress'],
        ]),
        target('Green', 'InProgress', [
          ['ValidateService', 'Succeeded'],
          ['BeforeAllowTraffic', 'Pending'],
        ]),
      ]),
    ).toBe('replacement fleet: 1 at BeforeAllowTraffic, 1 at ValidateService · original fleet: 2 pending');
    expect(
      describeFleets([
        target('Green', 'Ready'),
        target('Green', 'Failed', [
          ['ValidateService', 'Succeeded'],
          ['AfterAllowTraffic', 'Failed'],
        ]),
        target('Blue', 'Succeeded'),
      ]),
    ).toBe('replacement fleet: 1 ready for traffic, 1 failed at AfterAllowTraffic · original fleet: 1 done');
  });

  it('has nothing to say about in-place targets', () => {
    expect(
      describeFleets([{ instanceTarget: { status: 'InProgress', lifecycleEvents: [] } }]),
    ).toBeUndefined();
  });
});
