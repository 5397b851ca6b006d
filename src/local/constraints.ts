import {
  ApplicationRevisionSortBy,
  AutoRollbackEvent,
  BundleType,
  ComputePlatform,
  DeploymentMode,
  DeploymentOption,
  DeploymentReadyAction,
  DeploymentStatus,
  DeploymentType,
  DeploymentWaitType,
  FileExistsBehavior,
  GreenFleetProvisioningAction,
  InstanceAction,
  InstanceStatus,
  _InstanceType as InstanceType,
  LifecycleEventStatus,
  ListStateFilterAction,
  MinimumHealthyHostsPerZoneType,
  MinimumHealthyHostsType,
  OutdatedInstancesStrategy,
  RegistrationStatus,
  RevisionLocationType,
  SortOrder,
  TagFilterType,
  TargetFilterName,
  TrafficRoutingType,
  TriggerEventType,
} from '@aws-sdk/client-codedeploy';

/**
 * What CodeDeploy checks in a request beyond what the SDK's schemas carry (member names, JSON types
 * and required members): enums, lengths, patterns and list sizes, from the API model and from the
 * limits the API reference and the user guide state in prose. Each rule answers with the error the
 * operation declares for it; ValidationException where it declares none, as AWS's JSON services do.
 * validate.ts applies these rules; nothing else in the local CodeDeploy repeats them.
 */
export interface Bounds {
  min?: number;
  max?: number;
}

export interface ValueRule {
  /** String length, in characters. */
  chars?: Bounds;
  pattern?: { regex: RegExp; says: string };
  /** The allowed values: one of the SDK's enum objects. */
  oneOf?: Readonly<Record<string, string>>;
  /** List size. */
  items?: Bounds;
  /** Number range (every number in the CodeDeploy API is a whole number). */
  range?: Bounds;
  /** A rule for each item of a list of strings, or each key of a map. */
  each?: ValueRule;
}

export interface Rule extends ValueRule {
  /** A member name (in any structure of the model) or `Structure.member`. */
  at: string | readonly string[];
  /** Only in these operations: elsewhere the same member breaks with another declared error. */
  in?: readonly string[];
  /** The error a value that breaks the rule answers (ValidationException when the operation declares none). */
  error?: string;
  /** The error a required member answers when it is missing. */
  missing?: string;
  /** Required by the service although the model leaves it optional. */
  required?: true;
  /** Where AWS states the rule. */
  source: string;
}

const API = (page: string) => `https://docs.aws.amazon.com/codedeploy/latest/APIReference/${page}`;
const QUOTAS = 'https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html';
const TAG_GROUPS = 'https://docs.aws.amazon.com/codedeploy/latest/userguide/instances-tagging.html';
const TRIGGERS =
  'https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-sns-event-notifications.html';

/** Application, deployment group and deployment configuration names (quotas: 100 characters, this set). */
const NAME = {
  chars: { min: 1, max: 100 },
  pattern: { regex: /^[A-Za-z0-9.\-_+=,@]+$/, says: 'letters, digits and . _ + = , @ -' },
};
const TAG_KEY = { chars: { min: 1, max: 128 } };
const TAG_VALUE = { chars: { max: 256 } };
/** Tag filters select instances by their EC2 or on-premises tags: the tags' own limits apply. */
const EC2_TAGS = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions';
const GROUP_OPERATIONS = ['CreateDeploymentGroup', 'UpdateDeploymentGroup'];
const TAGGING_OPERATIONS = ['CreateApplication', 'CreateDeploymentGroup', 'TagResource'];
const ON_PREMISES_TAGGING = ['AddTagsToOnPremisesInstances', 'RemoveTagsFromOnPremisesInstances'];

