import { randomUUID } from 'node:crypto';
import type {
  BatchGetDeploymentGroupsInput,
  CreateDeploymentGroupInput,
  DeleteDeploymentGroupInput,
  GetDeploymentGroupInput,
  ListDeploymentGroupsInput,
  UpdateDeploymentGroupInput,
} from '@aws-sdk/client-codedeploy';
import { DEFAULT_CONFIG_NAME } from '../health.js';
import type { DeploymentGroupRecord } from '../records.js';
import { groupInfo } from '../shapes.js';
import { groupKey } from '../store.js';
import { ApiError } from '../wire.js';
import { type Handlers, listPage, type ServiceContext, save } from './context.js';
import { findApplication, findConfig, findGroup, groupsOf } from './lookups.js';
import { checkGroupSettings, type GroupSettings } from './rules.js';

/** Members of CreateDeploymentGroup and UpdateDeploymentGroup that name or own the group rather than set it. */
const NOT_SETTINGS = new Set([
  'applicationName',
  'deploymentGroupName',
  'currentDeploymentGroupName',
  'newDeploymentGroupName',
  'deploymentConfigName',
  'serviceRoleArn',
  'tags',
]);

/** The settings a request gives (every other member the model knows), over the group's current ones. */
function settingsOf(input: object, current: Record<string, unknown> = {}): GroupSettings {
  const given = Object.entries(input).filter(([member]) => !NOT_SETTINGS.has(member));
  return { ...current, ...Object.fromEntries(given) } as GroupSettings;
}

export function groupOperations(ctx: ServiceContext): Handlers {
  const { store, fleets } = ctx;
  const state = store.state;
  const mustBeFree = (applicationName: string, name: string) => {
    if (state.groups.has(groupKey(applicationName, name))) {
      throw new ApiError(
        'DeploymentGroupAlreadyExistsException',
        `A deployment group named ${name} already exists for application ${applicationName}`,
      );
    }
  };

  return {
    async CreateDeploymentGroup(input: CreateDeploymentGroupInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const name = input.deploymentGroupName ?? '';
      const configName = input.deploymentConfigName ?? DEFAULT_CONFIG_NAME;
      findConfig(state, configName);
      const settings = settingsOf(input);
      checkGroupSettings(settings);
      mustBeFree(app.applicationName, name);
      const group: DeploymentGroupRecord = {
        deploymentGroupId: randomUUID(),
        applicationName: app.applicationName,
        deploymentGroupName: name,
        deploymentConfigName: configName,
        serviceRoleArn: input.serviceRoleArn ?? '',
        computePlatform: app.computePlatform,
        settings: settings as Record<string, unknown>,
        ...(input.tags ? { tags: input.tags } : {}),
      };
      state.groups.set(groupKey(app.applicationName, name), group);
      await save(store, 'groups');
      await fleets.openRouter(group);
      return { deploymentGroupId: group.deploymentGroupId };
    },

    async GetDeploymentGroup(input: GetDeploymentGroupInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const group = findGroup(state, app.applicationName, input.deploymentGroupName ?? '');
      return { deploymentGroupInfo: groupInfo(state, group) };
    },

    async UpdateDeploymentGroup(input: UpdateDeploymentGroupInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const current = findGroup(state, app.applicationName, input.currentDeploymentGroupName ?? '');
      const newName = input.newDeploymentGroupName ?? current.deploymentGroupName;
      if (input.deploymentConfigName !== undefined) findConfig(state, input.deploymentConfigName);
      const settings = settingsOf(input, current.settings);
      checkGroupSettings(settings);
      if (newName !== current.deploymentGroupName) mustBeFree(app.applicationName, newName);
      state.groups.delete(groupKey(app.applicationName, current.deploymentGroupName));
      current.deploymentGroupName = newName;
      current.deploymentConfigName = input.deploymentConfigName ?? current.deploymentConfigName;
      current.serviceRoleArn = input.serviceRoleArn ?? current.serviceRoleArn;
      current.settings = settings as Record<string, unknown>;
      state.groups.set(groupKey(app.applicationName, newName), current);
      await save(store, 'groups');
      return { hooksNotCleanedUp: [] };
    },

    async DeleteDeploymentGroup(input: DeleteDeploymentGroupInput) {
      const key = groupKey(input.applicationName ?? '', input.deploymentGroupName ?? '');
      const group = state.groups.get(key);
      state.groups.delete(key);
      await save(store, 'groups');
      if (group) await fleets.closeRouter(group.deploymentGroupId);
      return { hooksNotCleanedUp: [] };
    },

    async ListDeploymentGroups(input: ListDeploymentGroupsInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const names = groupsOf(state, app.applicationName).map((g) => g.deploymentGroupName);
      return {
        applicationName: app.applicationName,
        ...listPage(
          ctx,
          input.nextToken,
          'deploymentGroups',
          names,
          (n) => n,
          `groups:${app.applicationName}`,
        ),
      };
    },

    async BatchGetDeploymentGroups(input: BatchGetDeploymentGroupsInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const names = input.deploymentGroupNames ?? [];
      const found = names.flatMap((name) => {
        const group = state.groups.get(groupKey(app.applicationName, name));
        return group ? [groupInfo(state, group)] : [];
      });
      const missing = names.filter((name) => !state.groups.has(groupKey(app.applicationName, name)));
      return {
        deploymentGroupsInfo: found,
        errorMessage: missing.length > 0 ? `Deployment groups not found: ${missing.join(', ')}` : '',
      };
    },
  };
}
