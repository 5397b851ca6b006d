import { type Clock, realClock } from '../core/clock.js';

/**
 * A client-side pace for API requests: consecutive starts at least `1000 / perSecond` ms apart, so
 * no second ever sees more than `perSecond` of them (no bursts: AWS throttles CodeDeploy per
 * account and region, shared with every other tool, and publishes no per-API rate). Spacing is
 * measured between actual starts, so timers that fire late never release a bunch at once.
 */

export class RateLimiter {
  private readonly intervalMs: number;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    readonly perSecond: number,
    private readonly clock: Pick<Clock, 'now' | 'sleep'> = realClock,
  ) {
    this.intervalMs = 1000 / perSecond;
  }

  /** Resolves when one more request may start (and marks its start). */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const wait = this.lastStart + this.intervalMs - now;
      if (wait <= 0) {
        this.lastStart = now;
        return;
      }
      await this.clock.sleep(wait);
    }
  }
}
