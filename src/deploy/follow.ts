import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { awsErrorName, isThrottling, isTransient } from '../aws/aws-errors.js';
import { CANCEL_GRACE_MS } from '../core/cancel.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { errorMessage } from '../core/problems.js';
import { countsOf, describeCounts, finishedInstances, isFinal, totalInstances } from './decisions.js';
import { type BlueGreenFollow, onBlueGreenMilestones, readFleets } from './follow-blue-green.js';
import type { StopReason } from './outcome.js';
import {
  DEFAULT_POLL_POLICY,
  nextPollDelay,
  observe,
  type PollPolicy,
  type Watched,
} from './poll-schedule.js';
import type { CodeDeployApi } from './ports.js';

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
  /**
   * Someone else's deployment the run waits for (the group's active one, or one a teardown stopped):
   * never stopped by the run, and no rollback of it is followed.
   */
  theirs?: boolean;
  info?: DeploymentInfo;
  watched: Watched;
  /** A blue/green group's deployment: its fleets are described, and Ready is handled as `onReady` says. */
  blueGreen?: BlueGreenFollow;
  /** Why we stopped it, when we did. */
  stoppedBecause?: StopReason;
  /** Why StopDeployment failed: the deployment still runs, and is no longer followed. */
  stopFailed?: string;
  /** Until when to keep looking for the rollback CodeDeploy is expected to start. */
  awaitRollbackUntil?: number;
  lastLine?: string;
}

