import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/core/log.js';
import { type FollowDeps, type Followed, followDeployments } from '../../src/deploy/follow.js';
import {
  DEFAULT_POLL_POLICY,
  durationOf,
  expectedNextWave,
  nextPollDelay,
  observe,
  type Watched,
} from '../../src/deploy/poll-schedule.js';
import { steppingClock } from '../helpers/clock.js';

const noJitter = () => 0;
const policy = DEFAULT_POLL_POLICY;
const fresh = (): Watched => ({ waves: 0, finished: false });
const delayFor = (now: number, deployments: Watched[], attempt = 9, throttles = 0, random = noJitter) =>
  nextPollDelay({ now, attempt, throttles, deployments }, policy, random);

/** One instance at a time, 4 in all: the next one finished between the polls at `previousPoll` and `now`. */
function oneMore(watched: Watched, previousPoll: number, now: number): void {
  const finished = watched.waves + 1;
  observe(watched, { finished, inProgress: finished < 4 ? 1 : 0, total: 4, previousPoll, now });
}

/** Started at 0, one instance at a time; the waves ended inside the given spans between polls. */
function seen(...spans: Array<[number, number]>): Watched {
  const watched: Watched = { startedAt: 0, waves: 0, waveSize: 1, finished: false };
  for (const [from, to] of spans) oneMore(watched, from, to);
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
    // Once a wave is seen, the waves predict the next one instead: a wave at 150.5 s, the next at 201 s.
    oneMore(watched, 150_000, 151_000);
    const next = expectedNextWave(watched)!;
    expect((next.from + next.to) / 2).toBe(201_000);
  });

  it('treats a window about to close as passed, instead of polling again a moment later', () => {
    const watched = seen([59_000, 60_000]);
    const nearlyClosed = expectedNextWave(watched)!.to - policy.minMs / 2;
    expect(delayFor(nearlyClosed, [watched])).toBe(policy.toleranceMs);
  });

  it('waits the longest gap, never a busy loop, when a time CodeDeploy sent does not parse', () => {
    const broken: Watched = { ...seen([59_000, 60_000]), startedAt: Number.NaN, firstWave: undefined };
    expect(delayFor(60_000, [broken])).toBe(policy.maxMs);
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

describe('observe', () => {
  const at = (ms: number) => new Date(ms);

  it('places the waves between the previous poll and this one', () => {
    const watched = seen([10_000, 20_000]);
    observe(watched, { finished: 3, inProgress: 1, total: 4, previousPoll: 50_000, now: 70_000 });
    expect(watched).toMatchObject({
      waves: 3,
      firstWave: { from: 10_000, to: 20_000, waves: 1 },
      lastWave: { from: 50_000, to: 70_000 },
    });
  });

  it('several waves in the first span: the pace is measured from the start, never as zero', () => {
    const watched: Watched = { ...fresh(), startedAt: 0 };
    observe(watched, { finished: 0, inProgress: 1, total: 4, previousPoll: 0, now: 5_000 });
    observe(watched, { finished: 2, inProgress: 1, total: 4, previousPoll: 90_000, now: 100_000 });
    expect(watched.firstWave).toEqual({ from: 90_000, to: 100_000, waves: 2 });
    const next = expectedNextWave(watched)!;
    // Two waves in 95 s: the next about 47.5 s after them.
    expect((next.from + next.to) / 2).toBe(142_500);
  });

  it('learns the wave size only from instances in progress, and counts waves of that size', () => {
    const watched = fresh();
    // All pending at first: nothing said about the size yet.
    observe(watched, { finished: 0, inProgress: 0, total: 10, previousPoll: 0, now: 2_000 });
    expect(watched.plannedWaves).toBeUndefined();
    observe(watched, { finished: 0, inProgress: 10, total: 10, previousPoll: 2_000, now: 6_000 });
    expect(watched).toMatchObject({ waveSize: 10, plannedWaves: 1 });
    // Stragglers of the one wave: no wave until the last of them.
    observe(watched, { finished: 7, inProgress: 3, total: 10, previousPoll: 6_000, now: 60_000 });
    expect(watched.waves).toBe(0);
    observe(watched, { finished: 10, inProgress: 0, total: 10, previousPoll: 60_000, now: 70_000 });
    expect(watched.waves).toBe(1);
  });

  it('takes the start time once CodeDeploy gives it, and the create time for the forecast', () => {
    const watched: Watched = { ...fresh(), history: { createdAt: 5_000, tookMs: 60_000 } };
    observe(watched, {
      finished: 0,
      inProgress: 0,
      total: 1,
      createTime: at(1_000),
      previousPoll: 0,
      now: 2_000,
    });
    expect(watched).toMatchObject({ startedAt: 1_000, history: { createdAt: 1_000 } });
    const started = { finished: 0, inProgress: 1, total: 1, createTime: at(1_000), startTime: at(3_000) };
    observe(watched, { ...started, previousPoll: 2_000, now: 4_000 });
    expect(watched.startedAt).toBe(3_000);
  });

  it('ignores times that do not parse', () => {
    const watched = fresh();
    observe(watched, {
      finished: 1,
      inProgress: 1,
      total: 4,
      startTime: new Date(Number.NaN),
      createTime: new Date(Number.NaN),
      previousPoll: 0,
      now: 10_000,
    });
    expect(watched.startedAt).toBeUndefined();
    expect(expectedNextWave(watched)).toBeUndefined();
  });
});

describe('the poll loop counting waves', () => {
  /** Follows one deployment on a fake clock; `answer` says what CodeDeploy answers at a time, or poll. */
  async function follow(answer: (now: number, poll: number) => Partial<DeploymentInfo>, watched = fresh()) {
    const clock = steppingClock();
    const polls: number[] = [];
    const api: FollowDeps['codedeploy'] = {
      async batchGetDeployments(ids: string[]) {
        const state = answer(clock.now(), polls.length);
        polls.push(clock.now());
        return ids.map((id) => ({
          deploymentId: id,
          createTime: new Date(0),
          startTime: new Date(0),
          ...state,
        }));
      },
      stopDeployment: async () => {},
      continueDeployment: async () => {},
      deploymentTargets: async () => [],
    };
    const followed: Followed = {
      group: 'g',
      id: 'd-1',
      deadline: Number.MAX_SAFE_INTEGER,
      rollbackOnStop: false,
      watched,
    };
    await followDeployments([followed], {
      codedeploy: api,
      deploymentUrl: (id) => id,
      log: new MemoryLogger(),
      random: noJitter,
      cancel: new AbortController().signal,
      clock,
    });
    return { followed, polls };
  }

  /** The states in turn, one per poll; the last repeats. */
  const inTurn =
    (...states: Array<Partial<DeploymentInfo>>) =>
    (_now: number, poll: number) =>
      states[Math.min(poll, states.length - 1)]!;

  const counts = (succeeded: number, inProgress: number, pending: number) => ({
    status: 'InProgress' as const,
    deploymentOverview: { Succeeded: succeeded, InProgress: inProgress, Pending: pending },
  });
  const succeeded = (instances: number) => ({
    status: 'Succeeded' as const,
    deploymentOverview: { Succeeded: instances },
  });

  it('counts a wave when all the instances that ran together have finished, not one of them', async () => {
    // HalfAtATime on 4: two run at once; one finishing early is not yet a wave.
    const { followed } = await follow(
      inTurn(counts(0, 2, 2), counts(1, 1, 2), counts(2, 2, 0), succeeded(4)),
    );
    expect(followed.watched.waveSize).toBe(2);
    expect(followed.watched.waves).toBe(2);
  });

  it('counts every wave that finished between two polls', async () => {
    const { followed } = await follow(inTurn(counts(0, 1, 3), counts(2, 1, 1), succeeded(4)));
    expect(followed.watched.waves).toBe(4);
    // The first two finished together, between the first poll and the second.
    expect(followed.watched.firstWave).toMatchObject({ waves: 2 });
    expect(followed.watched.firstWave?.from).toBeGreaterThan(0);
  });

  it("sees a one-wave deployment's end within the tolerance when the group's last deployment forecasts it", async () => {
    // AllAtOnce on 2 instances, ending at 125 s; the backoff alone polls at 120 s, then 150 s.
    const endsAt = 125_000;
    const answer = (now: number) => (now >= endsAt ? succeeded(2) : counts(0, 2, 0));
    const lateness = async (watched: Watched) => {
      const { polls } = await follow(answer, watched);
      return polls.find((at) => at >= endsAt)! - endsAt;
    };
    expect(await lateness(fresh())).toBeGreaterThan(policy.toleranceMs);
    const forecast = { ...fresh(), history: { createdAt: 5_000, tookMs: endsAt } };
    expect(await lateness(forecast)).toBeLessThanOrEqual(policy.toleranceMs);
  });
});
