import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/core/log.js';
import { type FollowDeps, type Followed, followDeployments } from '../../src/deploy/follow.js';
import { steppingClock } from '../helpers/clock.js';

/** A gateway whose deployments answer the scripted states in turn (the last one repeats). */
function gateway(states: Record<string, Array<Partial<DeploymentInfo>>>) {
  const calls = { batchGet: [] as number[], stopped: [] as string[] };
  const clock = steppingClock();
  const seen: Record<string, number> = {};
  const api: FollowDeps['codedeploy'] = {
    async batchGetDeployments(ids: string[]) {
      calls.batchGet.push(clock.now());
      return ids.map((id) => {
        const list = states[id]!;
        const state = list[Math.min(seen[id] ?? 0, list.length - 1)];
        seen[id] = (seen[id] ?? 0) + 1;
        return { deploymentId: id, ...state };
      });
    },
    async stopDeployment(id: string) {
      calls.stopped.push(id);
    },
    async deploymentTargets() {
      return [];
    },
    async continueDeployment() {},
  };
  return { api, calls, clock };
}

const item = (id: string, deadline: number, extra: Partial<Followed> = {}): Followed => ({
  group: id,
  id,
  deadline,
  rollbackOnStop: false,
  watched: { waves: 0, finished: false },
  ...extra,
});

const running = { status: 'InProgress' as const };

describe('the poll loop past a deadline', () => {
  it('stops a deployment once, then reports it as it is when it never says Stopped', async () => {
    const { api, calls, clock } = gateway({ 'd-SLOW': [running] });
    const followed = [item('d-SLOW', 60_000)];
    await followDeployments(followed, {
      codedeploy: api,
      deploymentUrl: (id) => id,
      log: new MemoryLogger(),
      clock,
      random: () => 0.5,
      cancel: new AbortController().signal,
    });
    expect(calls.stopped).toEqual(['d-SLOW']);
    expect(followed[0]!.stoppedBecause).toBe('timeout');
    expect(followed[0]!.info?.status).toBe('InProgress');
    // Given up within the grace period after the stop, not polled forever.
    expect(clock.now()).toBeLessThan(60_000 + 3 * 60_000);
  });

  it('never polls back to back while a rollback is awaited past the deadline', async () => {
    const failed = {
      status: 'Failed' as const,
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE' as const] },
    };
    const { api, calls, clock } = gateway({ 'd-FAIL': [failed] });
    await followDeployments([item('d-FAIL', 5_000)], {
      codedeploy: api,
      deploymentUrl: (id) => id,
      log: new MemoryLogger(),
      clock,
      random: () => 0.5,
      cancel: new AbortController().signal,
    });
    const gaps = calls.batchGet.slice(1).map((time, i) => time - calls.batchGet[i]!);
    expect(calls.batchGet.at(-1)).toBeGreaterThan(5_000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
  });
});
