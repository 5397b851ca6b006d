import type {
  AlarmConfiguration,
  AutoRollbackConfiguration,
  CreateDeploymentGroupInput,
} from '@aws-sdk/client-codedeploy';
import { taggedInstanceCount } from '../instances.js';
import { ApiError } from '../wire.js';

/**
 * The rules that tie members together, which no per-member constraint can say: CodeDeploy's, and
 * the local CodeDeploy's own where it says so (blue/green needs its router). Pure checks.
 */
export type GroupSettings = Omit<
  CreateDeploymentGroupInput,
  'applicationName' | 'deploymentGroupName' | 'deploymentConfigName' | 'serviceRoleArn' | 'tags'
>;

/** An alarm configuration that is on names at least one alarm, each once. */
export function checkAlarms(config: AlarmConfiguration | undefined): void {
  if (!config) return;
  const names = (config.alarms ?? []).map((alarm) => alarm.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new ApiError(
      'InvalidAlarmConfigException',
      `The alarm ${repeated} is listed twice: name each alarm once`,
    );
  }
  if (config.enabled && names.length === 0) {
    throw new ApiError(
      'InvalidAlarmConfigException',
      'The alarm configuration is enabled but lists no alarms: add alarms, or set enabled to false',
    );
  }
}

/** Automatic rollback that is on says on which events. */
export function checkAutoRollback(config: AutoRollbackConfiguration | undefined): void {
  if (config?.enabled && (config.events ?? []).length === 0) {
    throw new ApiError(
      'InvalidAutoRollbackConfigException',
      'The automatic rollback configuration is enabled but lists no events: add one or more of ' +
        'DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST',
    );
  }
}

/** A tag set selects by tags only when one of its tag groups has one. */
function hasTags(tagGroups: ReadonlyArray<readonly unknown[]> | undefined): boolean {
  return (tagGroups ?? []).some((tagGroup) => tagGroup.length > 0);
}

/** A deployment group's settings, as they stand after CreateDeploymentGroup or UpdateDeploymentGroup. */
export function checkGroupSettings(settings: GroupSettings): void {
  // An empty tag set beside tag filters selects nothing more: only two non-empty ones conflict.
  if ((settings.ec2TagFilters ?? []).length > 0 && hasTags(settings.ec2TagSet?.ec2TagSetList)) {
    throw new ApiError(
      'InvalidEC2TagCombinationException',
      'Use ec2TagFilters or ec2TagSet, not both: move the tag filters into a tag group of ec2TagSet',
    );
  }
  if (
    (settings.onPremisesInstanceTagFilters ?? []).length > 0 &&
    hasTags(settings.onPremisesTagSet?.onPremisesTagSetList)
  ) {
    throw new ApiError(
      'InvalidOnPremisesTagCombinationException',
      'Use onPremisesInstanceTagFilters or onPremisesTagSet, not both',
    );
  }
  taggedInstanceCount(settings as Record<string, unknown>);
  checkAlarms(settings.alarmConfiguration);
  checkAutoRollback(settings.autoRollbackConfiguration);
  const style = settings.deploymentStyle;
  const withTraffic = style?.deploymentOption === 'WITH_TRAFFIC_CONTROL';
  if (style?.deploymentType === 'BLUE_GREEN' && !withTraffic) {
    throw new ApiError(
      'InvalidDeploymentStyleException',
      'A BLUE_GREEN deployment group reroutes traffic from the original instances to the replacement ones ' +
        'through a load balancer: set deploymentOption WITH_TRAFFIC_CONTROL and loadBalancerInfo (locally, the ' +
        "group's router plays the load balancer; any target group name will do)",
    );
  }
  const balancer = settings.loadBalancerInfo;
  const hasBalancer = [
    balancer?.elbInfoList,
    balancer?.targetGroupInfoList,
    balancer?.targetGroupPairInfoList,
  ].some((list) => (list ?? []).length > 0);
  if (withTraffic && !hasBalancer) {
    throw new ApiError(
      'InvalidLoadBalancerInfoException',
      'The specification for load balancing in the deployment group is invalid. The deploymentOption value is set ' +
        'to WITH_TRAFFIC_CONTROL, but either no load balancer was specified in elbInfoList or no target group was ' +
        'specified in targetGroupInfoList.',
    );
  }
}
