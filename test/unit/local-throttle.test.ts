import { describe, expect, it } from 'vitest';
import { Throttle } from '../../src/local/throttle.js';

describe('the throttle', () => {
  it('lets a second’s worth of calls through at once, then as many per second as the rate', () => {
    let now = 0;
    const throttle = new Throttle(4, () => now);
    expect(Array.from({ length: 6 }, () => throttle.take())).toEqual([true, true, true, true, false, false]);
    now += 250;
    expect([throttle.take(), throttle.take()]).toEqual([true, false]);
    now += 10_000;
    expect(Array.from({ length: 5 }, () => throttle.take())).toEqual([true, true, true, true, false]);
  });

  it('takes rates below one call a second', () => {
    let now = 0;
    const throttle = new Throttle(0.5, () => now);
    expect([throttle.take(), throttle.take()]).toEqual([true, false]);
    now += 1999;
    expect(throttle.take()).toBe(false);
    now += 1;
    expect(throttle.take()).toBe(true);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new Throttle(0, () => 0)).toThrow('the throttle rate must be a positive number');
  });
});
