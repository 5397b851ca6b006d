import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { awsErrorName, isThrottling, isTransient } from '../aws/aws-errors.js';
import type { CodeDeployGateway } from '../aws/codedeploy.js';
import type { Logger } from '../core/log.js';
import { errorMessage } from '../core/problems.js';
import { countsOf, describeCounts, finishedInstances, isFinal } from './decisions.js';
import { DEFAULT_POLL_POLICY, nextPollDelay, type PollPolicy, type Watched } from './poll-schedule.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
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
};

/** One deployment the loop follows. */
export interface Followed {
  group: string;
  id: string;
  /** ms; past it the deployment is stopped (a rollback is never stopped, only reported). */
  deadline: number;
  /** StopDeployment's autoRollbackEnabled when we have to stop it. */
  rollbackOnStop: boolean;
  /** A rollback that CodeDeploy started for a failed deployment of ours. */
  rollbackOf?: string;
  info?: DeploymentInfo;
  watched: Watched;
  /** Why we stopped it, when we did. */
  stoppedBecause?: 'cancelled' | 'timeout';
  /** Why StopDeployment failed: the deployment still runs, and is no longer followed. */
  stopFailed?: string;
  /** Until when to keep looking for the rollback CodeDeploy is expected to start. */
  awaitRollbackUntil?: number;
  lastLine?: string;
}

export interface FollowDeps {
  codedeploy: CodeDeployGateway;
  log: Logger;
  clock: Clock;
  random: () => number;
  cancel: AbortSignal;
  policy?: PollPolicy;
}

// How long a failed deployment with automatic rollback is watched for the rollback to appear.
const ROLLBACK_APPEARS_MS = 30_000;
// After StopDeployment, how long to look for the final state (the runner kills a cancelled step within seconds).
const AFTER_STOP_MS = 5_000;
// A rollback is followed at least this long, even when the wait has run out.
const ROLLBACK_GRACE_MS = 60_000;

function isActive(item: Followed, now: number): boolean {
  if (item.rollbackOf !== undefined && now >= item.deadline) return false;
  // Past its deadline and it cannot be stopped: waiting on would never end (or end past any wait).
  if (item.stopFailed !== undefined) return false;
  return (
    !isFinal(item.info?.status) ||
    (item.awaitRollbackUntil !== undefined && item.info?.rollbackInfo === undefined)
  );
}

/** Our own deployments (not rollbacks) that are still running: the ones a deadline or a cancel stops. */
const stoppable = (item: Followed) => item.rollbackOf === undefined && !isFinal(item.info?.status);

/**
 * The one poll loop: every followed deployment (and the rollbacks CodeDeploy starts) is refreshed with
 * one BatchGetDeployments call per tick, at the pace poll-schedule.ts decides. Ends when all are
 * final, stops those past their deadline, and stops everything still running on cancellation.
 */
export async function followDeployments(items: Followed[], deps: FollowDeps): Promise<void> {
  let attempt = 0;
  let throttles = 0;
  for (;;) {
    const now = deps.clock.now();
    for (const item of items) {
      if (item.awaitRollbackUntil !== undefined && now >= item.awaitRollbackUntil)
        item.awaitRollbackUntil = undefined;
    }
    const active = items.filter((item) => isActive(item, now));
    if (active.length === 0) return;
    if (deps.cancel.aborted) {
      await stopAll(items, 'cancelled', deps);
      return;
    }
    const expired = active.filter((item) => stoppable(item) && now >= item.deadline);
    if (expired.length > 0) {
      await stopAll(expired, 'timeout', deps);
      continue;
    }
    const nearestDeadline = Math.min(...active.map((item) => item.deadline));
    const delay = nextPollDelay(
      { now, attempt, throttles, deployments: active.map((item) => item.watched) },
      deps.policy ?? DEFAULT_POLL_POLICY,
      deps.random,
    );
    await deps.clock.sleep(Math.max(0, Math.min(delay, nearestDeadline - now)), deps.cancel);
    if (deps.cancel.aborted) continue;
    try {
      await refresh(items, active, deps);
      throttles = 0;
      attempt++;
    } catch (error) {
      if (isThrottling(error)) {
        throttles++;
        deps.log.debug(`CodeDeploy is throttling the status calls; slowing down (${throttles})`);
      } else if (isTransient(error)) {
        deps.log.debug(`polling failed (${awsErrorName(error)}: ${errorMessage(error)}); trying again`);
      } else {
        throw error;
      }
    }
  }
}

