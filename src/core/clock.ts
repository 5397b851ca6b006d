/**
 * Time, as every stage sees it: the one seam through which tests run poll loops, backoffs and
 * progress lines on a fake clock.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Aborts `ms` from now: gives up on a call still in flight then (never, for an infinite `ms`). */
  timeout(ms: number): AbortSignal;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    }),
  timeout: (ms) =>
    Number.isFinite(ms) ? AbortSignal.timeout(Math.max(0, ms)) : new AbortController().signal,
};
