import type {
  BatchGetDeploymentsInput,
  ContinueDeploymentInput,
  CreateDeploymentInput,
  GetDeploymentInput,
  ListDeploymentsInput,
  SkipWaitTimeForInstanceTerminationInput,
  StopDeploymentInput,
} from '@aws-sdk/client-codedeploy';
import { createDeploymentRecord, lastSuccessful } from '../deployments.js';
import { isBlueGreen } from '../lifecycle.js';
import {
  ACTIVE_STATUSES,
  type AutoRollbackConfiguration,
  type DeploymentGroupRecord,
  type DeploymentRecord,
  TERMINAL_STATUSES,
} from '../records.js';
import { deploymentInfo } from '../shapes.js';
import { ApiError } from '../wire.js';
import { type Handlers, listPage, type ServiceContext, save } from './context.js';
import { findApplication, findConfig, findDeployment, findGroup } from './lookups.js';
import { deployableRevision } from './revisions.js';
import { checkAlarms, checkAutoRollback } from './rules.js';

export function deploymentOperations(ctx: ServiceContext): Handlers {
  const { store, engine, now } = ctx;
  const state = store.state;

  const notCompleted = (record: DeploymentRecord) => {
    if (TERMINAL_STATUSES.has(record.status)) {
      throw new ApiError(
        'DeploymentAlreadyCompletedException',
        `The deployment ${record.deploymentId} has already completed (${record.status})`,
      );
    }
  };
  const blueGreenOnly = (record: DeploymentRecord, what: string) => {
    if (!isBlueGreen(record) && !record.fleets) {
      throw new ApiError(
        'UnsupportedActionForDeploymentTypeException',
        `The deployment ${record.deploymentId} is an in-place deployment: ${what}`,
      );
    }
  };
  /** RESTART: the revision of the group's last successful deployment, for an in-place group. */
  const restartRevision = (input: CreateDeploymentInput, group: DeploymentGroupRecord) => {
    if (input.revision) {
      throw new ApiError(
        'InvalidRevisionException',
        "A RESTART deployment redeploys the revision of the group's last successful deployment: remove revision",
      );
    }
    if (input.updateOutdatedInstancesOnly) {
      throw new ApiError(
        'InvalidUpdateOutdatedInstancesOnlyValueException',
        'A RESTART deployment restarts every instance: updateOutdatedInstancesOnly cannot be true',
      );
    }
    if (isBlueGreen(group.settings)) {
      throw new ApiError(
        'InvalidInputException',
        `RESTART is for in-place deployments; the deployment group ${group.deploymentGroupName} is blue/green`,
      );
    }
    const last = lastSuccessful(state, group);
    if (!last) {
      throw new ApiError(
        'RevisionDoesNotExistException',
        `The deployment group ${group.deploymentGroupName} has no successful deployment whose revision RESTART could use`,
      );
    }
    return last.revision;
  };
  const requestContinue = async (record: DeploymentRecord, wait: 'READY_WAIT' | 'TERMINATION_WAIT') => {
    engine.requestContinue(record, wait);
    await store.saveDeployment(record.deploymentId);
    return {};
  };

  return {
    async CreateDeployment(input: CreateDeploymentInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const group = findGroup(state, app.applicationName, input.deploymentGroupName ?? '');
      const restart = input.deploymentMode === 'RESTART';
      const revision = restart
        ? restartRevision(input, group)
        : input.revision
          ? deployableRevision(input.revision)
          : group.targetRevision;
      if (!revision) {
        throw new ApiError(
          'RevisionRequiredException',
          'A revision is required: the deployment group has no target revision yet',
        );
      }
      const config = findConfig(state, input.deploymentConfigName ?? group.deploymentConfigName);
      checkAutoRollback(input.autoRollbackConfiguration);
      checkAlarms(input.overrideAlarmConfiguration);
      if (input.targetInstances && !isBlueGreen(group.settings)) {
        throw new ApiError(
          'InvalidTargetInstancesException',
          `targetInstances describe the replacement environment of a blue/green deployment; the deployment group ` +
            `${group.deploymentGroupName} deploys in place: remove targetInstances`,
        );
      }
      const active = [...state.deployments.values()].find(
        (d) => d.deploymentGroupId === group.deploymentGroupId && ACTIVE_STATUSES.has(d.status),
      );
      if (active) {
        throw new ApiError(
          'DeploymentLimitExceededException',
          `The Deployment Group '${group.deploymentGroupName}' already has an active Deployment '${active.deploymentId}'`,
        );
      }
      const rollback =
        input.autoRollbackConfiguration ??
        (group.settings.autoRollbackConfiguration as AutoRollbackConfiguration | undefined);
      const record = createDeploymentRecord(
        state,
        {
          group,
          config,
          revision,
          ...(input.description !== undefined ? { description: input.description } : {}),
          creator: 'user',
          ignoreApplicationStopFailures: input.ignoreApplicationStopFailures ?? false,
          ...(input.updateOutdatedInstancesOnly !== undefined
            ? { updateOutdatedInstancesOnly: input.updateOutdatedInstancesOnly }
            : {}),
          ...(restart ? { deploymentMode: 'RESTART' as const } : {}),
          ...(rollback ? { autoRollbackConfiguration: rollback } : {}),
          ...(input.overrideAlarmConfiguration
            ? { overrideAlarmConfiguration: input.overrideAlarmConfiguration as Record<string, unknown> }
            : {}),
          fileExistsBehavior: input.fileExistsBehavior ?? 'DISALLOW',
          ...(input.targetInstances
            ? { targetInstances: input.targetInstances as Record<string, unknown> }
            : {}),
        },
        now(),
        ctx.newDeploymentId,
      );
      await Promise.all([store.saveDeployment(record.deploymentId), save(store, 'groups', 'applications')]);
      engine.start(record.deploymentId);
      return { deploymentId: record.deploymentId };
    },

    async GetDeployment(input: GetDeploymentInput) {
      return { deploymentInfo: deploymentInfo(findDeployment(state, input.deploymentId ?? '')) };
    },

    async BatchGetDeployments(input: BatchGetDeploymentsInput) {
      const records = (input.deploymentIds ?? []).flatMap((id) => state.deployments.get(id) ?? []);
      return { deploymentsInfo: records.map(deploymentInfo) };
    },

    async ListDeployments(input: ListDeploymentsInput) {
      const { applicationName, deploymentGroupName, includeOnlyStatuses: statuses } = input;
      if (deploymentGroupName !== undefined && applicationName === undefined) {
        throw new ApiError(
          'ApplicationNameRequiredException',
          'applicationName is required when deploymentGroupName is given',
        );
      }
      let groupId: string | undefined;
      if (applicationName !== undefined) {
        const app = findApplication(state, applicationName);
        if (deploymentGroupName !== undefined) {
          groupId = findGroup(state, app.applicationName, deploymentGroupName).deploymentGroupId;
        }
      }
      const start = input.createTimeRange?.start?.getTime();
      const end = input.createTimeRange?.end?.getTime();
      if (start !== undefined && end !== undefined && start > end) {
        throw new ApiError('InvalidTimeRangeException', 'createTimeRange.start is after createTimeRange.end');
      }
      const matching = [...state.deployments.values()]
        .filter(
          (d) =>
            (applicationName === undefined || d.applicationName === applicationName) &&
            (groupId === undefined || d.deploymentGroupId === groupId) &&
            (statuses === undefined || statuses.length === 0 || statuses.includes(d.status)) &&
            (start === undefined || d.createTime >= start) &&
            (end === undefined || d.createTime <= end),
        )
        // Newest first, as CodeDeploy lists them.
        .sort((a, b) => b.createTime - a.createTime || b.deploymentId.localeCompare(a.deploymentId));
      const scope = JSON.stringify(['deployments', applicationName, groupId, statuses, start, end]);
      return listPage(ctx, input.nextToken, 'deployments', matching, (d) => d.deploymentId, scope);
    },

    async StopDeployment(input: StopDeploymentInput) {
      const record = findDeployment(state, input.deploymentId ?? '');
      notCompleted(record);
      engine.requestStop(record, input.autoRollbackEnabled);
      await store.saveDeployment(record.deploymentId);
      return { status: 'Pending', statusMessage: 'Stopping Active deployment' };
    },

    async ContinueDeployment(input: ContinueDeploymentInput) {
      const record = findDeployment(state, input.deploymentId ?? '');
      const wait = input.deploymentWaitType ?? 'READY_WAIT';
      notCompleted(record);
      blueGreenOnly(record, 'only blue/green deployments can be continued');
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
      return requestContinue(record, wait);
    },

    /**
     * The older form of ContinueDeployment with TERMINATION_WAIT. Asked before traffic is rerouted,
     * it holds: the original instances are terminated as soon as the deployment gets there.
     */
    async SkipWaitTimeForInstanceTermination(input: SkipWaitTimeForInstanceTerminationInput) {
      const record = findDeployment(state, input.deploymentId ?? '');
      notCompleted(record);
      if (!record.targets) {
        throw new ApiError(
          'DeploymentNotStartedException',
          `The deployment ${record.deploymentId} has not started yet (${record.status}). Retry shortly.`,
        );
      }
      blueGreenOnly(record, 'only blue/green deployments wait to terminate instances');
      if (record.continued?.includes('TERMINATION_WAIT')) return {};
      return requestContinue(record, 'TERMINATION_WAIT');
    },
  };
}
