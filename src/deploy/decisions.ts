import type { DeploymentStatus } from '@aws-sdk/client-codedeploy';
import type { OnActiveDeployment } from '../config/types.js';
import type { DeploymentOrigin } from './description.js';
import type { CommitRelation } from './ports.js';
import type { GroupOutcome, GroupReport, InstanceCounts, RevisionChoice, RunStatus } from './results.js';

export const FINAL_STATUSES = ['Succeeded', 'Failed', 'Stopped'];
/** A deployment in one of these holds its group: CodeDeploy refuses a second one there. */
export const ACTIVE_STATUSES: DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];

export function isFinal(status: string | undefined): boolean {
  return status !== undefined && FINAL_STATUSES.includes(status);
}

/** What to do about a deployment already running on the group. */
export type ActiveDecision =
  | { kind: 'adopt' }
  | { kind: 'wait' }
  | { kind: 'stop' }
  | { kind: 'fail'; reason: string };

export function decideActive(
  setting: OnActiveDeployment,
  active: { id: string; origin?: DeploymentOrigin },
  ours: DeploymentOrigin,
): ActiveDecision {
  // Ours already: a CreateDeployment whose response was lost and that the SDK retried.
  if (active.origin && active.origin.run === ours.run && active.origin.sha === ours.sha)
    return { kind: 'adopt' };
  if (setting === 'fail') {
    const by = active.origin ? ` (commit ${active.origin.sha.slice(0, 7)}, run ${active.origin.run})` : '';
    return {
      kind: 'fail',
      reason: `deployment ${active.id}${by} is still running on the group and onActiveDeployment is "fail"`,
    };
  }
  return { kind: setting };
}

/** What a person asked for by hand (workflow_dispatch): the ordering guard lets older commits through, and says so. */
export type ManualRequest = 'workflow_dispatch' | 'revision' | 'rollback';

export function manualRequest(event: string, choice: RevisionChoice): ManualRequest | undefined {
  if (event !== 'workflow_dispatch') return undefined;
  if (choice.kind === 'sha') return 'revision';
  return choice.kind === 'rollback' ? 'rollback' : 'workflow_dispatch';
}

export type OrderingDecision = { proceed: true; note?: string } | { proceed: false; reason: string };

/**
 * Never let an older commit overwrite a newer one that a later run already deployed to the group,
 * unless a person asked for it (workflow_dispatch redeploy or rollback).
 */
export function decideOrdering(input: {
  ours: DeploymentOrigin;
  theirs: DeploymentOrigin;
  theirsId: string;
  relation: CommitRelation;
  manual?: ManualRequest;
}): OrderingDecision {
  const { ours, theirs, relation, manual, theirsId } = input;
  const describe = `${theirs.sha.slice(0, 7)} (deployment ${theirsId}, run ${theirs.run})`;
  if (relation === 'behind') {
    if (manual) {
      return {
        proceed: true,
        note: `explicit ${manual}: deploying ${ours.sha.slice(0, 7)} over the newer ${describe}`,
      };
    }
    return {
      proceed: false,
      reason: `commit ${ours.sha.slice(0, 7)} is older than ${describe}, which a later run already deployed`,
    };
  }
  if (relation === 'diverged') {
    return {
      proceed: true,
      note: `commit ${ours.sha.slice(0, 7)} and the deployed ${describe} are on diverged histories`,
    };
  }
  if (relation === 'unknown') {
    return { proceed: true, note: `could not compare ${ours.sha.slice(0, 7)} with the deployed ${describe}` };
  }
  return { proceed: true };
}

/**
 * The run's status from the groups' outcomes: any failure fails the run; a cancel that left nothing
 * running (what it started, it stopped) is `stopped`, one that came before anything started
 * `cancelled`; a run whose every group was superseded deployed nothing, and says so.
 */
export function runStatus(groups: GroupReport[]): RunStatus {
  const outcomes = new Set<GroupOutcome>(groups.map((g) => g.outcome));
  if (outcomes.has('failed') || outcomes.has('in-progress')) return 'failed';
  if (outcomes.has('stopped')) return 'stopped';
  if (outcomes.has('not-started')) return 'failed';
  if (outcomes.has('cancelled')) return 'cancelled';
  if (outcomes.size === 1 && outcomes.has('superseded')) return 'superseded';
  if (outcomes.has('created')) return 'created';
  return 'succeeded';
}

/** CodeDeploy's deploymentOverview, as plain data. */
export interface Overview {
  Pending?: number;
  InProgress?: number;
  Succeeded?: number;
  Failed?: number;
  Skipped?: number;
  Ready?: number;
}

export function countsOf(overview: Overview | undefined): InstanceCounts | undefined {
  if (!overview) return undefined;
  return {
    pending: overview.Pending ?? 0,
    inProgress: overview.InProgress ?? 0,
    succeeded: overview.Succeeded ?? 0,
    failed: overview.Failed ?? 0,
    skipped: overview.Skipped ?? 0,
    ready: overview.Ready ?? 0,
  };
}

export function finishedInstances(counts: InstanceCounts | undefined): number {
  return counts ? counts.succeeded + counts.failed + counts.skipped : 0;
}

export function totalInstances(counts: InstanceCounts | undefined): number {
  return counts ? finishedInstances(counts) + counts.pending + counts.inProgress + counts.ready : 0;
}

export function describeCounts(counts: InstanceCounts | undefined): string {
  if (!counts) return 'no instances yet';
  const parts = [`${counts.succeeded}/${totalInstances(counts)} succeeded`];
  if (counts.inProgress) parts.push(`${counts.inProgress} in progress`);
  if (counts.pending) parts.push(`${counts.pending} pending`);
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  if (counts.ready) parts.push(`${counts.ready} ready`);
  return parts.join(', ');
}

/**
 * The revision to roll back to: the newest successful deployment whose revision differs from the
 * one the group runs now (the last attempted), so rolling back after a bad-but-healthy deploy works.
 */
export function chooseRollbackRevision<R>(input: {
  current?: R;
  succeeded: Array<{ id: string; revision?: R }>;
  same: (a: R, b: R) => boolean;
}): { id: string; revision: R } | undefined {
  for (const candidate of input.succeeded) {
    if (!candidate.revision) continue;
    if (input.current && input.same(candidate.revision, input.current)) continue;
    return { id: candidate.id, revision: candidate.revision };
  }
  return undefined;
}
