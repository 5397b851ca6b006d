import type { DeploymentInfo, DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/core/log.js';
import type { OnReady } from '../../src/deploy/blue-green.js';
import { type FollowDeps, type Followed, followDeployments } from '../../src/deploy/follow.js';
import { deploymentUrl } from '../../src/report/links.js';
import { steppingClock } from '../helpers/clock.js';

const ID = 'd-ABCDEFGHI';

/** A gateway that answers each BatchGetDeployments with the next scripted state (the last one repeats). */
function fakeGateway(states: Array<Partial<DeploymentInfo>>, options: { continueErrors?: string[] } = {}) {
  const continueErrors = [...(options.continueErrors ?? [])];
  const called = {
    batchGet: 0,
    targets: 0,
    continued: [] as string[],
    stopped: [] as Array<[string, boolean]>,
  };
  const gateway = {
    async batchGetDeployments(ids: string[]) {
      const state = states[Math.min(called.batchGet, states.length - 1)];
      called.batchGet += 1;
      return ids.map((deploymentId) => ({ deploymentId, ...state }));
    },
    async deploymentTargets(): Promise<DeploymentTarget[]> {
      called.targets += 1;
      return [
        { instanceTarget: { instanceLabel: 'Green', status: 'InProgress', lifecycleEvents: [] } },
        { instanceTarget: { instanceLabel: 'Blue', status: 'Pending', lifecycleEvents: [] } },
      ];
    },
    async continueDeployment(id: string) {
      called.continued.push(id);
      const name = continueErrors.shift();
      if (name) throw Object.assign(new Error(name), { name, $metadata: {} });
    },
    async stopDeployment(id: string, rollback: boolean) {
      called.stopped.push([id, rollback]);
    },
  };
  return { gateway, called };
}

function followed(onReady: OnReady, deadline = 3_600_000): Followed {
  return {
    group: 'production',
    id: ID,
    deadline,
    rollbackOnStop: true,
    watched: { waves: 0, finished: false },
    blueGreen: { onReady, readyWaitMinutes: 60, terminationWaitMinutes: 5 },
  };
}

async function follow(item: Followed, gateway: FollowDeps['codedeploy'], clock = steppingClock()) {
  const log = new MemoryLogger();
  await followDeployments([item], {
    codedeploy: gateway,
    deploymentUrl: (id) => deploymentUrl(id, 'eu-west-1'),
    log,
    clock,
    random: () => 0.5,
    cancel: new AbortController().signal,
  });
  return { log, clock };
}

const overview = (inProgress: number, ready = 0, succeeded = 0) => ({
  Pending: 4 - inProgress - ready - succeeded,
  InProgress: inProgress,
  Ready: ready,
  Succeeded: succeeded,
  Failed: 0,
  Skipped: 0,
});
const inProgress = { status: 'InProgress' as const, deploymentOverview: overview(2) };
const ready = { status: 'Ready' as const, deploymentOverview: overview(0, 2) };
const succeeded = { status: 'Succeeded' as const, deploymentOverview: overview(0, 0, 4) };

describe('following a blue/green deployment that becomes Ready', () => {
  it('on-ready wait: says how to reroute, once, and keeps following until someone does', async () => {
    const { gateway, called } = fakeGateway([inProgress, ready, ready, ready, inProgress, succeeded]);
    const item = followed('wait');
    const { log } = await follow(item, gateway);
    expect(item.info?.status).toBe('Succeeded');
    const warnings = log.lines.filter((line) => line.level === 'warn').map((line) => line.text);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${ID} is Ready: the replacement fleet is installed`);
    expect(warnings[0]).toContain(
      `https://console.aws.amazon.com/codesuite/codedeploy/deployments/${ID}?region=eu-west-1`,
    );
    expect(warnings[0]).toContain(
      `aws deploy continue-deployment --deployment-id ${ID} --deployment-wait-type READY_WAIT`,
    );
    expect(warnings[0]).toContain('within 60 minutes');
    expect(called.continued).toEqual([]);
    expect(called.stopped).toEqual([]);
  });

  it('on-ready continue: calls ContinueDeployment once', async () => {
    const { gateway, called } = fakeGateway([ready, ready, inProgress, succeeded]);
    const item = followed('continue');
    const { log } = await follow(item, gateway);
    expect(called.continued).toEqual([ID]);
    expect(item.info?.status).toBe('Succeeded');
    expect(log.text()).toContain('Rerouting traffic now (on-ready: continue)');
  });

  it.each([
    ['someone rerouted it first', 'DeploymentIsNotInReadyStateException'],
    [
      'a retried call finds it already over (the first answer was lost)',
      'DeploymentAlreadyCompletedException',
    ],
  ])('on-ready continue: %s — no failure', async (_case, error) => {
    const { gateway, called } = fakeGateway([ready, succeeded], { continueErrors: [error] });
    const item = followed('continue');
    await follow(item, gateway);
    expect(called.continued).toEqual([ID]);
    expect(item.info?.status).toBe('Succeeded');
  });

  it('on-ready continue: a throttled ContinueDeployment is made again at the next poll', async () => {
    const { gateway, called } = fakeGateway([ready, ready, ready, succeeded], {
      continueErrors: ['ThrottlingException'],
    });
    const item = followed('continue');
    await follow(item, gateway);
    expect(called.continued).toEqual([ID, ID]);
    expect(item.info?.status).toBe('Succeeded');
  });

  it('on-ready stop: stops it once, with the rollback setting, and says why', async () => {
    const { gateway, called } = fakeGateway([
      ready,
      ready,
      { status: 'Stopped', deploymentOverview: overview(0, 2) },
    ]);
    const item = followed('stop');
    await follow(item, gateway);
    expect(called.stopped).toEqual([[ID, true]]);
    expect(item.stoppedBecause).toBe('on-ready');
    expect(item.info?.status).toBe('Stopped');
  });
});

describe('following a blue/green deployment in its termination wait', () => {
  it('never stops it when the wait runs out: traffic has already moved', async () => {
    const waiting = {
      status: 'InProgress' as const,
      deploymentOverview: overview(0, 0, 4),
      instanceTerminationWaitTimeStarted: true,
    };
    const { gateway, called } = fakeGateway([inProgress, waiting]);
    const item = followed('wait', 60_000);
    const { log, clock } = await follow(item, gateway);
    expect(called.stopped).toEqual([]);
    expect(clock.now()).toBeGreaterThanOrEqual(60_000);
    expect(item.info?.instanceTerminationWaitTimeStarted).toBe(true);
    const said = log.lines.filter((line) => line.text.includes('traffic is on the replacement fleet'));
    expect(said).toHaveLength(1);
    expect(said[0]?.text).toContain('keeps the original fleet 5 minutes before terminating it');
  });
});

describe('fleet progress', () => {
  it('reads the targets only when the status or the counts change', async () => {
    const { gateway, called } = fakeGateway([
      inProgress,
      inProgress,
      inProgress,
      { status: 'InProgress', deploymentOverview: overview(0, 2) },
      succeeded,
    ]);
    const item = followed('wait');
    const { log } = await follow(item, gateway);
    expect(called.batchGet).toBe(5);
    expect(called.targets).toBe(3);
    expect(log.text()).toContain('replacement fleet: 1 starting · original fleet: 1 pending');
  });
});
