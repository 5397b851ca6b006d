import type {
  ApplicationRecord,
  DeploymentConfigRecord,
  DeploymentGroupRecord,
  DeploymentRecord,
  InstanceTargetRecord,
  LifecycleEventRecord,
  OnPremisesInstanceRecord,
  RegisteredRevision,
} from './records.js';
import type { State } from './store.js';
import { epochSeconds } from './wire.js';

/** Records → the response shapes of the CodeDeploy API model (timestamps in epoch seconds). */

export function applicationInfo(app: ApplicationRecord) {
  return {
    applicationId: app.applicationId,
    applicationName: app.applicationName,
    createTime: epochSeconds(app.createTime),
    linkedToGitHub: false,
    computePlatform: app.computePlatform,
  };
}

/** What GetDeploymentGroup answers for settings a group was never given, as CodeDeploy does. */
const GROUP_DEFAULTS = {
  ec2TagFilters: [],
  onPremisesInstanceTagFilters: [],
  autoScalingGroups: [],
  triggerConfigurations: [],
  alarmConfiguration: { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
  autoRollbackConfiguration: { enabled: false },
  deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
  outdatedInstancesStrategy: 'UPDATE',
  ec2TagSet: { ec2TagSetList: [] },
  onPremisesTagSet: { onPremisesTagSetList: [] },
  terminationHookEnabled: false,
};

export function groupInfo(state: State, group: DeploymentGroupRecord) {
  const { autoScalingGroups, ...settings } = group.settings;
  // CodeDeploy names the lifecycle hooks it adds to each Auto Scaling group after the group.
  const hookSuffix = `${group.deploymentGroupName}-${group.deploymentGroupId}`;
  const terminationHook = settings.terminationHookEnabled === true;
  return {
    applicationName: group.applicationName,
    deploymentGroupId: group.deploymentGroupId,
    deploymentGroupName: group.deploymentGroupName,
    deploymentConfigName: group.deploymentConfigName,
    serviceRoleArn: group.serviceRoleArn,
    computePlatform: group.computePlatform,
    ...GROUP_DEFAULTS,
    ...settings,
    // Given as names, returned as AutoScalingGroup structures with their hooks.
    ...(Array.isArray(autoScalingGroups)
      ? {
          autoScalingGroups: autoScalingGroups.map((name) => ({
            name,
            hook: `CodeDeploy-managed-automatic-launch-deployment-hook-${hookSuffix}`,
            ...(terminationHook
              ? { terminationHook: `CodeDeploy-managed-termination-hook-${hookSuffix}` }
              : {}),
          })),
        }
      : {}),
    ...(group.targetRevision ? { targetRevision: group.targetRevision } : {}),
    ...lastDeployment(state, 'lastSuccessfulDeployment', group.lastSuccessfulDeploymentId),
    ...lastDeployment(state, 'lastAttemptedDeployment', group.lastAttemptedDeploymentId),
  };
}

function lastDeployment(state: State, member: string, deploymentId: string | undefined) {
  const record = deploymentId ? state.deployments.get(deploymentId) : undefined;
  if (!record) return {};
  return {
    [member]: {
      deploymentId: record.deploymentId,
      status: record.status,
      ...(record.completeTime !== undefined ? { endTime: epochSeconds(record.completeTime) } : {}),
      createTime: epochSeconds(record.createTime),
    },
  };
}

export function deploymentOverview(record: DeploymentRecord) {
  const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  for (const target of record.targets ?? []) {
    if (target.status in overview) overview[target.status as keyof typeof overview] += 1;
  }
  return overview;
}

export function deploymentInfo(record: DeploymentRecord) {
  return {
    applicationName: record.applicationName,
    deploymentGroupName: record.deploymentGroupName,
    deploymentConfigName: record.deploymentConfigName,
    deploymentId: record.deploymentId,
    ...(record.previousRevision ? { previousRevision: record.previousRevision } : {}),
    revision: record.revision,
    status: record.status,
    ...(record.errorInformation ? { errorInformation: record.errorInformation } : {}),
    createTime: epochSeconds(record.createTime),
    ...(record.startTime !== undefined ? { startTime: epochSeconds(record.startTime) } : {}),
    ...(record.completeTime !== undefined ? { completeTime: epochSeconds(record.completeTime) } : {}),
    deploymentOverview: deploymentOverview(record),
    ...(record.description !== undefined ? { description: record.description } : {}),
    creator: record.creator,
    ignoreApplicationStopFailures: record.ignoreApplicationStopFailures,
    autoRollbackConfiguration: record.autoRollbackConfiguration ?? { enabled: false },
    updateOutdatedInstancesOnly: record.updateOutdatedInstancesOnly ?? false,
    ...(record.deploymentMode ? { deploymentMode: record.deploymentMode } : {}),
    ...(record.rollbackInfo ? { rollbackInfo: record.rollbackInfo } : {}),
    deploymentStyle: record.deploymentStyle ?? GROUP_DEFAULTS.deploymentStyle,
    ...(record.targetInstances ? { targetInstances: record.targetInstances } : {}),
    instanceTerminationWaitTimeStarted: record.terminationWaitStartedAt !== undefined,
    ...(record.blueGreenDeploymentConfiguration
      ? { blueGreenDeploymentConfiguration: record.blueGreenDeploymentConfiguration }
      : {}),
    ...(record.loadBalancerInfo ? { loadBalancerInfo: record.loadBalancerInfo } : {}),
    fileExistsBehavior: record.fileExistsBehavior,
    deploymentStatusMessages: [],
    computePlatform: 'Server',
    ...(record.overrideAlarmConfiguration
      ? { overrideAlarmConfiguration: record.overrideAlarmConfiguration }
      : {}),
  };
}

function lifecycleEvent(event: LifecycleEventRecord) {
  return {
    lifecycleEventName: event.lifecycleEventName,
    ...(event.diagnostics ? { diagnostics: event.diagnostics } : {}),
    ...(event.startTime !== undefined ? { startTime: epochSeconds(event.startTime) } : {}),
    ...(event.endTime !== undefined ? { endTime: epochSeconds(event.endTime) } : {}),
    status: event.status,
  };
}

export function deploymentTarget(record: DeploymentRecord, target: InstanceTargetRecord) {
  return {
    deploymentTargetType: 'InstanceTarget',
    instanceTarget: {
      deploymentId: record.deploymentId,
      targetId: target.targetId,
      targetArn: target.targetArn,
      status: target.status,
      lastUpdatedAt: epochSeconds(target.lastUpdatedAt),
      lifecycleEvents: target.lifecycleEvents.map(lifecycleEvent),
      ...(target.instanceLabel ? { instanceLabel: target.instanceLabel } : {}),
    },
  };
}

export function instanceSummary(record: DeploymentRecord, target: InstanceTargetRecord) {
  return {
    deploymentId: record.deploymentId,
    instanceId: target.targetId,
    status: target.status,
    lastUpdatedAt: epochSeconds(target.lastUpdatedAt),
    lifecycleEvents: target.lifecycleEvents.map(lifecycleEvent),
    ...(target.instanceLabel ? { instanceType: target.instanceLabel } : {}),
  };
}

export function configInfo(config: DeploymentConfigRecord) {
  return {
    deploymentConfigId: config.deploymentConfigId,
    deploymentConfigName: config.deploymentConfigName,
    minimumHealthyHosts: config.minimumHealthyHosts,
    createTime: epochSeconds(config.createTime),
    computePlatform: config.computePlatform,
    ...(config.trafficRoutingConfig ? { trafficRoutingConfig: config.trafficRoutingConfig } : {}),
    ...(config.zonalConfig ? { zonalConfig: config.zonalConfig } : {}),
  };
}

export function onPremisesInstanceInfo(instance: OnPremisesInstanceRecord) {
  return {
    instanceName: instance.instanceName,
    ...(instance.iamSessionArn !== undefined ? { iamSessionArn: instance.iamSessionArn } : {}),
    ...(instance.iamUserArn !== undefined ? { iamUserArn: instance.iamUserArn } : {}),
    instanceArn: instance.instanceArn,
    registerTime: epochSeconds(instance.registerTime),
    ...(instance.deregisterTime !== undefined
      ? { deregisterTime: epochSeconds(instance.deregisterTime) }
      : {}),
    tags: instance.tags,
  };
}

export function revisionInfo(entry: RegisteredRevision) {
  return {
    ...(entry.description !== undefined ? { description: entry.description } : {}),
    deploymentGroups: entry.deploymentGroups,
    ...(entry.firstUsedTime !== undefined ? { firstUsedTime: epochSeconds(entry.firstUsedTime) } : {}),
    ...(entry.lastUsedTime !== undefined ? { lastUsedTime: epochSeconds(entry.lastUsedTime) } : {}),
    registerTime: epochSeconds(entry.registerTime),
  };
}
