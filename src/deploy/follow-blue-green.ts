import { awsErrorName } from '../aws/aws-errors.js';
import { errorMessage } from '../core/problems.js';
import { describeFleets, type OnReady } from './blue-green.js';
import { isFinal } from './decisions.js';
import type { FollowDeps, Followed } from './follow.js';

// What the poll loop (follow.ts) does for a blue/green deployment beyond following it: its fleets, Ready, the termination wait.

export interface BlueGreenFollow {
  onReady: OnReady;
  /** The group's deploymentReadyOption.waitTimeInMinutes (CodeDeploy stops a Ready deployment after it). */
  readyWaitMinutes: number;
  terminationWaitMinutes: number;
  /** Ready was dealt with (reported, continued or stopped): once per deployment. */
  readyHandled?: boolean;
  terminationWaitReported?: boolean;
  /** Status, counts and termination wait when the targets were last read: they are read again only on a change. */
  targetsReadAt?: string;
  fleets?: string;
}

/**
 * The targets of a blue/green deployment say where each fleet is (install, traffic events). They
 * cost two calls, so they are read only when the status, the counts or the termination wait changed.
 */
export async function readFleets(
  item: Followed,
  blueGreen: BlueGreenFollow,
  deps: FollowDeps,
  signal: AbortSignal,
): Promise<void> {
  const info = item.info!;
  const key = JSON.stringify([info.status, info.deploymentOverview, info.instanceTerminationWaitTimeStarted]);
  if (key === blueGreen.targetsReadAt || info.status === 'Created' || info.status === 'Queued') return;
  try {
    blueGreen.fleets = describeFleets(await deps.codedeploy.deploymentTargets(item.id, signal));
    blueGreen.targetsReadAt = key;
  } catch (error) {
    // Progress detail only (DeploymentNotStartedException early on, a throttled call): try at the next change.
    deps.log.debug(`${item.group}: could not read the targets of ${item.id}: ${errorMessage(error)}`);
  }
}

/** Ready (a person may reroute traffic) and the termination wait (traffic already moved), said once each. */
export async function onBlueGreenMilestones(
  item: Followed,
  blueGreen: BlueGreenFollow,
  deps: FollowDeps,
): Promise<void> {
  const { log, codedeploy } = deps;
  const info = item.info!;
  const url = deps.deploymentUrl(item.id);
  if (info.status === 'Ready' && !blueGreen.readyHandled) {
    const minutes = blueGreen.readyWaitMinutes;
    const ready = `${item.group}: ${item.id} is Ready: the replacement fleet is installed and waits for traffic to be rerouted to it (deploymentReadyOption STOP_DEPLOYMENT)`;
    if (blueGreen.onReady === 'wait') {
      log.warn(
        `${ready}. Reroute it in the console (${url}) or with "aws deploy continue-deployment --deployment-id ${item.id} --deployment-wait-type READY_WAIT"; ` +
          `CodeDeploy stops the deployment if nobody does within ${minutes} minute${minutes === 1 ? '' : 's'}. Waiting (on-ready: wait).`,
      );
    } else if (blueGreen.onReady === 'continue') {
      log.info(`${ready}. Rerouting traffic now (on-ready: continue) — ${url}`);
      try {
        await codedeploy.continueDeployment(item.id);
      } catch (error) {
        // Someone rerouted it (or stopped it) in between, or a first try whose answer was lost did, and
        // it has moved on, even to its end: the next poll shows what happened.
        const movedOn = ['DeploymentIsNotInReadyStateException', 'DeploymentAlreadyCompletedException'];
        if (!movedOn.includes(awsErrorName(error))) throw error;
        log.debug(`${item.group}: ContinueDeployment: ${errorMessage(error)}`);
      }
    } else {
      item.stoppedBecause = 'on-ready';
      log.warn(
        `${ready}. Stopping it (on-ready: stop)${item.rollbackOnStop ? ' with rollback' : ''}: traffic stays on the original fleet — ${url}`,
      );
      await codedeploy.stopDeployment(item.id, item.rollbackOnStop);
    }
    // Only once the call went through: a throttled one throws above and is made again at the next poll.
    blueGreen.readyHandled = true;
  }
  if (
    info.instanceTerminationWaitTimeStarted &&
    !blueGreen.terminationWaitReported &&
    !isFinal(info.status)
  ) {
    blueGreen.terminationWaitReported = true;
    const minutes = blueGreen.terminationWaitMinutes;
    log.info(
      `${item.group}: traffic is on the replacement fleet; CodeDeploy keeps the original fleet ${minutes} minute${minutes === 1 ? '' : 's'} ` +
        `before terminating it and ends ${item.id} (Succeeded) then. Following it until then; it is no longer stopped on a timeout or a cancellation.`,
    );
  }
}