export const RULES: readonly Rule[] = [
  // Names and ids.
  {
    at: ['applicationName', 'newApplicationName'],
    ...NAME,
    error: 'InvalidApplicationNameException',
    missing: 'ApplicationNameRequiredException',
    source: QUOTAS,
  },
  {
    at: 'UpdateApplicationInput.applicationName',
    required: true,
    missing: 'ApplicationNameRequiredException',
    source: API('API_UpdateApplication.html'),
  },
  {
    at: 'applicationNames',
    each: NAME,
    error: 'InvalidApplicationNameException',
    missing: 'ApplicationNameRequiredException',
    source: API('API_BatchGetApplications.html'),
  },
  { at: 'applicationNames', items: { max: 100 }, error: 'BatchLimitExceededException', source: QUOTAS },
  {
    at: ['deploymentGroupName', 'currentDeploymentGroupName', 'newDeploymentGroupName'],
    ...NAME,
    error: 'InvalidDeploymentGroupNameException',
    missing: 'DeploymentGroupNameRequiredException',
    source: QUOTAS,
  },
  {
    // The model leaves it optional (an ECS or Lambda deployment may name its group elsewhere); an
    // EC2/on-premises deployment needs it.
    at: 'CreateDeploymentInput.deploymentGroupName',
    required: true,
    source: API('API_CreateDeployment.html'),
  },
  {
    at: 'deploymentGroupNames',
    each: NAME,
    error: 'InvalidDeploymentGroupNameException',
    missing: 'DeploymentGroupNameRequiredException',
    source: API('API_BatchGetDeploymentGroups.html'),
  },
  { at: 'deploymentGroupNames', items: { max: 100 }, error: 'BatchLimitExceededException', source: QUOTAS },
  {
    at: 'deploymentConfigName',
    ...NAME,
    error: 'InvalidDeploymentConfigNameException',
    missing: 'DeploymentConfigNameRequiredException',
    source: QUOTAS,
  },
  {
    at: 'deploymentId',
    pattern: { regex: /^d-[A-Z0-9]{9}$/, says: 'd- followed by 9 capital letters or digits' },
    error: 'InvalidDeploymentIdException',
    missing: 'DeploymentIdRequiredException',
    source: API('API_GetDeployment.html'),
  },
  {
    at: [
      'ContinueDeploymentInput.deploymentId',
      'SkipWaitTimeForInstanceTerminationInput.deploymentId',
      'PutLifecycleEventHookExecutionStatusInput.deploymentId',
    ],
    required: true,
    source: API('API_ContinueDeployment.html'),
  },
  {
    at: 'deploymentIds',
    each: { pattern: { regex: /^d-[A-Z0-9]{9}$/, says: 'd- followed by 9 capital letters or digits' } },
    error: 'InvalidDeploymentIdException',
    missing: 'DeploymentIdRequiredException',
    source: API('API_BatchGetDeployments.html'),
  },
  {
    at: 'deploymentIds',
    items: { max: 25 },
    error: 'BatchLimitExceededException',
    source: API('API_BatchGetDeployments.html'),
  },
  {
    at: ['targetId', 'targetIds'],
    chars: { min: 1 },
    each: { chars: { min: 1 } },
    error: 'InvalidDeploymentTargetIdException',
    missing: 'DeploymentTargetIdRequiredException',
    source: API('API_BatchGetDeploymentTargets.html'),
  },
  {
    at: 'targetIds',
    items: { min: 1 },
    error: 'DeploymentTargetIdRequiredException',
    source: API('API_BatchGetDeploymentTargets.html'),
  },
  {
    at: 'targetIds',
    items: { max: 25 },
    error: 'DeploymentTargetListSizeExceededException',
    source: API('API_BatchGetDeploymentTargets.html'),
  },
  {
    at: ['instanceId', 'instanceIds'],
    chars: { min: 1 },
    each: { chars: { min: 1 } },
    error: 'InvalidInstanceNameException',
    missing: 'InstanceIdRequiredException',
    source: API('API_BatchGetDeploymentInstances.html'),
  },
  {
    at: 'instanceIds',
    items: { max: 25 },
    error: 'BatchLimitExceededException',
    source: API('API_BatchGetDeploymentInstances.html'),
  },
  {
    at: ['instanceName', 'instanceNames'],
    chars: { min: 1 },
    each: { chars: { min: 1 } },
    error: 'InvalidInstanceNameException',
    missing: 'InstanceNameRequiredException',
    source: API('API_RegisterOnPremisesInstance.html'),
  },
  {
    at: 'BatchGetOnPremisesInstancesInput.instanceNames',
    items: { max: 25 },
    error: 'BatchLimitExceededException',
    source: API('API_BatchGetOnPremisesInstances.html'),
  },
  {
    at: 'serviceRoleArn',
    pattern: {
      regex: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
      says: 'an IAM role ARN, arn:aws:iam::123456789012:role/NAME',
    },
    error: 'InvalidRoleException',
    missing: 'RoleRequiredException',
    source: API('API_CreateDeploymentGroup.html'),
  },
  {
    at: 'iamSessionArn',
    pattern: {
      regex: /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/.+\/.+$/,
      says: 'an IAM session ARN, arn:aws:sts::123456789012:assumed-role/ROLE/SESSION',
    },
    error: 'InvalidIamSessionArnException',
    source: API('API_RegisterOnPremisesInstance.html'),
  },
  {
    at: 'iamUserArn',
    pattern: {
      regex: /^arn:aws[a-z-]*:iam::\d{12}:user\/.+$/,
      says: 'an IAM user ARN, arn:aws:iam::123456789012:user/NAME',
    },
    error: 'InvalidIamUserArnException',
    source: API('API_RegisterOnPremisesInstance.html'),
  },
  {
    at: 'ResourceArn',
    chars: { min: 1, max: 1011 },
    error: 'InvalidArnException',
    missing: 'ResourceArnRequiredException',
    source: API('API_TagResource.html'),
  },
  {
    at: 'description',
    chars: { max: 100 },
    error: 'DescriptionTooLongException',
    source: QUOTAS,
  },
  {
    at: 'computePlatform',
    oneOf: ComputePlatform,
    error: 'InvalidComputePlatformException',
    source: API('API_CreateApplication.html'),
  },

  // Tags of resources and of on-premises instances.
  { at: 'Tags', missing: 'TagRequiredException', source: API('API_TagResource.html') },
  {
    at: 'Tag.Key',
    in: TAGGING_OPERATIONS,
    ...TAG_KEY,
    error: 'InvalidTagsToAddException',
    source: API('API_Tag.html'),
  },
  {
    at: 'Tag.Value',
    in: TAGGING_OPERATIONS,
    ...TAG_VALUE,
    error: 'InvalidTagsToAddException',
    source: API('API_Tag.html'),
  },
  {
    at: 'tags',
    in: ON_PREMISES_TAGGING,
    missing: 'TagRequiredException',
    source: API('API_AddTagsToOnPremisesInstances.html'),
  },
  {
    at: 'Tag.Key',
    in: ON_PREMISES_TAGGING,
    ...TAG_KEY,
    error: 'InvalidTagException',
    source: API('API_Tag.html'),
  },
  {
    at: 'Tag.Value',
    in: ON_PREMISES_TAGGING,
    ...TAG_VALUE,
    error: 'InvalidTagException',
    source: API('API_Tag.html'),
  },
  {
    at: 'TagKeys',
    each: TAG_KEY,
    error: 'InvalidTagsToAddException',
    missing: 'TagRequiredException',
    source: API('API_UntagResource.html'),
  },

  // Instance selection: tag filters, tag sets (10 tags in each of at most 3 tag groups), Auto Scaling.
  {
    at: 'EC2TagFilter.Key',
    in: GROUP_OPERATIONS,
    chars: { max: 128 },
    error: 'InvalidEC2TagException',
    source: EC2_TAGS,
  },
  {
    at: 'EC2TagFilter.Value',
    in: GROUP_OPERATIONS,
    ...TAG_VALUE,
    error: 'InvalidEC2TagException',
    source: EC2_TAGS,
  },
  {
    at: 'EC2TagFilter.Type',
    in: GROUP_OPERATIONS,
    oneOf: TagFilterType,
    error: 'InvalidEC2TagException',
    source: API('API_EC2TagFilter.html'),
  },
  { at: 'ec2TagFilters', items: { max: 10 }, error: 'InvalidEC2TagException', source: TAG_GROUPS },
  {
    at: 'EC2TagSet.ec2TagSetList',
    in: GROUP_OPERATIONS,
    items: { max: 3 },
    error: 'TagSetListLimitExceededException',
    source: API('API_EC2TagSet.html'),
  },
  {
    at: 'EC2TagSet.ec2TagSetList',
    in: GROUP_OPERATIONS,
    each: { items: { max: 10 } },
    error: 'InvalidEC2TagException',
    source: TAG_GROUPS,
  },
  {
    at: 'TagFilter.Key',
    in: GROUP_OPERATIONS,
    chars: { max: 128 },
    error: 'InvalidTagException',
    source: EC2_TAGS,
  },
  {
    at: 'TagFilter.Value',
    in: GROUP_OPERATIONS,
    ...TAG_VALUE,
    error: 'InvalidTagException',
    source: EC2_TAGS,
  },
  {
    at: 'TagFilter.Type',
    in: GROUP_OPERATIONS,
    oneOf: TagFilterType,
    error: 'InvalidTagException',
    source: API('API_TagFilter.html'),
  },
  {
    at: 'onPremisesInstanceTagFilters',
    items: { max: 10 },
    error: 'InvalidTagException',
    source: TAG_GROUPS,
  },
  {
    at: 'OnPremisesTagSet.onPremisesTagSetList',
    items: { max: 3 },
    error: 'TagSetListLimitExceededException',
    source: API('API_OnPremisesTagSet.html'),
  },
  {
    at: 'OnPremisesTagSet.onPremisesTagSetList',
    each: { items: { max: 10 } },
    error: 'InvalidTagException',
    source: TAG_GROUPS,
  },
  {
    at: 'CreateDeploymentGroupInput.autoScalingGroups',
    each: { chars: { min: 1, max: 255 } },
    error: 'InvalidAutoScalingGroupException',
    source: API('API_AutoScalingGroup.html'),
  },
  {
    at: 'UpdateDeploymentGroupInput.autoScalingGroups',
    each: { chars: { min: 1, max: 255 } },
    error: 'InvalidAutoScalingGroupException',
    source: API('API_AutoScalingGroup.html'),
  },

  // The replacement environment of a blue/green deployment (CreateDeployment's targetInstances).
  {
    at: 'EC2TagFilter.Key',
    in: ['CreateDeployment'],
    chars: { max: 128 },
    error: 'InvalidTargetInstancesException',
    source: EC2_TAGS,
  },
  {
    at: 'EC2TagFilter.Value',
    in: ['CreateDeployment'],
    ...TAG_VALUE,
    error: 'InvalidTargetInstancesException',
    source: EC2_TAGS,
  },
  {
    at: 'EC2TagFilter.Type',
    in: ['CreateDeployment'],
    oneOf: TagFilterType,
    error: 'InvalidTargetInstancesException',
    source: API('API_TargetInstances.html'),
  },
  {
    at: 'TargetInstances.tagFilters',
    items: { max: 10 },
    error: 'InvalidTargetInstancesException',
    source: API('API_TargetInstances.html'),
  },
  {
    at: 'EC2TagSet.ec2TagSetList',
    in: ['CreateDeployment'],
    items: { max: 3 },
    each: { items: { max: 10 } },
    error: 'InvalidTargetInstancesException',
    source: API('API_TargetInstances.html'),
  },
  {
    at: 'TargetInstances.autoScalingGroups',
    each: { chars: { min: 1, max: 255 } },
    error: 'InvalidTargetInstancesException',
    source: API('API_TargetInstances.html'),
  },

  // Triggers, alarms, rollback.
  {
    at: 'triggerConfigurations',
    items: { max: 10 },
    error: 'TriggerTargetsLimitExceededException',
    source: TRIGGERS,
  },
  {
    at: 'TriggerConfig.triggerName',
    required: true,
    chars: { min: 1 },
    error: 'InvalidTriggerConfigException',
    missing: 'InvalidTriggerConfigException',
    source: API('API_TriggerConfig.html'),
  },
  {
    at: 'TriggerConfig.triggerTargetArn',
    required: true,
    pattern: {
      regex: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/,
      says: 'an Amazon SNS topic ARN, arn:aws:sns:REGION:123456789012:TOPIC',
    },
    error: 'InvalidTriggerConfigException',
    missing: 'InvalidTriggerConfigException',
    source: TRIGGERS,
  },
  {
    at: 'TriggerConfig.triggerEvents',
    required: true,
    items: { min: 1 },
    each: { oneOf: TriggerEventType },
    error: 'InvalidTriggerConfigException',
    missing: 'InvalidTriggerConfigException',
    source: API('API_TriggerConfig.html'),
  },
  {
    at: 'AlarmConfiguration.alarms',
    items: { max: 10 },
    error: 'AlarmsLimitExceededException',
    source: API('API_AlarmConfiguration.html'),
  },
  {
    at: 'Alarm.name',
    required: true,
    chars: { min: 1, max: 255 },
    error: 'InvalidAlarmConfigException',
    missing: 'InvalidAlarmConfigException',
    source: API('API_Alarm.html'),
  },
  {
    at: 'AutoRollbackConfiguration.events',
    each: { oneOf: AutoRollbackEvent },
    error: 'InvalidAutoRollbackConfigException',
    source: API('API_AutoRollbackConfiguration.html'),
  },
  {
    at: 'outdatedInstancesStrategy',
    oneOf: OutdatedInstancesStrategy,
    error: 'InvalidInputException',
    source: API('API_CreateDeploymentGroup.html'),
  },

  // Deployment style, blue/green, load balancing (10 ELBs, 10 target groups, 1 target group pair).
  {
    at: 'DeploymentStyle.deploymentType',
    oneOf: DeploymentType,
    error: 'InvalidDeploymentStyleException',
    source: API('API_DeploymentStyle.html'),
  },
  {
    at: 'DeploymentStyle.deploymentOption',
    oneOf: DeploymentOption,
    error: 'InvalidDeploymentStyleException',
    source: API('API_DeploymentStyle.html'),
  },
  {
    at: 'BlueInstanceTerminationOption.action',
    oneOf: InstanceAction,
    error: 'InvalidBlueGreenDeploymentConfigurationException',
    source: API('API_BlueInstanceTerminationOption.html'),
  },
  {
    // 2880 minutes: the 48 hours the quotas allow between a deployment's end and the termination.
    at: 'BlueInstanceTerminationOption.terminationWaitTimeInMinutes',
    range: { min: 0, max: 2880 },
    error: 'InvalidBlueGreenDeploymentConfigurationException',
    source: QUOTAS,
  },
  {
    at: 'DeploymentReadyOption.actionOnTimeout',
    oneOf: DeploymentReadyAction,
    error: 'InvalidBlueGreenDeploymentConfigurationException',
    source: API('API_DeploymentReadyOption.html'),
  },
  {
    // 2880 minutes: the 48 hours the quotas allow between the deployment and the traffic shift.
    at: 'DeploymentReadyOption.waitTimeInMinutes',
    range: { min: 0, max: 2880 },
    error: 'InvalidBlueGreenDeploymentConfigurationException',
    source: QUOTAS,
  },
  {
    at: 'GreenFleetProvisioningOption.action',
    oneOf: GreenFleetProvisioningAction,
    error: 'InvalidBlueGreenDeploymentConfigurationException',
    source: API('API_GreenFleetProvisioningOption.html'),
  },
  {
    at: ['LoadBalancerInfo.elbInfoList', 'LoadBalancerInfo.targetGroupInfoList'],
    items: { max: 10 },
    error: 'InvalidLoadBalancerInfoException',
    source: API('API_LoadBalancerInfo.html'),
  },
  {
    at: ['ELBInfo.name', 'TargetGroupInfo.name'],
    in: GROUP_OPERATIONS,
    chars: { min: 1 },
    error: 'InvalidLoadBalancerInfoException',
    source: API('API_LoadBalancerInfo.html'),
  },
  {
    at: 'LoadBalancerInfo.targetGroupPairInfoList',
    items: { max: 1 },
    error: 'InvalidTargetGroupPairException',
    source: API('API_LoadBalancerInfo.html'),
  },
  {
    at: 'TargetGroupPairInfo.targetGroups',
    items: { max: 2 },
    error: 'InvalidTargetGroupPairException',
    source: API('API_TargetGroupPairInfo.html'),
  },
  {
    at: 'TrafficRoute.listenerArns',
    items: { max: 1 },
    error: 'InvalidTargetGroupPairException',
    source: API('API_TrafficRoute.html'),
  },

  // Deployments and revisions.
  {
    at: 'RevisionLocation.revisionType',
    oneOf: RevisionLocationType,
    error: 'InvalidRevisionException',
    source: API('API_RevisionLocation.html'),
  },
  {
    at: 'S3Location.bundleType',
    oneOf: BundleType,
    error: 'InvalidRevisionException',
    source: API('API_S3Location.html'),
  },
  {
    at: 'revisions',
    items: { max: 25 },
    error: 'BatchLimitExceededException',
    missing: 'RevisionRequiredException',
    source: API('API_BatchGetApplicationRevisions.html'),
  },
  { at: 'revision', missing: 'RevisionRequiredException', source: API('API_GetApplicationRevision.html') },
  {
    at: 'CreateDeploymentInput.deploymentMode',
    oneOf: DeploymentMode,
    error: 'InvalidInputException',
    source: API('API_CreateDeployment.html'),
  },
  {
    at: 'fileExistsBehavior',
    oneOf: FileExistsBehavior,
    error: 'InvalidFileExistsBehaviorException',
    source: API('API_CreateDeployment.html'),
  },
  {
    at: 'deploymentWaitType',
    oneOf: DeploymentWaitType,
    error: 'InvalidDeploymentWaitTypeException',
    source: API('API_ContinueDeployment.html'),
  },

  // Deployment configurations.
  {
    at: 'MinimumHealthyHosts.type',
    oneOf: MinimumHealthyHostsType,
    error: 'InvalidMinimumHealthyHostValueException',
    source: API('API_MinimumHealthyHosts.html'),
  },
  {
    at: 'MinimumHealthyHosts.value',
    range: { min: 0 },
    error: 'InvalidMinimumHealthyHostValueException',
    source: API('API_MinimumHealthyHosts.html'),
  },
  {
    at: 'TrafficRoutingConfig.type',
    oneOf: TrafficRoutingType,
    error: 'InvalidTrafficRoutingConfigurationException',
    source: API('API_TrafficRoutingConfig.html'),
  },
  {
    at: ['TimeBasedCanary.canaryPercentage', 'TimeBasedLinear.linearPercentage'],
    range: { min: 0, max: 100 },
    error: 'InvalidTrafficRoutingConfigurationException',
    source: API('API_TimeBasedCanary.html'),
  },
  {
    at: ['TimeBasedCanary.canaryInterval', 'TimeBasedLinear.linearInterval'],
    range: { min: 0 },
    error: 'InvalidTrafficRoutingConfigurationException',
    source: API('API_TimeBasedLinear.html'),
  },
  {
    at: 'MinimumHealthyHostsPerZone.type',
    oneOf: MinimumHealthyHostsPerZoneType,
    error: 'InvalidZonalDeploymentConfigurationException',
    source: API('API_MinimumHealthyHostsPerZone.html'),
  },
  {
    at: [
      'MinimumHealthyHostsPerZone.value',
      'ZonalConfig.firstZoneMonitorDurationInSeconds',
      'ZonalConfig.monitorDurationInSeconds',
    ],
    range: { min: 0 },
    error: 'InvalidZonalDeploymentConfigurationException',
    source: API('API_ZonalConfig.html'),
  },

  // List filters.
  {
    at: 'sortBy',
    oneOf: ApplicationRevisionSortBy,
    error: 'InvalidSortByException',
    source: API('API_ListApplicationRevisions.html'),
  },
  {
    at: 'sortOrder',
    oneOf: SortOrder,
    error: 'InvalidSortOrderException',
    source: API('API_ListApplicationRevisions.html'),
  },
  {
    at: 'deployed',
    oneOf: ListStateFilterAction,
    error: 'InvalidDeployedStateFilterException',
    source: API('API_ListApplicationRevisions.html'),
  },
  {
    at: 's3Bucket',
    chars: { min: 3, max: 63 },
    pattern: {
      regex: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
      says: 'an S3 bucket name: lowercase letters, digits, . and -',
    },
    error: 'InvalidBucketNameFilterException',
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
  },
  {
    at: 's3KeyPrefix',
    chars: { max: 1024 },
    error: 'InvalidKeyPrefixFilterException',
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html',
  },
  {
    at: 'includeOnlyStatuses',
    each: { oneOf: DeploymentStatus },
    error: 'InvalidDeploymentStatusException',
    source: API('API_ListDeployments.html'),
  },
  {
    at: 'instanceStatusFilter',
    each: { oneOf: InstanceStatus },
    error: 'InvalidInstanceStatusException',
    source: API('API_ListDeploymentInstances.html'),
  },
  {
    at: 'instanceTypeFilter',
    each: { oneOf: InstanceType },
    error: 'InvalidInstanceTypeException',
    source: API('API_ListDeploymentInstances.html'),
  },
  {
    at: 'targetFilters',
    each: { oneOf: TargetFilterName },
    error: 'InvalidTargetFilterNameException',
    source: API('API_ListDeploymentTargets.html'),
  },
  {
    at: 'registrationStatus',
    oneOf: RegistrationStatus,
    error: 'InvalidRegistrationStatusException',
    source: API('API_ListOnPremisesInstances.html'),
  },
  {
    at: 'TagFilter.Key',
    in: ['ListOnPremisesInstances'],
    chars: { max: 128 },
    error: 'InvalidTagFilterException',
    source: EC2_TAGS,
  },
  {
    at: 'TagFilter.Value',
    in: ['ListOnPremisesInstances'],
    ...TAG_VALUE,
    error: 'InvalidTagFilterException',
    source: EC2_TAGS,
  },
  {
    at: 'TagFilter.Type',
    in: ['ListOnPremisesInstances'],
    oneOf: TagFilterType,
    error: 'InvalidTagFilterException',
    source: API('API_TagFilter.html'),
  },
  {
    at: 'PutLifecycleEventHookExecutionStatusInput.status',
    oneOf: LifecycleEventStatus,
    error: 'InvalidLifecycleEventHookExecutionStatusException',
    source: API('API_PutLifecycleEventHookExecutionStatus.html'),
  },
];

/** The rules for one member of one structure in one operation, the specific ones first. */
export function rulesFor(
  operation: string,
  structure: string,
  member: string,
  rules: readonly Rule[] = RULES,
): Rule[] {
  const specific = `${structure}.${member}`;
  const applies = (rule: Rule, where: string) =>
    (typeof rule.at === 'string' ? rule.at === where : rule.at.includes(where)) &&
    (rule.in === undefined || rule.in.includes(operation));
  return [
    ...rules.filter((rule) => applies(rule, specific)),
    ...rules.filter((rule) => applies(rule, member)),
  ];
}
