import { randomUUID } from 'node:crypto';
import type {
  BatchGetApplicationsInput,
  CreateApplicationInput,
  DeleteApplicationInput,
  GetApplicationInput,
  ListApplicationsInput,
  UpdateApplicationInput,
} from '@aws-sdk/client-codedeploy';
import type { ApplicationRecord } from '../records.js';
import { applicationInfo } from '../shapes.js';
import { groupKey } from '../store.js';
import { ApiError } from '../wire.js';
import { type Handlers, listPage, type ServiceContext, save } from './context.js';
import { findApplication, groupsOf } from './lookups.js';

export function applicationOperations(ctx: ServiceContext): Handlers {
  const { store, fleets, now } = ctx;
  const state = store.state;
  const mustBeFree = (name: string) => {
    if (state.applications.has(name)) {
      throw new ApiError('ApplicationAlreadyExistsException', `${name} already exists in your account`);
    }
  };

  return {
    async CreateApplication(input: CreateApplicationInput) {
      const name = input.applicationName ?? '';
      mustBeFree(name);
      const app: ApplicationRecord = {
        applicationId: randomUUID(),
        applicationName: name,
        createTime: now(),
        computePlatform: input.computePlatform ?? 'Server',
        revisions: [],
        ...(input.tags ? { tags: input.tags } : {}),
      };
      state.applications.set(name, app);
      await save(store, 'applications');
      return { applicationId: app.applicationId };
    },

    async GetApplication(input: GetApplicationInput) {
      return { application: applicationInfo(findApplication(state, input.applicationName ?? '')) };
    },

    async BatchGetApplications(input: BatchGetApplicationsInput) {
      const names = input.applicationNames ?? [];
      return { applicationsInfo: names.map((name) => applicationInfo(findApplication(state, name))) };
    },

    async ListApplications(input: ListApplicationsInput) {
      const names = [...state.applications.keys()].sort();
      return listPage(ctx, input.nextToken, 'applications', names, (n) => n, 'applications');
    },

    async UpdateApplication(input: UpdateApplicationInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const newName = input.newApplicationName;
      if (newName === undefined || newName === app.applicationName) return {};
      mustBeFree(newName);
      const groups = groupsOf(state, app.applicationName);
      state.applications.delete(app.applicationName);
      for (const group of groups)
        state.groups.delete(groupKey(app.applicationName, group.deploymentGroupName));
      const deployments = [...state.deployments.values()].filter(
        (record) => record.applicationName === app.applicationName,
      );
      for (const record of deployments) record.applicationName = newName;
      app.applicationName = newName;
      state.applications.set(newName, app);
      for (const group of groups) {
        group.applicationName = newName;
        state.groups.set(groupKey(newName, group.deploymentGroupName), group);
      }
      await Promise.all([
        save(store, 'applications', 'groups'),
        ...deployments.map((record) => store.saveDeployment(record.deploymentId)),
      ]);
      return {};
    },

    async DeleteApplication(input: DeleteApplicationInput) {
      const name = input.applicationName ?? '';
      state.applications.delete(name);
      const groups = groupsOf(state, name);
      for (const group of groups) state.groups.delete(groupKey(name, group.deploymentGroupName));
      await save(store, 'applications', 'groups');
      for (const group of groups) await fleets.closeRouter(group.deploymentGroupId);
      return {};
    },
  };
}
