import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';

type HttpRequest = Parameters<NodeHttpHandler['handle']>[0];

import { CANCEL_GRACE_MS } from '../core/cancel.js';

/** Connecting may take this long (a black-holed endpoint shows here). */
const CONNECT_MS = 5_000;
/** An answer with no byte for this long is given up. */
const IDLE_MS = 10_000;
/** What one attempt may take beyond sending its body: CodeDeploy answers in well under a second. */
const ANSWER_MS = 10_000;
/** The slowest upload speed an attempt is given time for (a part of 5 MiB: 10 s + 52 s). */
const SLOWEST_BYTES_PER_SECOND = 100 * 1024;

/** An attempt that ran out of time: the SDK retries it like any other timeout. */
function timedOut(ms: number): Error {
  return Object.assign(new Error(`no answer from AWS within ${(ms / 1000).toFixed(0)} s`), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
  });
}

/** After a cancel, past the grace period: not retried (the SDK never retries an AbortError). */
function cancelled(): Error {
  return Object.assign(new Error('the workflow was cancelled'), { name: 'AbortError' });
}

/**
 * Every request of a client, bounded: in connecting, in silence, and in all (its body's time at the
 * slowest speed it is given, plus ANSWER_MS, the response body included), whatever the server does.
 * Once the run is cancelled, whatever is in flight or still to come gets only what is left of
 * CANCEL_GRACE_MS, so the run ends, and says what it left, before the runner kills it.
 */
export class BoundedHttpHandler extends NodeHttpHandler {
  private graceEnds: number | undefined;
  private readonly inFlight = new Set<AbortController>();

  constructor(cancel: AbortSignal | undefined) {
    super({ connectionTimeout: CONNECT_MS, socketTimeout: IDLE_MS });
    cancel?.addEventListener(
      'abort',
      () => {
        this.graceEnds = Date.now() + CANCEL_GRACE_MS;
        const ends = setTimeout(() => {
          for (const controller of this.inFlight) controller.abort(cancelled());
        }, CANCEL_GRACE_MS);
        ends.unref();
      },
      { once: true },
    );
  }

  override async handle(request: HttpRequest, options: HttpHandlerOptions = {}) {
    const left = this.graceEnds === undefined ? Number.POSITIVE_INFINITY : this.graceEnds - Date.now();
    if (left <= 0) throw cancelled();
    const budget = Math.min(left, ANSWER_MS + (bodyBytes(request) / SLOWEST_BYTES_PER_SECOND) * 1000);
    const controller = new AbortController();
    let expired = false;
    // Unreferenced: it outlives the attempt (it also bounds reading the answer's body) without holding
    // the process open once the run is over.
    const timer = setTimeout(() => {
      expired = true;
      this.inFlight.delete(controller);
      controller.abort(timedOut(budget));
    }, budget);
    timer.unref();
    // Until its time is up, whether or not its answer has been read: a cancel cuts it short.
    this.inFlight.add(controller);
    const signals = [controller.signal, ...(options.abortSignal ? [options.abortSignal as AbortSignal] : [])];
    try {
      return await super.handle(request, { ...options, abortSignal: AbortSignal.any(signals) });
    } catch (error) {
      if (expired) throw timedOut(budget);
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    }
  }
}

function bodyBytes(request: HttpRequest): number {
  const length = Number(request.headers['content-length'] ?? request.headers['Content-Length'] ?? 0);
  return Number.isFinite(length) ? length : 0;
}
