import {
  type BatchGetDeploymentInstancesInput,
  type BatchGetDeploymentTargetsInput,
  type GetDeploymentInstanceInput,
  type GetDeploymentTargetInput,
  type ListDeploymentInstancesInput,
  type ListDeploymentTargetsInput,
  TargetLabel,
  TargetStatus,
} from '@aws-sdk/client-codedeploy';
import { isBlueGreen } from '../lifecycle.js';
import type { InstanceTargetRecord } from '../records.js';
import { deploymentTarget, instanceSummary } from '../shapes.js';
import { ApiError } from '../wire.js';
import { type Handlers, listPage, type ServiceContext } from './context.js';
import { findDeployment, startedTarget, startedTargets } from './lookups.js';

/** The values of a ListDeploymentTargets filter, each checked against what its filter takes. */
function filterValues(
  values: readonly string[] | undefined,
  allowed: Readonly<Record<string, string>>,
  errorType: string,
  filter: string,
): readonly string[] | undefined {
  const unknown = (values ?? []).filter((value) => !Object.values(allowed).includes(value));
  if (unknown.length > 0) {
    throw new ApiError(
      errorType,
      `targetFilters.${filter} takes ${Object.values(allowed).join(', ')} (got ${unknown.join(', ')})`,
    );
  }
  return values !== undefined && values.length > 0 ? values : undefined;
}

/** Targets whose status and fleet label match the filters (in-place targets carry no label). */
function matching(
  targets: readonly InstanceTargetRecord[],
  statuses: readonly string[] | undefined,
  labels: readonly string[] | undefined,
): InstanceTargetRecord[] {
  return targets.filter(
    (t) =>
      (statuses === undefined || statuses.includes(t.status)) &&
      (labels === undefined || (t.instanceLabel !== undefined && labels.includes(t.instanceLabel))),
  );
}

export function targetOperations(ctx: ServiceContext): Handlers {
  const state = ctx.store.state;

  return {
    async ListDeploymentTargets(input: ListDeploymentTargetsInput) {
      const record = findDeployment(state, input.deploymentId ?? '');
      const filters = input.targetFilters ?? {};
      const statuses = filterValues(
        filters.TargetStatus,
        TargetStatus,
        'InvalidInstanceStatusException',
        'TargetStatus',
      );
      const labels = filterValues(
        filters.ServerInstanceLabel,
        TargetLabel,
        'InvalidInstanceTypeException',
        'ServerInstanceLabel',
      );
      const targets = matching(startedTargets(record), statuses, labels);
      const scope = JSON.stringify(['targets', record.deploymentId, statuses, labels]);
      return listPage(ctx, input.nextToken, 'targetIds', targets, (t) => t.targetId, scope);
    },

    async BatchGetDeploymentTargets(input: BatchGetDeploymentTargetsInput) {
      const record = findDeployment(state, input.deploymentId ?? '');
      const ids = input.targetIds ?? [];
      return { deploymentTargets: ids.map((id) => deploymentTarget(record, startedTarget(record, id))) };
    },

    async GetDeploymentTarget(input: GetDeploymentTargetInput) {
      const record = findDeployment(state, input.deploymentId ?? '');
      return { deploymentTarget: deploymentTarget(record, startedTarget(record, input.targetId ?? '')) };
    },

    async ListDeploymentInstances(input: ListDeploymentInstancesInput) {
      const record = findDeployment(state, input.deploymentId ?? '');
      const statuses = input.instanceStatusFilter?.length ? input.instanceStatusFilter : undefined;
      const labels = input.instanceTypeFilter?.length ? input.instanceTypeFilter : undefined;
      if (labels && !isBlueGreen(record) && !record.fleets) {
        throw new ApiError(
          'InvalidDeploymentInstanceTypeException',
          `instanceTypeFilter (Blue, Green) applies to blue/green deployments; ${record.deploymentId} is in place`,
        );
      }
      const targets = matching(startedTargets(record), statuses, labels);
      const scope = JSON.stringify(['instances', record.deploymentId, statuses, labels]);
      return listPage(ctx, input.nextToken, 'instancesList', targets, (t) => t.targetId, scope);
    },

    async BatchGetDeploymentInstances(input: BatchGetDeploymentInstancesInput) {
      const record = findDeployment(state, input.deploymentId ?? '');
      const ids = input.instanceIds ?? [];
      const targets = record.targets ?? [];
      const found = ids.flatMap((id) => targets.filter((t) => t.targetId === id));
      const missing = ids.filter((id) => !targets.some((t) => t.targetId === id));
      return {
        instancesSummary: found.map((t) => instanceSummary(record, t)),
        errorMessage:
          missing.length > 0 ? `Instances not found in ${record.deploymentId}: ${missing.join(', ')}` : '',
      };
    },

    async GetDeploymentInstance(input: GetDeploymentInstanceInput) {
      const record = findDeployment(state, input.deploymentId ?? '');
      const id = input.instanceId ?? '';
      const target = (record.targets ?? []).find((t) => t.targetId === id);
      if (!target) {
        throw new ApiError(
          'InstanceDoesNotExistException',
          `The instance ${id} is not part of deployment ${record.deploymentId}`,
        );
      }
      return { instanceSummary: instanceSummary(record, target) };
    },
  };
}
