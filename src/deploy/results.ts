/** What the run reports, per group and for the revision: the outputs, summary and PR comment are built from it. */

export type GroupOutcome =
  /** CodeDeploy says Succeeded. */
  | 'succeeded'
  | 'failed'
  | 'stopped'
  /** Created and not followed (wait: false). */
  | 'created'
  /** Never created: an earlier group failed (sequential), or the run was refused before this group. */
  | 'not-started'
  /** Still running when we stopped looking (only when stopping it failed). */
  | 'in-progress'
  /** Not deployed: a later run already deployed a newer commit to the group. */
  | 'superseded'
  /** Teardown of a pull-request preview. */
  | 'torn-down';

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

export interface RevisionReport {
  bucket: string;
  key: string;
  bundleType: string;
  eTag: string;
  version?: string;
  /** Content digest of the archived tree (stored with the object, so also known for a redeployed sha). */
  digest?: string;
  bytes?: number;
  files?: number;
  /** false: the object was already in S3 (or is an earlier deployment's revision). */
  uploaded: boolean;
  /** How the revision was chosen: the workspace, a sha, or a group's last good revision. */
  source: 'workspace' | 'sha' | 'rollback';
}

export function consoleUrl(deploymentId: string, region: string): string {
  return `https://console.aws.amazon.com/codesuite/codedeploy/deployments/${deploymentId}?region=${region}`;
}

export function s3Uri(revision: { bucket: string; key: string }): string {
  return `s3://${revision.bucket}/${revision.key}`;
}
