import { randomUUID } from 'node:crypto';
import { createDeploymentRecord, sameRevision } from './deployments.js';
import type { Engine } from './engine.js';
import type { Fleets } from './fleets.js';
import { DEFAULT_CONFIG_NAME, isBuiltInConfigName } from './health.js';
import { taggedInstanceCount } from './instances.js';
import { isBlueGreen } from './lifecycle.js';
import {
  ACTIVE_STATUSES,
  type ApplicationRecord,
  type AutoRollbackConfiguration,
  DEPLOYMENT_STATUSES,
  type DeploymentConfigRecord,
  type DeploymentGroupRecord,
  type DeploymentRecord,
  type DeploymentStatus,
  type FileExistsBehavior,
  type InstanceTargetRecord,
  type RevisionLocation,
  TERMINAL_STATUSES,
} from './model.js';
import { paginate } from './pagination.js';
import {
  applicationInfo,
  configInfo,
  deploymentInfo,
  deploymentTarget,
  groupInfo,
  instanceSummary,
  revisionInfo,
} from './shapes.js';
import { groupKey, type Store } from './store.js';
import {
  applicationName,
  checkDeploymentId,
  checkName,
  groupName,
  type Input,
  optionalBoolean,
  optionalConfigName,
  optionalEnum,
  optionalList,
  optionalObject,
  optionalString,
  optionalTimestamp,
  deploymentId as readDeploymentId,
  requiredString,
  stringList,
} from './validate.js';
import { ApiError, type Operation } from './wire.js';

/**
 * The CodeDeploy operations: validation, errors and response shapes as the botocore model and the
 * real service define them. State changes are persisted before the response is sent.
 */
export interface ServiceContext {
  store: Store;
  engine: Engine;
  /** Each deployment group has a local router from its creation to its deletion. */
  fleets: Fleets;
  now: () => number;
  newDeploymentId: () => string;
  pageSize: number;
}

const BATCH_LIMIT = 25;
const NAME_BATCH_LIMIT = 100;
const DESCRIPTION_LIMIT = 100;

/** Settable deployment group members kept verbatim (returned by GetDeploymentGroup as given). */
const GROUP_SETTINGS = [
  'ec2TagFilters',
  'onPremisesInstanceTagFilters',
  'autoScalingGroups',
  'triggerConfigurations',
  'alarmConfiguration',
  'autoRollbackConfiguration',
  'outdatedInstancesStrategy',
  'deploymentStyle',
  'blueGreenDeploymentConfiguration',
  'loadBalancerInfo',
  'ec2TagSet',
  'ecsServices',
  'onPremisesTagSet',
  'terminationHookEnabled',
] as const;

const ROLLBACK_EVENTS = ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'];
const TARGET_STATUSES = [
  'Pending',
  'InProgress',
  'Succeeded',
  'Failed',
  'Skipped',
  'Unknown',
  'Ready',
] as const;

