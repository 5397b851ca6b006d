import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_POLICY, expectedNextWave, nextPollDelay } from '../../src/deploy/poll-schedule.js';

const noJitter = () => 0.5;
const fresh = { waves: 0, finished: false };

describe('nextPollDelay', () => {
  it('starts fast and backs off to the cap', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10].map((attempt) =>
      nextPollDelay({ now: 0, attempt, throttles: 0, deployments: [fresh] }, DEFAULT_POLL_POLICY, noJitter),
    );
    expect(delays[0]).toBe(2000);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays.at(-1)).toBe(DEFAULT_POLL_POLICY.maxMs);
  });

  it('polls just after the next wave is expected', () => {
    // Started at 0, first instance done (seen) at 60 s: the next one is due at 120 s.
    const watched = { startedAt: 0, waves: 1, lastWaveAt: 60_000, finished: false };
    expect(expectedNextWave(watched)).toBe(120_000);
    const delay = nextPollDelay(
      { now: 110_000, attempt: 9, throttles: 0, deployments: [watched] },
      DEFAULT_POLL_POLICY,
      noJitter,
    );
    expect(delay).toBe(10_000 + DEFAULT_POLL_POLICY.marginMs);
  });

  it('one poll catches waves expected close together, after the last of them', () => {
    const a = { startedAt: 0, waves: 1, lastWaveAt: 60_000, finished: false }; // next at 120 s
    const b = { startedAt: 0, waves: 1, lastWaveAt: 62_000, finished: false }; // next at 124 s
    const c = { startedAt: 0, waves: 1, lastWaveAt: 80_000, finished: false }; // next at 160 s
    const delay = nextPollDelay(
      { now: 110_000, attempt: 9, throttles: 0, deployments: [a, b, c] },
      DEFAULT_POLL_POLICY,
      noJitter,
    );
    expect(delay).toBe(14_000 + DEFAULT_POLL_POLICY.marginMs);
  });

  it('polls often while a wave is overdue', () => {
    const watched = { startedAt: 0, waves: 1, lastWaveAt: 60_000, finished: false };
    const delay = nextPollDelay(
      { now: 130_000, attempt: 9, throttles: 0, deployments: [watched] },
      DEFAULT_POLL_POLICY,
      noJitter,
    );
    expect(delay).toBe(DEFAULT_POLL_POLICY.overdueMs);
  });

  it('ignores finished deployments', () => {
    const done = { startedAt: 0, waves: 1, lastWaveAt: 1_000, finished: true };
    const delay = nextPollDelay(
      { now: 500_000, attempt: 20, throttles: 0, deployments: [done, fresh] },
      DEFAULT_POLL_POLICY,
      noJitter,
    );
    expect(delay).toBe(DEFAULT_POLL_POLICY.maxMs);
  });

  it('backs off plainly while a deployment waits on a person or a timer (Ready, termination wait)', () => {
    const parked = { startedAt: 0, waves: 2, lastWaveAt: 60_000, finished: false, parked: true };
    const delay = nextPollDelay(
      { now: 500_000, attempt: 20, throttles: 0, deployments: [parked] },
      DEFAULT_POLL_POLICY,
      noJitter,
    );
    expect(delay).toBe(DEFAULT_POLL_POLICY.maxMs);
  });

  it('doubles the wait for each throttled call, up to a ceiling', () => {
    const once = nextPollDelay(
      { now: 0, attempt: 0, throttles: 1, deployments: [fresh] },
      DEFAULT_POLL_POLICY,
      noJitter,
    );
    const many = nextPollDelay(
      { now: 0, attempt: 0, throttles: 10, deployments: [fresh] },
      DEFAULT_POLL_POLICY,
      noJitter,
    );
    expect(once).toBe(4000);
    expect(many).toBe(DEFAULT_POLL_POLICY.throttledMaxMs);
  });

  it('jitters within ±10 %', () => {
    const low = nextPollDelay(
      { now: 0, attempt: 0, throttles: 0, deployments: [fresh] },
      DEFAULT_POLL_POLICY,
      () => 0,
    );
    const high = nextPollDelay(
      { now: 0, attempt: 0, throttles: 0, deployments: [fresh] },
      DEFAULT_POLL_POLICY,
      () => 1,
    );
    expect(low).toBe(1800);
    expect(high).toBe(2200);
  });
});
