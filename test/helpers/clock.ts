import type { Clock } from '../../src/core/clock.js';

/**
 * A clock that starts at 0 and moves only when slept on: the poll loop runs at once, in fake time.
 * Calls on in-memory edges answer at once, so a timeout never has to give up on one.
 */
export function steppingClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    timeout: () => new AbortController().signal,
  };
}
