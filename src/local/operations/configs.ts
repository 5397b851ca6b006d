import { randomUUID } from 'node:crypto';
import type {
  CreateDeploymentConfigInput,
  DeleteDeploymentConfigInput,
  GetDeploymentConfigInput,
  ListDeploymentConfigsInput,
} from '@aws-sdk/client-codedeploy';
import { isBuiltInConfigName } from '../health.js';
import type { DeploymentConfigRecord } from '../records.js';
import { configInfo } from '../shapes.js';
import { ApiError } from '../wire.js';
import { type Handlers, listPage, type ServiceContext, save } from './context.js';
import { findConfig } from './lookups.js';

export function configOperations(ctx: ServiceContext): Handlers {
  const { store, now } = ctx;
  const state = store.state;

  return {
    async GetDeploymentConfig(input: GetDeploymentConfigInput) {
      return { deploymentConfigInfo: configInfo(findConfig(state, input.deploymentConfigName ?? '')) };
    },

    async ListDeploymentConfigs(input: ListDeploymentConfigsInput) {
      const names = [...state.configs.keys()].sort();
      return listPage(ctx, input.nextToken, 'deploymentConfigsList', names, (n) => n, 'configs');
    },

    async CreateDeploymentConfig(input: CreateDeploymentConfigInput) {
      const name = input.deploymentConfigName ?? '';
      if (isBuiltInConfigName(name)) {
        throw new ApiError(
          'InvalidDeploymentConfigNameException',
          'Names starting with CodeDeployDefault. are reserved for the built-in configurations',
        );
      }
      if ((input.computePlatform ?? 'Server') !== 'Server') {
        throw new ApiError(
          'InvalidComputePlatformException',
          'The local CodeDeploy supports Server (EC2/on-premises) deployment configurations only',
        );
      }
      const hosts = input.minimumHealthyHosts;
      if (!hosts?.type || hosts.value === undefined) {
        throw new ApiError(
          'InvalidMinimumHealthyHostValueException',
          'minimumHealthyHosts is required for a Server configuration: a type (HOST_COUNT or FLEET_PERCENT) and a value',
        );
      }
      if (hosts.type === 'FLEET_PERCENT' && hosts.value > 100) {
        throw new ApiError(
          'InvalidMinimumHealthyHostValueException',
          `minimumHealthyHosts FLEET_PERCENT is a percentage: at most 100 (got ${hosts.value})`,
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
        minimumHealthyHosts: { type: hosts.type, value: hosts.value },
        createTime: now(),
        computePlatform: 'Server',
        ...(input.zonalConfig ? { zonalConfig: input.zonalConfig as Record<string, unknown> } : {}),
        ...(input.trafficRoutingConfig
          ? { trafficRoutingConfig: input.trafficRoutingConfig as Record<string, unknown> }
          : {}),
      };
      state.configs.set(name, config);
      await save(store, 'configs');
      return { deploymentConfigId: config.deploymentConfigId };
    },

    async DeleteDeploymentConfig(input: DeleteDeploymentConfigInput) {
      const name = input.deploymentConfigName ?? '';
      if (isBuiltInConfigName(name)) {
        throw new ApiError(
          'InvalidOperationException',
          'Built-in deployment configurations cannot be deleted',
        );
      }
      const user = [...state.groups.values()].find((g) => g.deploymentConfigName === name);
      if (user) {
        throw new ApiError(
          'DeploymentConfigInUseException',
          `The deployment configuration ${name} is used by deployment group ${user.deploymentGroupName}`,
        );
      }
      state.configs.delete(name);
      await save(store, 'configs');
      return {};
    },
  };
}
