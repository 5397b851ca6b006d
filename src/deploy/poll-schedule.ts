/**
 * When to ask CodeDeploy again. One BatchGetDeployments call covers every deployment of the run, so
 * the question is only "when can something have changed?". A deployment's status changes when a wave
 * of instances finishes (one, half or all of them, as its deployment configuration says): that is when
 * it succeeds, or fails because an instance failed. So:
 * - at first, quickly (a bad revision or a missing script fails the first instance in seconds), then
 *   backing off up to `maxMs`, the longest gap;
 * - once a wave has finished, the pace is known and the next wave is expected within a window; the
 *   loop polls so that a wave in that window is seen at most `toleranceMs` after it happens. One call
 *   serves every deployment, so a poll placed for one also catches the others' waves before it;
 * - before any wave, the group's last successful deployment forecasts the first one (its duration
 *   over the waves): the only forecast a deployment of one wave (AllAtOnce, one instance) ever gets;
 * - a wave later than its window is polled every `toleranceMs` at first, then less often the later it
 *   gets (a hook that hangs until its timeout costs no more than the plain backoff);
 * - jitter only ever shortens a wait (a poll never lands past its window); throttling doubles it.
 */
export interface PollPolicy {
  firstMs: number;
  growth: number;
  /** The longest gap: how late an end nobody could foresee (the first wave, an instance failing early) is seen. */
  maxMs: number;
  /** How late an expected wave of instances, and so the end of a deployment, may be seen. */
  toleranceMs: number;
  /** How far one wave's duration may stray from the pace, as a fraction of it (uniformly, ±). */
  spread: number;
  /** The window holds the expected moment ± this many standard deviations. */
  confidence: number;
  minMs: number;
  /** Up to this fraction is taken off a wait. */
  jitter: number;
  throttledMaxMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstMs: 2_000,
  growth: 2,
  maxMs: 30_000,
  toleranceMs: 10_000,
  spread: 0.1,
  confidence: 2,
  minMs: 1_000,
  jitter: 0.1,
  throttledMaxMs: 60_000,
};

/** A moment known only to lie between two polls. */
export interface Span {
  from: number;
  to: number;
}

/** What the poller has seen of one deployment. */
export interface Watched {
  /** When CodeDeploy started it (ms); undefined until known. */
  startedAt?: number;
  /** Waves of instances finished so far. */
  waves: number;
  /** Instances per wave: the most seen in progress at once. */
  waveSize?: number;
  /** When the first and the latest wave finished (the first span may hold several waves). */
  firstWave?: Span & { waves: number };
  lastWave?: Span;
  /** The group's last successful deployment took `tookMs`; this one was created at `createdAt`. */
  history?: { createdAt: number; tookMs: number };
  /** How many waves the deployment runs in: its instances over the wave size. */
  plannedWaves?: number;
  finished: boolean;
  /** Waiting on something other than instances (Ready for a reroute, the termination wait): plain backoff. */
  parked?: boolean;
}

export interface ScheduleInput {
  /** When the last answer came. */
  now: number;
  /** Polls made so far. */
  attempt: number;
  deployments: Watched[];
  /** Consecutive throttled calls. */
  throttles: number;
}

export function nextPollDelay(
  input: ScheduleInput,
  policy: PollPolicy = DEFAULT_POLL_POLICY,
  random = Math.random,
): number {
  const { now } = input;
  let next = now + Math.min(policy.maxMs, policy.firstMs * policy.growth ** input.attempt);
  for (const deployment of input.deployments) {
    if (deployment.finished || deployment.parked) continue;
    const expected = expectedNextWave(deployment, policy);
    if (!expected) continue;
    // A window about to close is treated as passed: a poll at its very end would come a moment
    // after the one before it.
    if (expected.to > now + policy.minMs) {
      // A poll `toleranceMs` into the window sees the wave in time if it came by then; one at the
      // window's end sees it wherever it came.
      next = Math.min(next, expected.to, Math.max(now, expected.from) + policy.toleranceMs);
    } else {
      const overdue = now - expected.to;
      next = Math.min(next, now + Math.min(policy.maxMs, Math.max(policy.toleranceMs, overdue / 2)));
    }
  }
  let delay = next - now;
  // A time CodeDeploy sent that does not parse must not turn the loop into a busy one.
  if (!Number.isFinite(delay)) delay = policy.maxMs;
  if (input.throttles > 0) {
    delay = Math.min(policy.throttledMaxMs, Math.max(delay, policy.firstMs) * 2 ** input.throttles);
  }
  return Math.round(Math.max(policy.minMs, delay * (1 - policy.jitter * random())));
}

