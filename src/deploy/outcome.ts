import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { formatDuration } from '../config/duration.js';
import { countsOf, isFinal } from './decisions.js';
import type { GroupOutcome, GroupReport } from './results.js';

/** Why the run stopped a deployment of its own. */
export type StopReason = 'cancelled' | 'timeout' | 'on-ready';

/** What the run saw of one of its deployments when it stopped following it. */
export interface Seen {
  /** The last state CodeDeploy answered; undefined when no poll answered. */
  info?: DeploymentInfo;
  stoppedBecause?: StopReason;
  /** StopDeployment's error: the deployment may still run. */
  stopFailed?: string;
  /** A blue/green group's termination wait of the original fleet. */
  terminationWaitMinutes?: number;
  /** The rollback CodeDeploy started for it, as followed (its status) or as named in the deployment. */
  rollback?: { id: string; status?: string };
  /** When the run stopped following it, for a deployment CodeDeploy has not ended. */
  now: number;
  /** Why the run could no longer follow it (a permission, an outage). */
  lostBecause?: { code: string; message: string };
}

export type DeploymentOutcome = Pick<
  GroupReport,
  'outcome' | 'status' | 'counts' | 'endedAt' | 'error' | 'note'
> & { rollback?: { deploymentId: string; status?: string } };

const BY_STATUS: Record<string, GroupOutcome> = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  Stopped: 'stopped',
};

/** The group's report from what was seen of its deployment: CodeDeploy's final status decides, notes say why. */
export function deploymentOutcome(seen: Seen): DeploymentOutcome {
  const { info } = seen;
  const counts = countsOf(info?.deploymentOverview);
  const error = info?.errorInformation
    ? {
        ...(info.errorInformation.code ? { code: info.errorInformation.code } : {}),
        ...(info.errorInformation.message ? { message: info.errorInformation.message } : {}),
      }
    : undefined;
  const rollbackId = seen.rollback?.id ?? info?.rollbackInfo?.rollbackDeploymentId;
  let outcome: GroupOutcome = BY_STATUS[info?.status ?? ''] ?? 'in-progress';
  let note: string | undefined;
  if (outcome === 'in-progress' && info?.instanceTerminationWaitTimeStarted) {
    // Traffic moved and nothing failed; only the original fleet's termination is left, which CodeDeploy does alone.
    outcome = 'succeeded';
    note = `traffic is on the replacement fleet; CodeDeploy terminates the original fleet after its termination wait (${formatDuration(
      (seen.terminationWaitMinutes ?? 0) * 60,
    )}) and marks the deployment Succeeded then`;
  }
  if (seen.stoppedBecause) note = stopNote(seen, outcome);
  const lost = outcome === 'in-progress' ? seen.lostBecause : undefined;
  if (lost) note = `this run could no longer follow it (${lost.code}): it is still running`;
  return {
    outcome,
    status: info?.status ?? 'Unknown',
    ...(counts ? { counts } : {}),
    endedAt: info?.completeTime?.getTime() ?? seen.now,
    ...(error || lost ? { error: error ?? lost } : {}),
    ...(note ? { note } : {}),
    ...(rollbackId
      ? {
          rollback: {
            deploymentId: rollbackId,
            ...(seen.rollback?.id === rollbackId && seen.rollback.status
              ? { status: seen.rollback.status }
              : {}),
          },
        }
      : {}),
  };
}

function stopNote(seen: Seen, outcome: GroupOutcome): string {
  const why = seen.stoppedBecause;
  if (seen.stopFailed !== undefined && !isFinal(seen.info?.status)) {
    return `${why === 'cancelled' ? 'the workflow was cancelled' : 'the wait timed out'}, and it could not be stopped: it is still running (${seen.stopFailed})`;
  }
  if (outcome === 'succeeded') return 'it succeeded just as it was being stopped';
  if (outcome === 'in-progress') {
    const asked = why === 'cancelled' ? 'the workflow was cancelled' : 'the wait timed out';
    return `${asked} and it was asked to stop, but CodeDeploy had not said it stopped when the run ended: see the console`;
  }
  if (why === 'cancelled') return 'stopped because the workflow was cancelled';
  if (why === 'on-ready')
    return 'stopped when it was Ready for a traffic reroute (on-ready: stop); traffic stays on the original fleet';
  return 'stopped: the wait timed out';
}
