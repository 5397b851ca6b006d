/**
 * Fault rehearsal: a token bucket over the API's calls. It holds `rate` calls (a burst of up to a
 * second's worth, at least one) and refills at `rate` per second; a call that finds it empty is
 * answered ThrottlingException, as AWS answers calls past an account's rate, so a user sees how
 * their tooling (SDK retries, the action's back-off) copes.
 */
export class Throttle {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(
    private readonly rate: number,
    private readonly now: () => number,
  ) {
    if (!(rate > 0))
      throw new Error(`the throttle rate must be a positive number of calls per second (got ${rate})`);
    this.capacity = Math.max(1, rate);
    this.tokens = this.capacity;
    this.last = now();
  }

  /** Takes one call's token; false when the rate is exceeded. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
