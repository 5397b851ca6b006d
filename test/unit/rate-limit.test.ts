import { setImmediate as settle } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/aws/rate-limit.js';

/** Virtual time: sleepers wake in order of their deadline, when `run` advances the clock to it. */
function virtualClock() {
  let now = 0;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
    async run<T>(work: Promise<T>): Promise<T> {
      let done = false;
      const result = work.finally(() => {
        done = true;
      });
      for (;;) {
        await settle();
        if (done) return result;
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers.shift();
        if (!next) throw new Error('stuck: nothing to wake');
        now = Math.max(now, next.at);
        next.wake();
      }
    },
  };
}

async function startTimes(perSecond: number, requests: number): Promise<number[]> {
  const clock = virtualClock();
  const limiter = new RateLimiter(perSecond, clock);
  const starts: number[] = [];
  await clock.run(
    Promise.all(
      Array.from({ length: requests }, async () => {
        await limiter.acquire();
        starts.push(clock.now());
      }),
    ),
  );
  return starts.sort((a, b) => a - b);
}

describe('RateLimiter', () => {
  it('spaces concurrent requests evenly, the first at once', async () => {
    expect(await startTimes(4, 6)).toEqual([0, 250, 500, 750, 1000, 1250]);
  });

  it('never lets more than `perSecond` start in any one-second window (61 concurrent callers)', async () => {
    const starts = await startTimes(8, 61);
    expect(starts).toHaveLength(61);
    for (const t of starts)
      expect(starts.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(8);
    expect(starts.at(-1)).toBe(7500);
  });

  it('keeps the spacing when timers fire late (a busy event loop)', async () => {
    const clock = virtualClock();
    const late = { now: clock.now, sleep: (ms: number) => clock.sleep(ms * 3 + 400) };
    const limiter = new RateLimiter(8, late);
    const starts: number[] = [];
    await clock.run(
      Promise.all(
        Array.from({ length: 20 }, async () => {
          await limiter.acquire();
          starts.push(clock.now());
        }),
      ),
    );
    starts.sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(125);
  });

  it('does not wait when the last request is long past', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(2, clock);
    await limiter.acquire();
    await clock.run(clock.sleep(1500));
    await limiter.acquire();
    expect(clock.now()).toBe(1500);
  });
});
