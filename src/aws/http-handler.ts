import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';

type HttpRequest = Parameters<NodeHttpHandler['handle']>[0];

import { cancelledCall, graceAfter } from '../core/cancel.js';

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

/**
 * Every request of a client, bounded: in connecting, in silence, and in all (its body's time at the
 * slowest speed it is given, plus ANSWER_MS, the response body included), whatever the server does.
 * Once the run is cancelled, whatever is in flight or still to come gets only what is left of the
 * grace period (graceAfter), so the run ends, and says what it left, before the runner kills it.
 */
export class BoundedHttpHandler extends NodeHttpHandler {
  private readonly grace: AbortSignal | undefined;

  constructor(cancel: AbortSignal | undefined) {
    super({ connectionTimeout: CONNECT_MS, socketTimeout: IDLE_MS });
    this.grace = graceAfter(cancel);
  }

  override async handle(request: HttpRequest, options: HttpHandlerOptions = {}) {
    // Past the grace period: not retried (the SDK never retries an AbortError).
    if (this.grace?.aborted) throw cancelledCall();
    const budget = ANSWER_MS + (bodyBytes(request) / SLOWEST_BYTES_PER_SECOND) * 1000;
    const controller = new AbortController();
    let expired = false;
    // Unreferenced: it outlives the attempt (it also bounds reading the answer's body) without holding
    // the process open once the run is over.
    const timer = setTimeout(() => {
      expired = true;
      controller.abort(timedOut(budget));
    }, budget);
    timer.unref();
    // Until its time is up, whether or not its answer has been read: the end of a cancel's grace cuts it short.
    const signals = [
      controller.signal,
      ...(this.grace ? [this.grace] : []),
      ...(options.abortSignal ? [options.abortSignal as AbortSignal] : []),
    ];
    try {
      return await super.handle(request, { ...options, abortSignal: AbortSignal.any(signals) });
    } catch (error) {
      if (expired) throw timedOut(budget);
      if (this.grace?.aborted) throw cancelledCall();
      throw error;
    }
  }
}

function bodyBytes(request: HttpRequest): number {
  const length = Number(request.headers['content-length'] ?? request.headers['Content-Length'] ?? 0);
  return Number.isFinite(length) ? length : 0;
}
