import type { Config } from '../config/types.js';
import type { Trigger } from '../event/trigger.js';
import type { Plan } from '../plan/plan.js';
import type { DeployedRevision } from './ports.js';

/** What the run reports, per group and for the revision: the outputs, summary and PR comment are built from it. */

export type RunStatus =
  | 'succeeded'
  | 'failed'
  | 'stopped'
  /** The workflow was cancelled before any deployment was created. */
  | 'cancelled'
  | 'skipped'
  /** Nothing deployed: later runs already deployed newer commits to every group. */
  | 'superseded'
  | 'created'
  | 'planned';

/**
 * Which revision a run deploys: the workspace (archived and uploaded, or its commit on GitHub), an
 * earlier commit's revision (`revision` input), or each group's previous good revision (`rollback` input).
 */
export type RevisionChoice = { kind: 'workspace' } | { kind: 'sha'; sha: string } | { kind: 'rollback' };

export interface RunResult {
  status: RunStatus;
  trigger: Trigger;
  config: Config;
  plan: Plan;
  dryRun: boolean;
  revisionChoice: RevisionChoice;
  /** AWS region of the deployments. */
  region?: string;
  /** One report per planned group, in plan order; empty for a skip or a dry run. */
  groups: GroupReport[];
  /** The revision deployed to every group (none for a rollback: each group gets its own). */
  revision?: RevisionReport;
}

export type GroupOutcome =
  /** CodeDeploy says Succeeded. */
  | 'succeeded'
  | 'failed'
  | 'stopped'
  /** Created and not followed (wait: false). */
  | 'created'
  /** Never created: an earlier group failed (sequential), or the run was refused before this group. */
  | 'not-started'
  /** Never created: the workflow was cancelled first. */
  | 'cancelled'
  /** Still running when we stopped looking (only when stopping it failed). */
  | 'in-progress'
  /** Not deployed: a later run already deployed a newer commit to the group. */
  | 'superseded'
  /** Teardown of a pull-request preview. */
  | 'torn-down'
  /** A teardown's group that another ref created: not this ref's to end, so untouched. */
  | 'left-alone';

export interface InstanceCounts {
  pending: number;
  inProgress: number;
  succeeded: number;
  failed: number;
  skipped: number;
  ready: number;
}

export interface InstanceFailure {
  instanceId: string;
  /** Blue/green: the fleet of the instance (original: Blue, replacement: Green). */
  fleet?: 'original' | 'replacement';
  /** The lifecycle event that failed, e.g. ValidateService. */
  event: string;
  script?: string;
  errorCode?: string;
  message?: string;
  logTail?: string;
}

export interface RollbackReport {
  deploymentId: string;
  status?: string;
  url: string;
}

export interface GroupReport {
  group: string;
  environment: string;
  environmentUrl?: string;
  outcome: GroupOutcome;
  deploymentId?: string;
  /** CodeDeploy's own status (Succeeded, Failed, Stopped, InProgress...). */
  status?: string;
  url?: string;
  counts?: InstanceCounts;
  startedAt?: number;
  endedAt?: number;
  error?: { code?: string; message?: string };
  failures: InstanceFailure[];
  rollback?: RollbackReport;
  /** The group was created by this run from a template. */
  createdGroup?: boolean;
  /** Why the group ended as it did when that is not obvious (not started, refused, adopted...). */
  note?: string;
}

/** The revision every group got: uploaded by this run, found in S3, recorded for a redeployed commit, or a commit on GitHub. */
export type RevisionReport = DeployedRevision;

export function s3Uri(revision: { bucket: string; key: string }): string {
  return `s3://${revision.bucket}/${revision.key}`;
}

/** Where a revision is: `s3://bucket/key`, or the commit's page on GitHub (CodeDeploy downloads from github.com). */
export function describeRevision(revision: DeployedRevision): string {
  return revision.type === 'github'
    ? `https://github.com/${revision.repository}/commit/${revision.commitId}`
    : s3Uri(revision);
}