async function refresh(items: Followed[], active: Followed[], deps: FollowDeps): Promise<void> {
  const infos = await deps.codedeploy.batchGetDeployments(active.map((item) => item.id));
  const now = deps.clock.now();
  for (const info of infos) {
    const item = active.find((candidate) => candidate.id === info.deploymentId);
    if (!item) continue;
    const before = finishedInstances(countsOf(item.info?.deploymentOverview));
    item.info = info;
    const counts = countsOf(info.deploymentOverview);
    item.watched.startedAt ??= info.startTime?.getTime() ?? info.createTime?.getTime();
    if (finishedInstances(counts) > before) {
      item.watched.waves++;
      item.watched.lastWaveAt = now;
    }
    item.watched.finished = isFinal(info.status);
    reportProgress(item, deps.log);
    if (
      info.status === 'Failed' &&
      item.rollbackOf === undefined &&
      rollsBackOnFailure(info) &&
      !info.rollbackInfo
    ) {
      item.awaitRollbackUntil ??= now + ROLLBACK_APPEARS_MS;
    }
    const rollbackId = info.rollbackInfo?.rollbackDeploymentId;
    if (rollbackId && !items.some((other) => other.id === rollbackId)) {
      deps.log.info(`${item.group}: CodeDeploy is rolling back with deployment ${rollbackId}`);
      items.push({
        group: item.group,
        id: rollbackId,
        deadline: Math.max(item.deadline, now + ROLLBACK_GRACE_MS),
        rollbackOnStop: false,
        rollbackOf: item.id,
        watched: { waves: 0, finished: false },
      });
    }
  }
}

function rollsBackOnFailure(info: DeploymentInfo): boolean {
  const config = info.autoRollbackConfiguration;
  return config?.enabled === true && (config.events ?? []).includes('DEPLOYMENT_FAILURE');
}

function reportProgress(item: Followed, log: Logger): void {
  const info = item.info!;
  const label = item.rollbackOf ? `${item.group} (rollback)` : item.group;
  const line = `${label}: ${item.id} ${info.status} — ${describeCounts(countsOf(info.deploymentOverview))}`;
  if (line === item.lastLine) return;
  item.lastLine = line;
  log.info(line);
}

async function stopAll(items: Followed[], why: 'cancelled' | 'timeout', deps: FollowDeps): Promise<void> {
  // A rollback in flight is what brings the group back to a good state: never stop it.
  const ours = items.filter(stoppable);
  for (const item of ours) {
    item.stoppedBecause = why;
    deps.log.warn(
      `${item.group}: stopping deployment ${item.id} (${why === 'cancelled' ? 'the workflow was cancelled' : 'the wait timed out'})${item.rollbackOnStop ? ' with rollback' : ''}`,
    );
    try {
      await deps.codedeploy.stopDeployment(item.id, item.rollbackOnStop);
    } catch (error) {
      if (awsErrorName(error) !== 'DeploymentAlreadyCompletedException') {
        item.stopFailed = errorMessage(error);
        deps.log.error(
          `${item.group}: could not stop ${item.id}, which is still running and no longer followed: ${item.stopFailed}`,
        );
      }
    }
  }
  // Look once more, briefly, so the report says what state each group was left in.
  const deadline = deps.clock.now() + AFTER_STOP_MS;
  while (deps.clock.now() < deadline) {
    try {
      await refresh(items, ours, deps);
    } catch (error) {
      deps.log.debug(`could not read the final state: ${errorMessage(error)}`);
    }
    if (ours.every((item) => isFinal(item.info?.status) || item.stopFailed !== undefined)) return;
    await deps.clock.sleep(1_000);
  }
}
