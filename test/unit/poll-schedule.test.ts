import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import type { CodeDeployGateway } from '../../src/aws/codedeploy.js';
import { MemoryLogger } from '../../src/core/log.js';
import { type Followed, followDeployments } from '../../src/deploy/follow.js';
import {
  DEFAULT_POLL_POLICY,
  durationOf,
  expectedNextWave,
  nextPollDelay,
  recordWaves,
  type Watched,
} from '../../src/deploy/poll-schedule.js';

const noJitter = () => 0;
const policy = DEFAULT_POLL_POLICY;
const fresh = (): Watched => ({ waves: 0, finished: false });
const delayFor = (now: number, deployments: Watched[], attempt = 9, throttles = 0, random = noJitter) =>
  nextPollDelay({ now, attempt, throttles, deployments }, policy, random);

/** Started at 0; the waves ended inside the given spans between polls. */
function seen(...spans: Array<[number, number]>): Watched {
  const watched: Watched = { startedAt: 0, waves: 0, finished: false };
  for (const [from, to] of spans) recordWaves(watched, { waves: 1, previousPoll: from, now: to });
  return watched;
}

describe('nextPollDelay', () => {
  it('starts fast and backs off to the cap while no wave has finished', () => {
    const delays = [0, 1, 2, 3, 4, 5, 10].map((attempt) => delayFor(0, [fresh()], attempt));
    expect(delays[0]).toBe(policy.firstMs);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays.at(-1)).toBe(policy.maxMs);
  });

  it('between waves, polls at the longest gap: an instance failing early is seen then', () => {
    const watched = seen([59_000, 60_000]);
    expect(expectedNextWave(watched)!.from).toBeGreaterThan(60_000 + policy.maxMs);
    expect(delayFor(60_000, [watched])).toBe(policy.maxMs);
  });

  it('sees a wave anywhere in its window within the tolerance: polls every toleranceMs through it, then at its end', () => {
    const watched = seen([59_000, 60_000]);
    const window = expectedNextWave(watched)!;
    expect(window.to - window.from).toBeGreaterThan(policy.toleranceMs);
    let now = window.from - 5_000;
    const polls: number[] = [];
    while (now < window.to) {
      now += delayFor(now, [watched]);
      polls.push(now);
    }
    expect(Math.abs(polls[0]! - (window.from + policy.toleranceMs))).toBeLessThanOrEqual(1);
    for (let i = 1; i < polls.length; i++)
      expect(polls[i]! - polls[i - 1]!).toBeLessThanOrEqual(policy.toleranceMs);
    expect(Math.abs(polls.at(-1)! - window.to)).toBeLessThanOrEqual(1);
  });

  it('polls a late wave every toleranceMs at first, then less often the later it gets, up to maxMs', () => {
    const watched = seen([59_000, 60_000]);
    const windowEnd = expectedNextWave(watched)!.to;
    expect(delayFor(windowEnd + 1_000, [watched])).toBe(policy.toleranceMs);
    expect(delayFor(windowEnd + 40_000, [watched])).toBe(20_000);
    expect(delayFor(windowEnd + 600_000, [watched])).toBe(policy.maxMs);
  });

  it("before any wave, polls through the window the group's last deployment forecasts", () => {
    const watched: Watched = {
      ...fresh(),
      startedAt: 100_000,
      history: { createdAt: 100_000, tookMs: 60_000 },
    };
    const end = expectedNextWave(watched)!;
    expect((end.from + end.to) / 2).toBe(160_000);
    const now = end.from - 1_000;
    expect(delayFor(now, [watched])).toBe(Math.round(end.from + policy.toleranceMs - now));
    // Four waves (OneAtATime on four instances): the first is due after a quarter of that.
    const first = expectedNextWave({ ...watched, plannedWaves: 4 })!;
    expect((first.from + first.to) / 2).toBe(115_000);
    expect(first.to - first.from).toBeCloseTo((end.to - end.from) / 4);
    // Once a wave is seen, the waves predict the next one instead.
    recordWaves(watched, { waves: 1, previousPoll: 150_000, now: 151_000 });
    expect((expectedNextWave(watched)!.from + expectedNextWave(watched)!.to) / 2).not.toBe(160_000);
  });

  it('serves several deployments with one poll: the earliest of their deadlines', () => {
    const early = seen([59_000, 60_000]);
    const later = seen([69_000, 70_000]);
    const now = expectedNextWave(early)!.from;
    expect(delayFor(now, [later, early])).toBe(policy.toleranceMs);
    expect(delayFor(now, [later, early])).toBeLessThan(delayFor(now, [later]));
  });

  it('ignores finished deployments and those waiting on a person or a timer', () => {
    const done = { ...seen([59_000, 60_000]), finished: true };
    const parked = { ...seen([59_000, 60_000]), parked: true };
    expect(delayFor(60_000, [done, parked])).toBe(policy.maxMs);
  });

  it('doubles the wait for each throttled call, up to a ceiling', () => {
    expect(delayFor(0, [fresh()], 0, 1)).toBe(2 * policy.firstMs);
    expect(delayFor(0, [fresh()], 0, 10)).toBe(policy.throttledMaxMs);
  });

  it('jitter only shortens a wait, so a poll never lands past its window', () => {
    expect(delayFor(0, [fresh()], 0, 0, () => 0.999)).toBeLessThan(policy.firstMs);
    expect(delayFor(0, [fresh()], 0, 0, () => 0.999)).toBeGreaterThanOrEqual(
      policy.firstMs * (1 - policy.jitter),
    );
  });
});

