import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ApiError } from './wire.js';

/**
 * Which local "instances" a deployment group targets. Each group gets `instancesPerGroup` instances
 * unless one of its tag filters (ec2TagFilters, ec2TagSet or onPremisesInstanceTagFilters) is
 * `Key: local:instances, Value: N`, which sets its count (0 gives a group with no instances, to
 * rehearse NO_INSTANCES). Instance ids are stable: derived from the application, the group and the
 * instance's index, so recreating a group finds the same instances (and their files) again.
 */
export const INSTANCE_COUNT_TAG = 'local:instances';
/** More than a page of ListDeploymentTargets (100), so clients page through a group's targets. */
export const MAX_INSTANCES_PER_GROUP = 200;

export interface LocalInstance {
  instanceId: string;
  /** The instance's filesystem root: `/var/www/app` in an appspec lands in `<dir>/var/www/app`. */
  dir: string;
  /** 127.0.0.1 port its application listens on, once a deployment reached it (LOCAL_CODEDEPLOY_INSTANCE_PORT). */
  port?: number;
}

export function instancesDir(dataDir: string): string {
  return join(dataDir, 'instances');
}

export function instanceId(applicationName: string, deploymentGroupName: string, index: number): string {
  const digest = createHash('sha256')
    .update(`${applicationName}\n${deploymentGroupName}\n${index}`)
    .digest('hex');
  return `i-${digest.slice(0, 17)}`;
}

/**
 * A replacement (green) instance of a blue/green deployment: a new id, derived from the deployment
 * so that a restart finds the same instances again.
 */
export function replacementInstanceId(deploymentId: string, index: number): string {
  const digest = createHash('sha256').update(`replacement\n${deploymentId}\n${index}`).digest('hex');
  return `i-${digest.slice(0, 17)}`;
}

export function instanceDir(dataDir: string, id: string): string {
  return join(instancesDir(dataDir), id);
}

export function groupInstances(
  dataDir: string,
  applicationName: string,
  deploymentGroupName: string,
  count: number,
): LocalInstance[] {
  return Array.from({ length: count }, (_, index) => {
    const id = instanceId(applicationName, deploymentGroupName, index);
    return { instanceId: id, dir: instanceDir(dataDir, id) };
  });
}

/** The instance count a group's tag filters ask for, or undefined to use the default. */
export function taggedInstanceCount(settings: Record<string, unknown>): number | undefined {
  for (const filter of tagFilters(settings)) {
    if (filter.Key !== INSTANCE_COUNT_TAG) continue;
    const value = filter.Value ?? '';
    const count = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(count >= 0 && count <= MAX_INSTANCES_PER_GROUP)) {
      throw new ApiError(
        'InvalidEC2TagException',
        `The tag filter ${INSTANCE_COUNT_TAG}=${value} must have a whole number from 0 to ` +
          `${MAX_INSTANCES_PER_GROUP} as its value: the number of local instances of this group`,
      );
    }
    return count;
  }
  return undefined;
}

function tagFilters(settings: Record<string, unknown>): Array<{ Key?: string; Value?: string }> {
  const filters: unknown[] = [];
  for (const member of ['ec2TagFilters', 'onPremisesInstanceTagFilters']) {
    const list = settings[member];
    if (Array.isArray(list)) filters.push(...list);
  }
  for (const [setMember, listMember] of [
    ['ec2TagSet', 'ec2TagSetList'],
    ['onPremisesTagSet', 'onPremisesTagSetList'],
  ] as const) {
    const set = settings[setMember] as Record<string, unknown> | undefined;
    const lists = set?.[listMember];
    if (Array.isArray(lists)) for (const list of lists) if (Array.isArray(list)) filters.push(...list);
  }
  return filters.filter((f): f is { Key?: string; Value?: string } => typeof f === 'object' && f !== null);
}