const middle = (span: Span) => (span.from + span.to) / 2;
/** A moment known to lie anywhere in the span, evenly: its standard deviation. */
const deviation = (span: Span) => (span.to - span.from) / Math.sqrt(12);

/**
 * When the next wave should finish: the latest wave plus the time one wave takes. The window is
 * as wide as what the polls left uncertain (when the waves seen really ended) and the spread of
 * one wave's duration make it.
 */
export function expectedNextWave(
  deployment: Watched,
  policy: Pick<PollPolicy, 'spread' | 'confidence'> = DEFAULT_POLL_POLICY,
): Span | undefined {
  const { startedAt, firstWave, lastWave, waves, history } = deployment;
  if (!lastWave || waves === 0) {
    if (!history) return undefined;
    // As long as last time, wave for wave; one wave (or not known yet): the whole deployment.
    const pace = history.tookMs / (deployment.plannedWaves ?? 1);
    return around(history.createdAt + pace, (pace * policy.spread) / Math.sqrt(3), policy);
  }
  let pace: number;
  let paceDeviation: number;
  // The first wave also holds the wait for the agent to pick the deployment up: once later waves
  // were seen apart from it, the pace is measured from it.
  if (firstWave && firstWave.to <= lastWave.from) {
    const between = waves - firstWave.waves;
    pace = (middle(lastWave) - middle(firstWave)) / between;
    paceDeviation = Math.hypot(deviation(firstWave), deviation(lastWave)) / between;
  } else if (startedAt !== undefined) {
    pace = (middle(lastWave) - startedAt) / waves;
    paceDeviation = deviation(lastWave) / waves;
  } else {
    return undefined;
  }
  const spread = (pace * policy.spread) / Math.sqrt(3);
  return around(middle(lastWave) + pace, Math.hypot(deviation(lastWave), paceDeviation, spread), policy);
}

/** The moments within `confidence` standard deviations of `at`. */
function around(at: number, standardDeviation: number, policy: Pick<PollPolicy, 'confidence'>): Span {
  const margin = policy.confidence * standardDeviation;
  return { from: at - margin, to: at + margin };
}

/** How long a finished deployment took (ms), from create to end: the group's last successful one. */
export function durationOf(
  deployment: { createTime?: Date; endTime?: Date } | undefined,
): number | undefined {
  if (!deployment?.createTime || !deployment.endTime) return undefined;
  const took = deployment.endTime.getTime() - deployment.createTime.getTime();
  return took > 0 ? took : undefined;
}

/** What one poll says of a deployment's instances, and when it came. */
export interface Observation {
  /** Instances finished (succeeded, failed or skipped), in progress, and in all. */
  finished: number;
  inProgress: number;
  total: number;
  createTime?: Date;
  startTime?: Date;
  previousPoll: number;
  now: number;
}

/**
 * Takes in one poll's answer: when the deployment was created and started, how many instances run
 * at once (a wave ends when the last of them does), and the waves that ended since the last answer,
 * which lie between that answer and this one.
 */
export function observe(deployment: Watched, seen: Observation): void {
  const time = (date: Date | undefined) => {
    const ms = date?.getTime();
    return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
  };
  const created = time(seen.createTime);
  deployment.startedAt = time(seen.startTime) ?? deployment.startedAt ?? created;
  if (deployment.history && created !== undefined) deployment.history.createdAt = created;
  if (seen.inProgress > 0) {
    deployment.waveSize = Math.max(deployment.waveSize ?? 1, seen.inProgress);
    deployment.plannedWaves = Math.ceil(seen.total / deployment.waveSize);
  }
  const waves = Math.floor(seen.finished / (deployment.waveSize ?? 1));
  if (waves <= deployment.waves) return;
  const span = { from: seen.previousPoll, to: seen.now };
  deployment.firstWave ??= { ...span, waves: waves - deployment.waves };
  deployment.lastWave = span;
  deployment.waves = waves;
}

/**
 * Between tries of a call that was throttled or failed on the way (CreateDeployment, a lookup):
 * `minMs`, then growing as the polls do, never past `maxMs`.
 */
export function retryDelay(attempt: number, policy: PollPolicy = DEFAULT_POLL_POLICY): number {
  return Math.min(policy.maxMs, policy.minMs * policy.growth ** attempt);
}