describe('expectedNextWave', () => {
  it('is unknown until a wave has finished', () => {
    expect(expectedNextWave({ startedAt: 0, waves: 0, finished: false })).toBeUndefined();
  });

  it('centres on the latest wave plus the pace', () => {
    const window = expectedNextWave(seen([59_000, 61_000]))!;
    expect((window.from + window.to) / 2).toBe(120_000);
  });

  it('is wider when the polls left the wave time uncertain', () => {
    const tight = expectedNextWave(seen([59_000, 61_000]))!;
    const loose = expectedNextWave(seen([30_000, 90_000]))!;
    expect(loose.to - loose.from).toBeGreaterThan(2 * (tight.to - tight.from));
  });

  it('measures the pace from the first wave once there are two, leaving out the wait for the agent', () => {
    // The agent took 20 s to start; then 40 s per instance.
    const window = expectedNextWave(seen([59_000, 61_000], [99_000, 101_000]))!;
    expect((window.from + window.to) / 2).toBe(140_000);
  });
});

describe('durationOf', () => {
  it('is from create to end', () => {
    expect(durationOf({ createTime: new Date(10_000), endTime: new Date(70_000) })).toBe(60_000);
  });

  it('is unknown without a finished previous deployment', () => {
    expect(durationOf(undefined)).toBeUndefined();
    expect(durationOf({ createTime: new Date(10_000) })).toBeUndefined();
    expect(durationOf({ createTime: new Date(10_000), endTime: new Date(10_000) })).toBeUndefined();
  });
});

describe('recordWaves', () => {
  it('places the waves between the previous poll and this one', () => {
    const watched = seen([10_000, 20_000]);
    recordWaves(watched, { waves: 2, previousPoll: 50_000, now: 70_000 });
    expect(watched).toMatchObject({
      waves: 3,
      firstWave: { from: 10_000, to: 20_000 },
      lastWave: { from: 50_000, to: 70_000 },
    });
  });

  it('records nothing when no wave finished', () => {
    const watched = fresh();
    recordWaves(watched, { waves: 0, previousPoll: 0, now: 10_000 });
    expect(watched).toEqual(fresh());
  });
});

describe('the poll loop counting waves', () => {
  /** Answers the counts in turn, one per poll; the last repeats. */
  async function follow(states: Array<Partial<DeploymentInfo>>): Promise<Followed> {
    let now = 0;
    let poll = 0;
    const api = {
      async batchGetDeployments(ids: string[]) {
        const state = states[Math.min(poll++, states.length - 1)];
        return ids.map((id) => ({ deploymentId: id, startTime: new Date(0), ...state }));
      },
    } as unknown as CodeDeployGateway;
    const followed: Followed = {
      group: 'g',
      id: 'd-1',
      deadline: Number.MAX_SAFE_INTEGER,
      rollbackOnStop: false,
      watched: fresh(),
    };
    await followDeployments([followed], {
      codedeploy: api,
      log: new MemoryLogger(),
      random: noJitter,
      cancel: new AbortController().signal,
      clock: {
        now: () => now,
        sleep: async (ms) => {
          now += ms;
        },
      },
    });
    return followed;
  }

  const counts = (succeeded: number, inProgress: number, pending: number) => ({
    status: 'InProgress' as const,
    deploymentOverview: { Succeeded: succeeded, InProgress: inProgress, Pending: pending },
  });

  it('counts a wave when all the instances that ran together have finished, not one of them', async () => {
    // HalfAtATime on 4: two run at once; one finishing early is not yet a wave.
    const followed = await follow([
      counts(0, 2, 2),
      counts(1, 1, 2),
      counts(2, 2, 0),
      { status: 'Succeeded', deploymentOverview: { Succeeded: 4 } },
    ]);
    expect(followed.waveSize).toBe(2);
    expect(followed.watched.waves).toBe(2);
  });

  it('counts every wave that finished between two polls', async () => {
    const followed = await follow([
      counts(0, 1, 3),
      counts(2, 1, 1),
      { status: 'Succeeded', deploymentOverview: { Succeeded: 4 } },
    ]);
    expect(followed.watched.waves).toBe(4);
    // The first two finished together, some time after the start.
    expect(followed.watched.firstWave?.from).toBe(0);
  });
});
