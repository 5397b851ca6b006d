import type {
  ApplicationRecord,
  DeploymentConfigRecord,
  DeploymentGroupRecord,
  DeploymentRecord,
  InstanceTargetRecord,
  Tag,
} from '../records.js';
import { groupKey, type State } from '../store.js';
import { ApiError } from '../wire.js';

/** The lookups every resource's operations share, each failing with CodeDeploy's own error. */

export function findApplication(state: State, name: string): ApplicationRecord {
  const app = state.applications.get(name);
  if (!app) throw new ApiError('ApplicationDoesNotExistException', `No application found for name: ${name}`);
  return app;
}

export function findGroup(state: State, applicationName: string, name: string): DeploymentGroupRecord {
  const group = state.groups.get(groupKey(applicationName, name));
  if (!group) {
    throw new ApiError(
      'DeploymentGroupDoesNotExistException',
      `No Deployment Group found for name: ${name} in application ${applicationName}`,
    );
  }
  return group;
}

export function findConfig(state: State, name: string): DeploymentConfigRecord {
  const config = state.configs.get(name);
  if (!config) {
    throw new ApiError(
      'DeploymentConfigDoesNotExistException',
      `No deployment configuration found for name: ${name}`,
    );
  }
  return config;
}

export function findDeployment(state: State, id: string): DeploymentRecord {
  const record = state.deployments.get(id);
  if (!record)
    throw new ApiError('DeploymentDoesNotExistException', `The deployment ${id} could not be found`);
  return record;
}

/** The groups of an application, by name. */
export function groupsOf(state: State, applicationName: string): DeploymentGroupRecord[] {
  return [...state.groups.values()]
    .filter((g) => g.applicationName === applicationName)
    .sort((a, b) => a.deploymentGroupName.localeCompare(b.deploymentGroupName));
}

/** A deployment's targets, once its instances are assigned (Created and Queued have none yet). */
export function startedTargets(record: DeploymentRecord): InstanceTargetRecord[] {
  if (!record.targets) {
    throw new ApiError(
      'DeploymentNotStartedException',
      `The deployment ${record.deploymentId} has not started yet (${record.status}): its instances are not assigned. Retry shortly.`,
    );
  }
  return record.targets;
}

export function startedTarget(record: DeploymentRecord, id: string): InstanceTargetRecord {
  const target = startedTargets(record).find((t) => t.targetId === id);
  if (!target) {
    throw new ApiError(
      'DeploymentTargetDoesNotExistException',
      `The target ${id} is not part of deployment ${record.deploymentId}`,
    );
  }
  return target;
}

/** Tags merged by key: a new value replaces the old one (TagResource, AddTagsToOnPremisesInstances). */
export function mergeTags(current: readonly Tag[] | undefined, added: readonly Tag[]): Tag[] {
  const keys = new Set(added.map((tag) => tag.Key));
  return [...(current ?? []).filter((tag) => !keys.has(tag.Key)), ...added];
}
