/**
 * The workflow was cancelled. The stage that notices stops; the run then reports what it did, so the
 * outputs and the job summary say so.
 */
export class Cancelled extends Error {
  constructor() {
    super('the workflow was cancelled');
    this.name = 'Cancelled';
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Cancelled();
}

/**
 * What a cancelled run may still spend on the network (stopping its deployments, aborting its upload,
 * looking at what it left, telling GitHub): the runner sends SIGTERM 7.5 s after SIGINT and kills the
 * step 2.5 s later, and the outputs and the summary are written after this.
 */
export const CANCEL_GRACE_MS = 5_000;

/** The error a call cut short by the end of the grace period ends with (never retried). */
export function cancelledCall(): Error {
  return Object.assign(new Error('the workflow was cancelled'), { name: 'AbortError' });
}

/**
 * A signal that aborts CANCEL_GRACE_MS after `cancel` does: every network call listens to it, so
 * whatever is in flight then, or starts later, is cut short. Undefined without a cancel.
 */
export function graceAfter(cancel: AbortSignal | undefined): AbortSignal | undefined {
  if (!cancel) return undefined;
  const grace = new AbortController();
  const start = () => setTimeout(() => grace.abort(cancelledCall()), CANCEL_GRACE_MS).unref();
  if (cancel.aborted) start();
  else cancel.addEventListener('abort', start, { once: true });
  return grace.signal;
}