export interface FollowDeps {
  codedeploy: Pick<
    CodeDeployApi,
    'batchGetDeployments' | 'stopDeployment' | 'continueDeployment' | 'deploymentTargets'
  >;
  /** Where a person looks at a deployment (the Ready warning links it). */
  deploymentUrl(id: string): string;
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
// How long a stopped deployment may take to say Stopped (the running hook finishes first).
const STOP_GRACE_MS = 120_000;
// A rollback is followed at least this long, even when the wait has run out.
const ROLLBACK_GRACE_MS = 60_000;

/**
 * Traffic already moved to the replacement fleet; CodeDeploy only waits to terminate the original
 * one. The deployment ends Succeeded then, and stopping it would undo a finished switch: the loop
 * keeps following it until the deadline, but never stops it.
 */
const inTerminationWait = (item: Followed) =>
  item.info?.instanceTerminationWaitTimeStarted === true && !isFinal(item.info.status);

function isActive(item: Followed, now: number): boolean {
  if ((item.rollbackOf !== undefined || item.theirs || inTerminationWait(item)) && now >= item.deadline)
    return false;
  // Past its deadline and it cannot be stopped: waiting on would never end (or end past any wait).
  if (item.stopFailed !== undefined) return false;
  // Stopped, and still not saying so after a grace period: report it as it is rather than wait on.
  if (item.stoppedBecause !== undefined && now >= item.deadline) return false;
  return (
    !isFinal(item.info?.status) ||
    (item.awaitRollbackUntil !== undefined && item.info?.rollbackInfo === undefined)
  );
}

/** Our own deployments (not rollbacks) that are still running: the ones a deadline or a cancel stops. */
const stoppable = (item: Followed) =>
  item.rollbackOf === undefined && !item.theirs && !isFinal(item.info?.status) && !inTerminationWait(item);

/**
 * The one poll loop: every followed deployment (and the rollbacks CodeDeploy starts) is refreshed with
 * one BatchGetDeployments call per tick, at the pace poll-schedule.ts decides. Ends when all are
 * final, stops those past their deadline, and stops everything still running on cancellation.
 */
export async function followDeployments(items: Followed[], deps: FollowDeps): Promise<void> {
  let attempt = 0;
  let throttles = 0;
  const polls = { previous: deps.clock.now() };
  for (;;) {
    const now = deps.clock.now();
    for (const item of items) {
      if (item.awaitRollbackUntil !== undefined && now >= item.awaitRollbackUntil)
        item.awaitRollbackUntil = undefined;
    }
    const active = items.filter((item) => isActive(item, now));
    if (active.length === 0) return;
    if (deps.cancel.aborted) {
      // What the run may still spend before the runner kills it (CANCEL_GRACE_MS).
      await stopAll(items, 'cancelled', deps, now + CANCEL_GRACE_MS);
      return;
    }
    // Stopped once is enough: CodeDeploy may take a while to finish the running hook and say Stopped.
    const expired = active.filter((item) => stoppable(item) && !item.stoppedBecause && now >= item.deadline);
    if (expired.length > 0) {
      await stopAll(expired, 'timeout', deps);
      continue;
    }
    // Deadlines already past (a rollback awaited after the wait, a stop being confirmed) must not turn
    // the sleep into a busy loop.
    const nearestDeadline = Math.min(
      ...active.map((item) => item.deadline).filter((deadline) => deadline > now),
    );
    const delay = nextPollDelay(
      { now, attempt, throttles, deployments: active.map((item) => item.watched) },
      deps.policy ?? DEFAULT_POLL_POLICY,
      deps.random,
    );
    await deps.clock.sleep(Math.max(0, Math.min(delay, nearestDeadline - now)), deps.cancel);
    if (deps.cancel.aborted) continue;
    // A call still in flight at the nearest deadline (or a cancel) is given up, so the deadline is
    // kept whatever CodeDeploy does with the call.
    const giveUp = AbortSignal.any([deps.cancel, deps.clock.timeout(nearestDeadline - deps.clock.now())]);
    try {
      await refresh(items, active, deps, polls, giveUp);
      throttles = 0;
      attempt++;
    } catch (error) {
      if (giveUp.aborted) {
        deps.log.debug(`gave up on a status call at the deadline: ${errorMessage(error)}`);
      } else if (isThrottling(error)) {
        throttles++;
        deps.log.debug(`CodeDeploy is throttling the status calls; slowing down (${throttles})`);
      } else if (isTransient(error)) {
        // A reset, a timeout, a 5xx, or an answer that does not parse: the next poll asks again.
        deps.log.debug(`polling failed (${awsErrorName(error)}: ${errorMessage(error)}); trying again`);
      } else {
        throw error;
      }
    }
  }
}

/** `polls.previous`: when the last answer came, so a change seen now happened in between. */
async function refresh(
  items: Followed[],
  active: Followed[],
  deps: FollowDeps,
  polls: { previous: number },
  signal: AbortSignal,
): Promise<void> {
  const infos = await deps.codedeploy.batchGetDeployments(
    active.map((item) => item.id),
    signal,
  );
  const now = deps.clock.now();
  const previousPoll = polls.previous;
  polls.previous = now;
  for (const info of infos) {
    const item = active.find((candidate) => candidate.id === info.deploymentId);
    if (!item) continue;
    item.info = info;
    const counts = countsOf(info.deploymentOverview);
    observe(item.watched, {
      finished: finishedInstances(counts),
      inProgress: counts?.inProgress ?? 0,
      total: totalInstances(counts),
      ...(info.createTime ? { createTime: info.createTime } : {}),
      ...(info.startTime ? { startTime: info.startTime } : {}),
      previousPoll,
      now,
    });
    item.watched.finished = isFinal(info.status);
    // Waiting on a person or on a timer, not on instances: no wave to predict.
    item.watched.parked = info.status === 'Ready' || inTerminationWait(item);
    if (item.blueGreen) await readFleets(item, item.blueGreen, deps, signal);
    reportProgress(item, deps.log);
    if (item.theirs) continue;
    if (item.blueGreen && item.rollbackOf === undefined)
      await onBlueGreenMilestones(item, item.blueGreen, deps);
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
        // Its own fleet lines; a rollback is never Ready and has no termination wait to report.
        ...(item.blueGreen
          ? {
              blueGreen: {
                onReady: item.blueGreen.onReady,
                readyWaitMinutes: 0,
                terminationWaitMinutes: 0,
                readyHandled: true,
                terminationWaitReported: true,
              },
            }
          : {}),
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
  const label = item.rollbackOf
    ? `${item.group} (rollback)`
    : item.theirs
      ? `${item.group} (waiting for it)`
      : item.group;
  const fleets = item.blueGreen?.fleets ? ` · ${item.blueGreen.fleets}` : '';
  const line = `${label}: ${item.id} ${info.status} — ${describeCounts(countsOf(info.deploymentOverview))}${fleets}`;
  if (line === item.lastLine) return;
  item.lastLine = line;
  log.info(line);
}

/** Stops our deployments still running, all at once, then looks at them until `until` (at most AFTER_STOP_MS). */
async function stopAll(
  items: Followed[],
  why: Exclude<StopReason, 'on-ready'>,
  deps: FollowDeps,
  until = Number.POSITIVE_INFINITY,
): Promise<void> {
  // A rollback in flight is what brings the group back to a good state: never stop it.
  const ours = items.filter(stoppable);
  await Promise.all(
    ours.map(async (item) => {
      item.stoppedBecause = why;
      item.deadline = deps.clock.now() + STOP_GRACE_MS;
      deps.log.warn(
        `${item.group}: stopping deployment ${item.id} (${why === 'cancelled' ? 'the workflow was cancelled' : 'the wait timed out'})${item.rollbackOnStop ? ' with rollback' : ''}`,
      );
      try {
        await deps.codedeploy.stopDeployment(item.id, item.rollbackOnStop);
      } catch (error) {
        item.stopFailed = errorMessage(error);
        deps.log.error(
          `${item.group}: could not stop ${item.id}, which is still running and no longer followed: ${item.stopFailed}`,
        );
      }
    }),
  );
  // Look once more, briefly, so the report says what state each group was left in.
  const deadline = Math.min(deps.clock.now() + AFTER_STOP_MS, until);
  while (deps.clock.now() < deadline) {
    try {
      const left = deps.clock.timeout(deadline - deps.clock.now());
      await refresh(items, ours, deps, { previous: deps.clock.now() }, left);
    } catch (error) {
      deps.log.debug(`could not read the final state: ${errorMessage(error)}`);
    }
    if (ours.every((item) => isFinal(item.info?.status) || item.stopFailed !== undefined)) return;
    await deps.clock.sleep(Math.min(1_000, Math.max(0, deadline - deps.clock.now())));
  }
}

/**
 * Waits, at the pace every wait of the run keeps, until someone else's deployment ends (or `deadline`
 * passes, or the run is cancelled): whether it ended.
 */
export async function waitForTheirs(
  group: string,
  id: string,
  deadline: number,
  deps: FollowDeps,
): Promise<boolean> {
  const item: Followed = {
    group,
    id,
    deadline,
    rollbackOnStop: false,
    theirs: true,
    watched: { waves: 0, finished: false },
  };
  await followDeployments([item], deps);
  return isFinal(item.info?.status);
}
