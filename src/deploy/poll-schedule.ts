/**
 * When to ask CodeDeploy again. One BatchGetDeployments call covers every deployment of the run, so
 * the question is only "how long until something is likely to have changed?":
 * - at first, quickly (a missing agent, a bad revision or NO_INSTANCES end a deployment in seconds);
 * - then backing off, up to `maxMs`;
 * - once an instance has finished, the pace of the others is known: poll just after the next
 *   instance is expected to finish (that is when a deployment can end), and every `overdueMs`
 *   while one is overdue. One call serves every deployment, so waves expected within
 *   `clusterMs` of each other share one poll, placed after the last of them;
 * - jitter, so parallel runs do not poll in lockstep; throttling doubles the wait.
 */
export interface PollPolicy {
  firstMs: number;
  growth: number;
  maxMs: number;
  /** Added after a predicted completion, so the poll lands after it rather than just before. */
  marginMs: number;
  /** Waves expected this close together are caught by one poll after the last of them. */
  clusterMs: number;
  overdueMs: number;
  minMs: number;
  /** ± fraction of the delay. */
  jitter: number;
  throttledMaxMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstMs: 2_000,
  growth: 2,
  maxMs: 30_000,
  marginMs: 1_500,
  clusterMs: 7_000,
  overdueMs: 5_000,
  minMs: 1_000,
  jitter: 0.1,
  throttledMaxMs: 60_000,
};

/** What the poller has seen of one deployment. */
export interface Watched {
  /** When CodeDeploy started it (ms); undefined until known. */
  startedAt?: number;
  /** How many times the count of finished instances went up (one wave each). */
  waves: number;
  /** When the last wave happened: between the poll that saw it and the one before. */
  lastWaveAt?: number;
  finished: boolean;
  /** Waiting on something other than instances (Ready for a reroute, the termination wait): plain backoff. */
  parked?: boolean;
}

export interface ScheduleInput {
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
  const backoff = Math.min(policy.maxMs, policy.firstMs * policy.growth ** input.attempt);
  let delay = backoff;
  const expected = input.deployments
    .filter((deployment) => !deployment.finished && !deployment.parked)
    .map(expectedNextWave)
    .filter((time): time is number => time !== undefined)
    .sort((a, b) => a - b);
  const first = expected[0];
  if (first !== undefined) {
    if (first <= input.now) delay = Math.min(delay, policy.overdueMs);
    else {
      const last = expected.filter((time) => time <= first + policy.clusterMs).at(-1)!;
      delay = Math.min(delay, last - input.now + policy.marginMs);
    }
  }
  if (input.throttles > 0) {
    delay = Math.min(policy.throttledMaxMs, Math.max(delay, policy.firstMs) * 2 ** input.throttles);
  }
  const jittered = delay * (1 + policy.jitter * (2 * random() - 1));
  return Math.round(Math.max(policy.minMs, jittered));
}

/**
 * When the next wave of instances should finish, from the pace of the waves already seen. Instances
 * finish in waves of one (OneAtATime), half or all, so the time per wave predicts the next one.
 */
export function expectedNextWave(deployment: Watched): number | undefined {
  const { startedAt, lastWaveAt, waves } = deployment;
  if (startedAt === undefined || lastWaveAt === undefined || waves === 0) return undefined;
  return lastWaveAt + (lastWaveAt - startedAt) / waves;
}
