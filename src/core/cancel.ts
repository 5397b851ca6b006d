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
 * looking at what it left): the runner sends SIGTERM 7.5 s after SIGINT and kills the step 2.5 s
 * later, and the outputs and the summary are written after this.
 */
export const CANCEL_GRACE_MS = 5_000;
