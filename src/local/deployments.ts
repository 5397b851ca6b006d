import { randomInt } from 'node:crypto';
import {
  type AutoRollbackConfiguration,
  bareETag,
  type DeploymentConfigRecord,
  type DeploymentGroupRecord,
  type DeploymentRecord,
  type FileExistsBehavior,
  type RevisionLocation,
  type RollbackInfo,
} from './records.js';
import type { State } from './store.js';

/** Creating a deployment record: shared by CreateDeployment and by automatic rollbacks. */
export interface NewDeployment {
  group: DeploymentGroupRecord;
  config: DeploymentConfigRecord;
  revision: RevisionLocation;
  description?: string;
  creator: DeploymentRecord['creator'];
  ignoreApplicationStopFailures: boolean;
  updateOutdatedInstancesOnly?: boolean;
  deploymentMode?: 'RESTART';
  autoRollbackConfiguration?: AutoRollbackConfiguration;
  overrideAlarmConfiguration?: Record<string, unknown>;
  fileExistsBehavior: FileExistsBehavior;
  targetInstances?: Record<string, unknown>;
  rollbackInfo?: RollbackInfo;
  /** A blue/green rollback: the fleets of the deployment it rolls back. */
  fleets?: DeploymentRecord['fleets'];
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `d-` and 9 capital letters or digits, as CodeDeploy's ids. */
export function randomDeploymentId(): string {
  let id = 'd-';
  for (let i = 0; i < 9; i += 1) id += ID_CHARS[randomInt(ID_CHARS.length)];
  return id;
}

/** The group's last successful deployment, if it is still known. */
export function lastSuccessful(state: State, group: DeploymentGroupRecord): DeploymentRecord | undefined {
  return group.lastSuccessfulDeploymentId
    ? state.deployments.get(group.lastSuccessfulDeploymentId)
    : undefined;
}

export function createDeploymentRecord(
  state: State,
  spec: NewDeployment,
  now: number,
  newId: () => string,
): DeploymentRecord {
  let deploymentId = newId();
  while (state.deployments.has(deploymentId)) deploymentId = newId();
  const { group } = spec;
  const previous = lastSuccessful(state, group);
  const settings = group.settings;
  const record: DeploymentRecord = {
    deploymentId,
    applicationName: group.applicationName,
    deploymentGroupName: group.deploymentGroupName,
    deploymentGroupId: group.deploymentGroupId,
    deploymentConfigName: spec.config.deploymentConfigName,
    minimumHealthyHosts: spec.config.minimumHealthyHosts,
    revision: spec.revision,
    ...(previous ? { previousRevision: previous.revision } : {}),
    status: 'Created',
    createTime: now,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    creator: spec.creator,
    ignoreApplicationStopFailures: spec.ignoreApplicationStopFailures,
    ...(spec.updateOutdatedInstancesOnly !== undefined
      ? { updateOutdatedInstancesOnly: spec.updateOutdatedInstancesOnly }
      : {}),
    ...(spec.deploymentMode ? { deploymentMode: spec.deploymentMode } : {}),
    ...(spec.autoRollbackConfiguration ? { autoRollbackConfiguration: spec.autoRollbackConfiguration } : {}),
    ...(spec.overrideAlarmConfiguration
      ? { overrideAlarmConfiguration: spec.overrideAlarmConfiguration }
      : {}),
    ...(spec.rollbackInfo ? { rollbackInfo: spec.rollbackInfo } : {}),
    fileExistsBehavior: spec.fileExistsBehavior,
    ...copied(settings, 'deploymentStyle'),
    ...copied(settings, 'loadBalancerInfo'),
    ...copied(settings, 'blueGreenDeploymentConfiguration'),
    ...(spec.targetInstances ? { targetInstances: spec.targetInstances } : {}),
    ...(spec.fleets ? { fleets: spec.fleets } : {}),
  };
  state.deployments.set(deploymentId, record);
  group.targetRevision = spec.revision;
  group.lastAttemptedDeploymentId = deploymentId;
  recordRevisionUse(state, group, spec.revision, now);
  return record;
}

function copied(settings: Record<string, unknown>, member: string): Record<string, Record<string, unknown>> {
  const value = settings[member];
  return value && typeof value === 'object' ? { [member]: value as Record<string, unknown> } : {};
}

/** Deployed revisions are registered with the application, as CodeDeploy does. */
function recordRevisionUse(
  state: State,
  group: DeploymentGroupRecord,
  revision: RevisionLocation,
  now: number,
): void {
  const app = state.applications.get(group.applicationName);
  if (!app) return;
  let entry = app.revisions.find((r) => sameRevision(r.revision, revision));
  if (!entry) {
    entry = { revision, registerTime: now, deploymentGroups: [] };
    app.revisions.push(entry);
  }
  entry.firstUsedTime ??= now;
  entry.lastUsedTime = now;
  if (!entry.deploymentGroups.includes(group.deploymentGroupName))
    entry.deploymentGroups.push(group.deploymentGroupName);
}

export function sameRevision(a: RevisionLocation, b: RevisionLocation): boolean {
  const x = a.s3Location ?? {};
  const y = b.s3Location ?? {};
  const g = a.gitHubLocation ?? {};
  const h = b.gitHubLocation ?? {};
  return (
    a.revisionType === b.revisionType &&
    x.bucket === y.bucket &&
    x.key === y.key &&
    (x.version ?? '') === (y.version ?? '') &&
    bareETag(x.eTag) === bareETag(y.eTag) &&
    g.repository === h.repository &&
    g.commitId === h.commitId
  );
}

/** A revision as people name it: `s3://bucket/key`, or `account/repository@commit`. */
export function revisionName(revision: RevisionLocation): string {
  const github = revision.gitHubLocation;
  if (github) return `${github.repository}@${github.commitId}`;
  return `s3://${revision.s3Location?.bucket}/${revision.s3Location?.key}`;
}