export function createOperations(ctx: ServiceContext): Record<string, Operation> {
  const { store, engine, fleets, now } = ctx;
  const state = store.state;

  /**
   * One page of a List operation, as CodeDeploy answers it: `{ [member]: items, nextToken? }`. Items
   * are shown as their key unless `render` says otherwise.
   */
  const listPage = <T>(
    input: Input,
    member: string,
    items: readonly T[],
    keyOf: (item: T) => string,
    scope: string,
    render: (item: T) => unknown = keyOf,
  ) => {
    const page = paginate(items, keyOf, optionalString(input, 'nextToken'), ctx.pageSize, scope);
    return { [member]: page.items.map(render), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  };

  // ---- lookups -------------------------------------------------------------------------------

  const getApp = (name: string): ApplicationRecord => {
    const app = state.applications.get(name);
    if (!app)
      throw new ApiError('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return app;
  };
  const getGroup = (app: string, name: string): DeploymentGroupRecord => {
    const group = state.groups.get(groupKey(app, name));
    if (!group) {
      throw new ApiError(
        'DeploymentGroupDoesNotExistException',
        `No Deployment Group found for name: ${name} in application ${app}`,
      );
    }
    return group;
  };
  const getConfig = (name: string): DeploymentConfigRecord => {
    const config = state.configs.get(name);
    if (!config)
      throw new ApiError(
        'DeploymentConfigDoesNotExistException',
        `No deployment configuration found for name: ${name}`,
      );
    return config;
  };
  const getDeployment = (input: Input): DeploymentRecord => {
    const id = readDeploymentId(input);
    const record = state.deployments.get(id);
    if (!record)
      throw new ApiError('DeploymentDoesNotExistException', `The deployment ${id} could not be found`);
    return record;
  };
  const startedTargets = (record: DeploymentRecord): InstanceTargetRecord[] => {
    if (!record.targets) {
      throw new ApiError(
        'DeploymentNotStartedException',
        `The deployment ${record.deploymentId} has not started yet: its instances are not assigned. Retry shortly.`,
      );
    }
    return record.targets;
  };
  const startedTarget = (record: DeploymentRecord, id: string): InstanceTargetRecord => {
    const target = startedTargets(record).find((t) => t.targetId === id);
    if (!target) {
      throw new ApiError(
        'DeploymentTargetDoesNotExistException',
        `The target ${id} is not part of deployment ${record.deploymentId}`,
      );
    }
    return target;
  };
  const groupsOf = (app: string) =>
    [...state.groups.values()]
      .filter((g) => g.applicationName === app)
      .sort((a, b) => a.deploymentGroupName.localeCompare(b.deploymentGroupName));

  // ---- validation of structures ---------------------------------------------------------------

  const autoRollback = (input: Input): AutoRollbackConfiguration | undefined => {
    const config = optionalObject(input, 'autoRollbackConfiguration', 'InvalidAutoRollbackConfigException');
    if (!config) return undefined;
    const enabled = optionalBoolean(config, 'enabled', 'InvalidAutoRollbackConfigException') ?? false;
    const events = (optionalList(config, 'events', 'InvalidAutoRollbackConfigException') ?? []).map(String);
    const unknown = events.filter((e) => !ROLLBACK_EVENTS.includes(e));
    if (unknown.length > 0 || (enabled && events.length === 0)) {
      throw new ApiError(
        'InvalidAutoRollbackConfigException',
        `The automatic rollback configuration was specified in an invalid format: enable it with one or more of ` +
          `${ROLLBACK_EVENTS.join(', ')}${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}`,
      );
    }
    return { enabled, events };
  };

  const revisionLocation = (input: Input, member = 'revision'): RevisionLocation | undefined => {
    const revision = optionalObject(input, member, 'InvalidRevisionException');
    if (!revision) return undefined;
    const type = optionalString(revision, 'revisionType');
    if (type !== 'S3') {
      throw new ApiError(
        'InvalidRevisionException',
        type === undefined
          ? 'The revision needs a revisionType'
          : `The local CodeDeploy deploys S3 revisions only (revisionType ${type} is not supported)`,
      );
    }
    const s3 = optionalObject(revision, 's3Location', 'InvalidRevisionException');
    const bucket = s3 && optionalString(s3, 'bucket');
    const key = s3 && optionalString(s3, 'key');
    if (!s3 || !bucket || !key) {
      throw new ApiError(
        'InvalidRevisionException',
        'An S3 revision needs s3Location with a bucket and a key',
      );
    }
    const bundleType = optionalString(s3, 'bundleType');
    if (bundleType !== 'zip' && bundleType !== 'tar' && bundleType !== 'tgz') {
      throw new ApiError(
        'InvalidRevisionException',
        `The revision's bundleType must be zip, tar or tgz for EC2/on-premises deployments (got ${bundleType ?? 'none'})`,
      );
    }
    const version = optionalString(s3, 'version');
    const eTag = optionalString(s3, 'eTag');
    return {
      revisionType: 'S3',
      s3Location: { bucket, key, bundleType, ...(version ? { version } : {}), ...(eTag ? { eTag } : {}) },
    };
  };

  const groupSettings = (input: Input, previous: Record<string, unknown>): Record<string, unknown> => {
    const settings: Record<string, unknown> = { ...previous };
    for (const member of GROUP_SETTINGS)
      if (input[member] !== undefined && input[member] !== null) settings[member] = input[member];
    const rollback = autoRollback(input);
    if (rollback) settings.autoRollbackConfiguration = rollback;
    const hasItems = (member: string) => {
      const value = settings[member];
      if (Array.isArray(value)) return value.length > 0;
      return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
    };
    if (hasItems('ec2TagFilters') && hasItems('ec2TagSet')) {
      throw new ApiError('InvalidEC2TagCombinationException', 'Use ec2TagFilters or ec2TagSet, not both');
    }
    if (hasItems('onPremisesInstanceTagFilters') && hasItems('onPremisesTagSet')) {
      throw new ApiError(
        'InvalidOnPremisesTagCombinationException',
        'Use onPremisesInstanceTagFilters or onPremisesTagSet, not both',
      );
    }
    for (const filter of Array.isArray(settings.ec2TagFilters) ? settings.ec2TagFilters : []) {
      const type = (filter as Input)?.Type;
      if (type !== undefined && type !== 'KEY_ONLY' && type !== 'VALUE_ONLY' && type !== 'KEY_AND_VALUE') {
        throw new ApiError(
          'InvalidEC2TagException',
          `The tag filter type ${String(type)} is invalid: KEY_ONLY, VALUE_ONLY or KEY_AND_VALUE`,
        );
      }
    }
    taggedInstanceCount(settings);
    const style = settings.deploymentStyle as Input | undefined;
    let withTraffic = false;
    if (style !== undefined) {
      if (typeof style !== 'object' || style === null)
        throw new ApiError('InvalidDeploymentStyleException', 'deploymentStyle must be an object');
      const type = optionalEnum(
        style,
        'deploymentType',
        ['IN_PLACE', 'BLUE_GREEN'],
        'InvalidDeploymentStyleException',
      );
      withTraffic =
        optionalEnum(
          style,
          'deploymentOption',
          ['WITH_TRAFFIC_CONTROL', 'WITHOUT_TRAFFIC_CONTROL'],
          'InvalidDeploymentStyleException',
        ) === 'WITH_TRAFFIC_CONTROL';
      if (type === 'BLUE_GREEN' && !withTraffic) {
        throw new ApiError(
          'InvalidDeploymentStyleException',
          'A BLUE_GREEN deployment group reroutes traffic from the original instances to the replacement ones ' +
            'through a load balancer: set deploymentOption WITH_TRAFFIC_CONTROL and loadBalancerInfo (locally, the ' +
            "group's router plays the load balancer; any target group name will do)",
        );
      }
    }
    if (withTraffic && !hasLoadBalancer(settings.loadBalancerInfo)) {
      throw new ApiError(
        'InvalidLoadBalancerInfoException',
        'The specification for load balancing in the deployment group is invalid. The deploymentOption value is set ' +
          'to WITH_TRAFFIC_CONTROL, but either no load balancer was specified in elbInfoList or no target group was ' +
          'specified in targetGroupInfoList.',
      );
    }
    checkBlueGreenConfiguration(settings.blueGreenDeploymentConfiguration);
    return settings;
  };

  const serviceRole = (input: Input, required: boolean): string | undefined => {
    const role = optionalString(input, 'serviceRoleArn');
    if (role === undefined || role === '') {
      if (required) {
        throw new ApiError(
          'RoleRequiredException',
          'A service role ARN (serviceRoleArn) is required to create a deployment group',
        );
      }
      return undefined;
    }
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(role)) {
      throw new ApiError(
        'InvalidRoleException',
        `The service role ARN ${role} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)`,
      );
    }
    return role;
  };

  const saveAll = async (...parts: Array<'applications' | 'groups' | 'configs'>) => {
    await Promise.all(parts.map((p) => store.saveCollection(p)));
  };

  // ---- operations ------------------------------------------------------------------------------

  return {
    async CreateApplication(input) {
      const name = applicationName(input);
      const computePlatform =
        optionalEnum(
          input,
          'computePlatform',
          ['Server', 'Lambda', 'ECS'],
          'InvalidComputePlatformException',
        ) ?? 'Server';
      if (state.applications.has(name)) {
        throw new ApiError('ApplicationAlreadyExistsException', `${name} already exists in your account`);
      }
      const app: ApplicationRecord = {
        applicationId: randomUUID(),
        applicationName: name,
        createTime: now(),
        computePlatform,
        revisions: [],
      };
      state.applications.set(name, app);
      await saveAll('applications');
      return { applicationId: app.applicationId };
    },

    async GetApplication(input) {
      return { application: applicationInfo(getApp(applicationName(input))) };
    },

    async BatchGetApplications(input) {
      const names = stringList(input, 'applicationNames', 'ApplicationNameRequiredException');
      if (names.length > NAME_BATCH_LIMIT) {
        throw new ApiError(
          'BatchLimitExceededException',
          `At most ${NAME_BATCH_LIMIT} application names per call`,
        );
      }
      return {
        applicationsInfo: names.map((name) =>
          applicationInfo(getApp(checkName(name, 'InvalidApplicationNameException', 'application'))),
        ),
      };
    },

    async ListApplications(input) {
      const names = [...state.applications.keys()].sort();
      return listPage(input, 'applications', names, (n) => n, 'applications');
    },

    async DeleteApplication(input) {
      const name = applicationName(input);
      state.applications.delete(name);
      const groups = groupsOf(name);
      for (const group of groups) state.groups.delete(groupKey(name, group.deploymentGroupName));
      await saveAll('applications', 'groups');
      for (const group of groups) await fleets.closeRouter(group.deploymentGroupId);
      return {};
    },

    async CreateDeploymentGroup(input) {
      const app = getApp(applicationName(input));
      const name = groupName(input);
      const role = serviceRole(input, true) as string;
      const configName = optionalConfigName(input) ?? DEFAULT_CONFIG_NAME;
      getConfig(configName);
      const settings = groupSettings(input, {});
      if (state.groups.has(groupKey(app.applicationName, name))) {
        throw new ApiError(
          'DeploymentGroupAlreadyExistsException',
          `A deployment group named ${name} already exists for application ${app.applicationName}`,
        );
      }
      const group: DeploymentGroupRecord = {
        deploymentGroupId: randomUUID(),
        applicationName: app.applicationName,
        deploymentGroupName: name,
        deploymentConfigName: configName,
        serviceRoleArn: role,
        computePlatform: app.computePlatform,
        settings,
      };
      state.groups.set(groupKey(app.applicationName, name), group);
      await saveAll('groups');
      await fleets.openRouter(group);
      return { deploymentGroupId: group.deploymentGroupId };
    },

    async GetDeploymentGroup(input) {
      const app = getApp(applicationName(input));
      return { deploymentGroupInfo: groupInfo(state, getGroup(app.applicationName, groupName(input))) };
    },

    async UpdateDeploymentGroup(input) {
      const app = getApp(applicationName(input));
      const current = getGroup(app.applicationName, groupName(input, 'currentDeploymentGroupName'));
      const newNameValue = optionalString(input, 'newDeploymentGroupName');
      const newName =
        newNameValue === undefined
          ? current.deploymentGroupName
          : checkName(newNameValue, 'InvalidDeploymentGroupNameException', 'deployment group');
      const configName = optionalConfigName(input);
      if (configName !== undefined) getConfig(configName);
      const role = serviceRole(input, false);
      const settings = groupSettings(input, current.settings);
      if (
        newName !== current.deploymentGroupName &&
        state.groups.has(groupKey(app.applicationName, newName))
      ) {
        throw new ApiError(
          'DeploymentGroupAlreadyExistsException',
          `A deployment group named ${newName} already exists for application ${app.applicationName}`,
        );
      }
      state.groups.delete(groupKey(app.applicationName, current.deploymentGroupName));
      current.deploymentGroupName = newName;
      if (configName !== undefined) current.deploymentConfigName = configName;
      if (role !== undefined) current.serviceRoleArn = role;
      current.settings = settings;
      state.groups.set(groupKey(app.applicationName, newName), current);
      await saveAll('groups');
      return { hooksNotCleanedUp: [] };
    },

    async DeleteDeploymentGroup(input) {
      const app = applicationName(input);
      const name = groupName(input);
      const group = state.groups.get(groupKey(app, name));
      state.groups.delete(groupKey(app, name));
      await saveAll('groups');
      if (group) await fleets.closeRouter(group.deploymentGroupId);
      return { hooksNotCleanedUp: [] };
    },

    async ListDeploymentGroups(input) {
      const app = getApp(applicationName(input));
      const names = groupsOf(app.applicationName).map((g) => g.deploymentGroupName);
      return {
        applicationName: app.applicationName,
        ...listPage(input, 'deploymentGroups', names, (n) => n, `groups:${app.applicationName}`),
      };
    },

    async BatchGetDeploymentGroups(input) {
      const app = getApp(applicationName(input));
      const names = stringList(input, 'deploymentGroupNames', 'DeploymentGroupNameRequiredException');
      if (names.length > NAME_BATCH_LIMIT) {
        throw new ApiError(
          'BatchLimitExceededException',
          `At most ${NAME_BATCH_LIMIT} deployment group names per call`,
        );
      }
      const found: unknown[] = [];
      const missing: string[] = [];
      for (const name of names) {
        const group = state.groups.get(
          groupKey(
            app.applicationName,
            checkName(name, 'InvalidDeploymentGroupNameException', 'deployment group'),
          ),
        );
        if (group) found.push(groupInfo(state, group));
        else missing.push(name);
      }
      return {
        deploymentGroupsInfo: found,
        ...(missing.length > 0 ? { errorMessage: `Deployment groups not found: ${missing.join(', ')}` } : {}),
      };
    },

    async CreateDeployment(input) {
      const app = getApp(applicationName(input));
      const group = getGroup(app.applicationName, groupName(input));
      const revision = revisionLocation(input) ?? group.targetRevision;
      if (!revision) {
        throw new ApiError(
          'RevisionRequiredException',
          'A revision is required: the deployment group has no target revision yet',
        );
      }
      const config = getConfig(optionalConfigName(input) ?? group.deploymentConfigName);
      const description = optionalString(input, 'description');
      if (description !== undefined && description.length > DESCRIPTION_LIMIT) {
        throw new ApiError(
          'DescriptionTooLongException',
          `The description is ${description.length} characters long; the limit is ${DESCRIPTION_LIMIT}`,
        );
      }
      const fileExistsBehavior: FileExistsBehavior =
        optionalEnum(
          input,
          'fileExistsBehavior',
          ['DISALLOW', 'OVERWRITE', 'RETAIN'],
          'InvalidFileExistsBehaviorException',
        ) ?? 'DISALLOW';
      const ignoreApplicationStopFailures =
        optionalBoolean(
          input,
          'ignoreApplicationStopFailures',
          'InvalidIgnoreApplicationStopFailuresValueException',
        ) ?? false;
      optionalBoolean(
        input,
        'updateOutdatedInstancesOnly',
        'InvalidUpdateOutdatedInstancesOnlyValueException',
      );
      const rollback =
        autoRollback(input) ??
        (group.settings.autoRollbackConfiguration as AutoRollbackConfiguration | undefined);
      const targetInstances = optionalObject(input, 'targetInstances', 'InvalidTargetInstancesException');
      const active = [...state.deployments.values()].find(
        (d) => d.deploymentGroupId === group.deploymentGroupId && ACTIVE_STATUSES.has(d.status),
      );
      if (active) {
        throw new ApiError(
          'DeploymentLimitExceededException',
          `The Deployment Group '${group.deploymentGroupName}' already has an active Deployment '${active.deploymentId}'`,
        );
      }
      const record = createDeploymentRecord(
        state,
        {
          group,
          config,
          revision,
          ...(description !== undefined ? { description } : {}),
          creator: 'user',
          ignoreApplicationStopFailures,
          ...(rollback ? { autoRollbackConfiguration: rollback } : {}),
          fileExistsBehavior,
          ...(targetInstances ? { targetInstances } : {}),
        },
        now(),
        ctx.newDeploymentId,
      );
      await Promise.all([store.saveDeployment(record.deploymentId), saveAll('groups', 'applications')]);
      engine.start(record.deploymentId);
      return { deploymentId: record.deploymentId };
    },

    async GetDeployment(input) {
      return { deploymentInfo: deploymentInfo(getDeployment(input)) };
    },

    async BatchGetDeployments(input) {
      const ids = stringList(
        input,
        'deploymentIds',
        'DeploymentIdRequiredException',
        'InvalidDeploymentIdException',
      );
      if (ids.length > BATCH_LIMIT) {
        throw new ApiError('BatchLimitExceededException', `At most ${BATCH_LIMIT} deployment IDs per call`);
      }
      const infos: unknown[] = [];
      for (const id of ids) {
        const record = state.deployments.get(checkDeploymentId(id));
        if (record) infos.push(deploymentInfo(record));
      }
      return { deploymentsInfo: infos };
    },

    async ListDeployments(input) {
      const appName = optionalString(input, 'applicationName');
      const group = optionalString(input, 'deploymentGroupName');
      let groupId: string | undefined;
      if (group !== undefined && appName === undefined) {
        throw new ApiError(
          'ApplicationNameRequiredException',
          'applicationName is required when deploymentGroupName is given',
        );
      }
      if (appName !== undefined) {
        const app = getApp(applicationName(input));
        if (group !== undefined) groupId = getGroup(app.applicationName, groupName(input)).deploymentGroupId;
      }
      const statuses = optionalList(input, 'includeOnlyStatuses', 'InvalidDeploymentStatusException')?.map(
        (s) => {
          if (!DEPLOYMENT_STATUSES.includes(s as DeploymentStatus)) {
            throw new ApiError(
              'InvalidDeploymentStatusException',
              `Unknown deployment status ${String(s)}: use ${DEPLOYMENT_STATUSES.join(', ')}`,
            );
          }
          return s as DeploymentStatus;
        },
      );
      const range = optionalObject(input, 'createTimeRange', 'InvalidTimeRangeException');
      const start = range ? optionalTimestamp(range, 'start', 'InvalidTimeRangeException') : undefined;
      const end = range ? optionalTimestamp(range, 'end', 'InvalidTimeRangeException') : undefined;
      if (start !== undefined && end !== undefined && start > end) {
        throw new ApiError('InvalidTimeRangeException', 'createTimeRange.start is after createTimeRange.end');
      }
      const matching = [...state.deployments.values()]
        .filter(
          (d) =>
            (appName === undefined || d.applicationName === appName) &&
            (groupId === undefined || d.deploymentGroupId === groupId) &&
            (statuses === undefined || statuses.length === 0 || statuses.includes(d.status)) &&
            (start === undefined || d.createTime >= start) &&
            (end === undefined || d.createTime <= end),
        )
        // Newest first, as CodeDeploy lists them.
        .sort((a, b) => b.createTime - a.createTime || b.deploymentId.localeCompare(a.deploymentId));
      const scope = JSON.stringify(['deployments', appName, groupId, statuses, start, end]);
      return listPage(input, 'deployments', matching, (d) => d.deploymentId, scope);
    },

    async StopDeployment(input) {
      const record = getDeployment(input);
      const autoRollbackEnabled = optionalBoolean(input, 'autoRollbackEnabled');
      if (TERMINAL_STATUSES.has(record.status)) {
        throw new ApiError(
          'DeploymentAlreadyCompletedException',
          `The deployment ${record.deploymentId} has already completed (${record.status})`,
        );
      }
      engine.requestStop(record, autoRollbackEnabled);
      await store.saveDeployment(record.deploymentId);
      return { status: 'Pending', statusMessage: 'Stopping Active deployment' };
    },

    async ContinueDeployment(input) {
      const record = getDeployment(input);
      const wait =
        optionalEnum(
          input,
          'deploymentWaitType',
          ['READY_WAIT', 'TERMINATION_WAIT'],
          'InvalidDeploymentWaitTypeException',
        ) ?? 'READY_WAIT';
      if (TERMINAL_STATUSES.has(record.status)) {
        throw new ApiError(
          'DeploymentAlreadyCompletedException',
          `The deployment ${record.deploymentId} has already completed (${record.status})`,
        );
      }
      if (!isBlueGreen(record) && !record.fleets) {
        throw new ApiError(
          'UnsupportedActionForDeploymentTypeException',
          `The deployment ${record.deploymentId} is an in-place deployment: only blue/green deployments can be continued`,
        );
      }
      if (wait === 'READY_WAIT' && record.status !== 'Ready') {
        throw new ApiError(
          'DeploymentIsNotInReadyStateException',
          `The deployment ${record.deploymentId} is ${record.status}, not Ready: traffic can be rerouted once every ` +
            'replacement instance is Ready, in a group whose deploymentReadyOption is STOP_DEPLOYMENT',
        );
      }
      if (
        wait === 'TERMINATION_WAIT' &&
        (record.terminationWaitStartedAt === undefined || record.continued?.includes('TERMINATION_WAIT'))
      ) {
        throw new ApiError(
          'DeploymentIsNotInReadyStateException',
          `The deployment ${record.deploymentId} is not waiting to terminate its original instances`,
        );
      }
      engine.requestContinue(record, wait);
      await store.saveDeployment(record.deploymentId);
      return {};
    },

    async ListDeploymentTargets(input) {
      const record = getDeployment(input);
      const filters = optionalObject(input, 'targetFilters', 'InvalidTargetFilterNameException') ?? {};
      for (const name of Object.keys(filters)) {
        if (name !== 'TargetStatus' && name !== 'ServerInstanceLabel') {
          throw new ApiError(
            'InvalidTargetFilterNameException',
            `Unknown target filter ${name}: use TargetStatus or ServerInstanceLabel`,
          );
        }
      }
      const statuses = optionalList(filters, 'TargetStatus', 'InvalidInstanceStatusException')?.map(String);
      for (const status of statuses ?? []) {
        if (!(TARGET_STATUSES as readonly string[]).includes(status)) {
          throw new ApiError(
            'InvalidInstanceStatusException',
            `Unknown target status ${status}: use ${TARGET_STATUSES.join(', ')}`,
          );
        }
      }
      const labels = optionalList(filters, 'ServerInstanceLabel', 'InvalidInstanceTypeException')?.map(
        String,
      );
      for (const label of labels ?? []) {
        if (label !== 'Blue' && label !== 'Green') {
          throw new ApiError(
            'InvalidInstanceTypeException',
            `Unknown instance label ${label}: use Blue or Green`,
          );
        }
      }
      const targets = startedTargets(record).filter(
        (t) =>
          (statuses === undefined || statuses.length === 0 || statuses.includes(t.status)) &&
          // In-place targets carry no Blue/Green label.
          (labels === undefined ||
            labels.length === 0 ||
            (t.instanceLabel !== undefined && labels.includes(t.instanceLabel))),
      );
      const scope = JSON.stringify(['targets', record.deploymentId, statuses, labels]);
      return listPage(input, 'targetIds', targets, (t) => t.targetId, scope);
    },

    async BatchGetDeploymentTargets(input) {
      const record = getDeployment(input);
      const ids = stringList(
        input,
        'targetIds',
        'DeploymentTargetIdRequiredException',
        'InvalidDeploymentTargetIdException',
      );
      if (ids.length === 0) throw new ApiError('DeploymentTargetIdRequiredException', 'targetIds is empty');
      if (ids.length > BATCH_LIMIT) {
        throw new ApiError(
          'DeploymentTargetListSizeExceededException',
          `At most ${BATCH_LIMIT} target IDs per call`,
        );
      }
      return { deploymentTargets: ids.map((id) => deploymentTarget(record, startedTarget(record, id))) };
    },

    async GetDeploymentTarget(input) {
      const record = getDeployment(input);
      const id = requiredString(input, 'targetId', 'DeploymentTargetIdRequiredException');
      return { deploymentTarget: deploymentTarget(record, startedTarget(record, id)) };
    },

    async ListDeploymentInstances(input) {
      const record = getDeployment(input);
      const statuses = optionalList(input, 'instanceStatusFilter', 'InvalidInstanceStatusException')?.map(
        String,
      );
      const targets = startedTargets(record).filter(
        (t) => statuses === undefined || statuses.length === 0 || statuses.includes(t.status),
      );
      const scope = JSON.stringify(['instances', record.deploymentId, statuses]);
      return listPage(input, 'instancesList', targets, (t) => t.targetId, scope);
    },

    async BatchGetDeploymentInstances(input) {
      const record = getDeployment(input);
      const ids = stringList(
        input,
        'instanceIds',
        'InstanceIdRequiredException',
        'InvalidInstanceNameException',
      );
      if (ids.length > BATCH_LIMIT)
        throw new ApiError('BatchLimitExceededException', `At most ${BATCH_LIMIT} instance IDs per call`);
      const targets = record.targets ?? [];
      const found = ids.flatMap((id) => targets.filter((t) => t.targetId === id));
      const missing = ids.filter((id) => !targets.some((t) => t.targetId === id));
      return {
        instancesSummary: found.map((t) => instanceSummary(record, t)),
        ...(missing.length > 0
          ? { errorMessage: `Instances not found in ${record.deploymentId}: ${missing.join(', ')}` }
          : {}),
      };
    },

    async GetDeploymentInstance(input) {
      const record = getDeployment(input);
      const id = requiredString(input, 'instanceId', 'InstanceIdRequiredException');
      const target = (record.targets ?? []).find((t) => t.targetId === id);
      if (!target)
        throw new ApiError(
          'InstanceDoesNotExistException',
          `The instance ${id} is not part of deployment ${record.deploymentId}`,
        );
      return { instanceSummary: instanceSummary(record, target) };
    },

    async RegisterApplicationRevision(input) {
      const app = getApp(applicationName(input));
      const revision = revisionLocation(input);
      if (!revision) throw new ApiError('RevisionRequiredException', 'revision is required');
      const description = optionalString(input, 'description');
      if (description !== undefined && description.length > DESCRIPTION_LIMIT) {
        throw new ApiError(
          'DescriptionTooLongException',
          `The description is longer than ${DESCRIPTION_LIMIT} characters`,
        );
      }
      const existing = app.revisions.find((r) => sameRevision(r.revision, revision));
      if (existing) {
        if (description !== undefined) existing.description = description;
      } else {
        app.revisions.push({
          revision,
          ...(description !== undefined ? { description } : {}),
          registerTime: now(),
          deploymentGroups: [],
        });
      }
      await saveAll('applications');
      return {};
    },

    async GetApplicationRevision(input) {
      const app = getApp(applicationName(input));
      const revision = revisionLocation(input);
      if (!revision) throw new ApiError('RevisionRequiredException', 'revision is required');
      const entry = app.revisions.find((r) => sameRevision(r.revision, revision));
      if (!entry) {
        throw new ApiError(
          'RevisionDoesNotExistException',
          `The revision is not registered with application ${app.applicationName}`,
        );
      }
      return {
        applicationName: app.applicationName,
        revision: entry.revision,
        revisionInfo: revisionInfo(entry),
      };
    },

    async BatchGetApplicationRevisions(input) {
      const app = getApp(applicationName(input));
      const list = optionalList(input, 'revisions', 'InvalidRevisionException');
      if (!list) throw new ApiError('RevisionRequiredException', 'revisions is required');
      if (list.length > BATCH_LIMIT)
        throw new ApiError('BatchLimitExceededException', `At most ${BATCH_LIMIT} revisions per call`);
      const revisions = list.map((item) => revisionLocation({ revision: item }) as RevisionLocation);
      return {
        applicationName: app.applicationName,
        revisions: revisions.flatMap((revision) => {
          const entry = app.revisions.find((r) => sameRevision(r.revision, revision));
          return entry
            ? [{ revisionLocation: entry.revision, genericRevisionInfo: revisionInfo(entry) }]
            : [];
        }),
      };
    },

    async ListApplicationRevisions(input) {
      const app = getApp(applicationName(input));
      const sortBy = optionalEnum(
        input,
        'sortBy',
        ['registerTime', 'firstUsedTime', 'lastUsedTime'],
        'InvalidSortByException',
      );
      const sortOrder = optionalEnum(
        input,
        'sortOrder',
        ['ascending', 'descending'],
        'InvalidSortOrderException',
      );
      const bucket = optionalString(input, 's3Bucket');
      const prefix = optionalString(input, 's3KeyPrefix');
      if (prefix !== undefined && bucket === undefined) {
        throw new ApiError('BucketNameFilterRequiredException', 's3KeyPrefix needs s3Bucket');
      }
      const deployed =
        optionalEnum(
          input,
          'deployed',
          ['include', 'exclude', 'ignore'],
          'InvalidDeployedStateFilterException',
        ) ?? 'ignore';
      const field = sortBy ?? 'registerTime';
      const direction = sortOrder === 'descending' ? -1 : 1;
      const entries = app.revisions
        .filter((r) => {
          const s3 = r.revision.s3Location ?? {};
          const wasDeployed = r.deploymentGroups.length > 0;
          return (
            (bucket === undefined || s3.bucket === bucket) &&
            (prefix === undefined || (s3.key ?? '').startsWith(prefix)) &&
            (deployed === 'ignore' || (deployed === 'include') === wasDeployed)
          );
        })
        .map((r, index) => ({ r, index }))
        .sort((a, b) => direction * ((a.r[field] ?? 0) - (b.r[field] ?? 0)) || a.index - b.index);
      const scope = JSON.stringify([
        'revisions',
        app.applicationName,
        field,
        direction,
        bucket,
        prefix,
        deployed,
      ]);
      return listPage(
        input,
        'revisions',
        entries,
        (e) => String(e.index),
        scope,
        (e) => e.r.revision,
      );
    },

    async GetDeploymentConfig(input) {
      const name = checkName(
        requiredString(input, 'deploymentConfigName', 'DeploymentConfigNameRequiredException'),
        'InvalidDeploymentConfigNameException',
        'deployment config',
      );
      return { deploymentConfigInfo: configInfo(getConfig(name)) };
    },

    async ListDeploymentConfigs(input) {
      const names = [...state.configs.keys()].sort();
      return listPage(input, 'deploymentConfigsList', names, (n) => n, 'configs');
    },

    async CreateDeploymentConfig(input) {
      const name = checkName(
        requiredString(input, 'deploymentConfigName', 'DeploymentConfigNameRequiredException'),
        'InvalidDeploymentConfigNameException',
        'deployment config',
      );
      if (isBuiltInConfigName(name)) {
        throw new ApiError(
          'InvalidDeploymentConfigNameException',
          'Names starting with CodeDeployDefault. are reserved for the built-in configurations',
        );
      }
      const platform =
        optionalEnum(
          input,
          'computePlatform',
          ['Server', 'Lambda', 'ECS'],
          'InvalidComputePlatformException',
        ) ?? 'Server';
      if (platform !== 'Server') {
        throw new ApiError(
          'InvalidComputePlatformException',
          'The local CodeDeploy supports Server (EC2/on-premises) deployment configurations only',
        );
      }
      const hosts = optionalObject(input, 'minimumHealthyHosts', 'InvalidMinimumHealthyHostValueException');
      const type =
        hosts &&
        optionalEnum(
          hosts,
          'type',
          ['HOST_COUNT', 'FLEET_PERCENT'],
          'InvalidMinimumHealthyHostValueException',
        );
      const value = hosts?.value;
      if (
        !type ||
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < 0 ||
        (type === 'FLEET_PERCENT' && value > 100)
      ) {
        throw new ApiError(
          'InvalidMinimumHealthyHostValueException',
          'minimumHealthyHosts needs a type (HOST_COUNT or FLEET_PERCENT) and a whole value (0 or more; at most 100 for FLEET_PERCENT)',
        );
      }
      if (state.configs.has(name)) {
        throw new ApiError(
          'DeploymentConfigAlreadyExistsException',
          `A deployment configuration named ${name} already exists`,
        );
      }
      const config: DeploymentConfigRecord = {
        deploymentConfigId: randomUUID(),
        deploymentConfigName: name,
        minimumHealthyHosts: { type, value },
        createTime: now(),
        computePlatform: 'Server',
      };
      state.configs.set(name, config);
      await saveAll('configs');
      return { deploymentConfigId: config.deploymentConfigId };
    },

    async DeleteDeploymentConfig(input) {
      const name = checkName(
        requiredString(input, 'deploymentConfigName', 'DeploymentConfigNameRequiredException'),
        'InvalidDeploymentConfigNameException',
        'deployment config',
      );
      if (isBuiltInConfigName(name))
        throw new ApiError(
          'InvalidOperationException',
          'Built-in deployment configurations cannot be deleted',
        );
      const user = [...state.groups.values()].find((g) => g.deploymentConfigName === name);
      if (user) {
        throw new ApiError(
          'DeploymentConfigInUseException',
          `The deployment configuration ${name} is used by deployment group ${user.deploymentGroupName}`,
        );
      }
      state.configs.delete(name);
      await saveAll('configs');
      return {};
    },
  };
}

function hasLoadBalancer(info: unknown): boolean {
  if (typeof info !== 'object' || info === null) return false;
  return ['elbInfoList', 'targetGroupInfoList', 'targetGroupPairInfoList'].some((member) => {
    const list = (info as Input)[member];
    return Array.isArray(list) && list.length > 0;
  });
}

/** Checks blueGreenDeploymentConfiguration against the API model (enums, whole minutes, the 2-day cap). */
function checkBlueGreenConfiguration(value: unknown): void {
  if (value === undefined) return;
  const error = 'InvalidBlueGreenDeploymentConfigurationException';
  const object = (parent: Input, member: string): Input | undefined => optionalObject(parent, member, error);
  const minutes = (parent: Input, member: string, max: number) => {
    const number = parent[member];
    if (number === undefined || number === null) return;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > max) {
      throw new ApiError(
        error,
        `${member} must be a whole number of minutes from 0 to ${max} (got ${String(number)})`,
      );
    }
  };
  if (typeof value !== 'object' || value === null)
    throw new ApiError(error, 'blueGreenDeploymentConfiguration must be an object');
  const config = value as Input;
  const termination = object(config, 'terminateBlueInstancesOnDeploymentSuccess');
  if (termination) {
    optionalEnum(termination, 'action', ['TERMINATE', 'KEEP_ALIVE'], error);
    minutes(termination, 'terminationWaitTimeInMinutes', 2880);
  }
  const ready = object(config, 'deploymentReadyOption');
  if (ready) {
    optionalEnum(ready, 'actionOnTimeout', ['CONTINUE_DEPLOYMENT', 'STOP_DEPLOYMENT'], error);
    minutes(ready, 'waitTimeInMinutes', 2880);
  }
  const green = object(config, 'greenFleetProvisioningOption');
  if (green) optionalEnum(green, 'action', ['DISCOVER_EXISTING', 'COPY_AUTO_SCALING_GROUP'], error);
}
