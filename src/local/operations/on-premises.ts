import type {
  AddTagsToOnPremisesInstancesInput,
  BatchGetOnPremisesInstancesInput,
  DeregisterOnPremisesInstanceInput,
  GetOnPremisesInstanceInput,
  ListOnPremisesInstancesInput,
  RegisterOnPremisesInstanceInput,
  RemoveTagsFromOnPremisesInstancesInput,
  TagFilter,
} from '@aws-sdk/client-codedeploy';
import type { OnPremisesInstanceRecord, Tag } from '../records.js';
import { onPremisesInstanceInfo } from '../shapes.js';
import { ApiError } from '../wire.js';
import { type Handlers, listPage, type ServiceContext, save } from './context.js';
import { mergeTags } from './lookups.js';

/** Whether an instance's tags match a tag filter (KEY_ONLY, VALUE_ONLY, KEY_AND_VALUE). */
function matchesFilter(tags: readonly Tag[], filter: TagFilter): boolean {
  return tags.some((tag) => {
    if (filter.Type === 'KEY_ONLY') return tag.Key === filter.Key;
    if (filter.Type === 'VALUE_ONLY') return tag.Value === filter.Value;
    return tag.Key === filter.Key && tag.Value === filter.Value;
  });
}

/**
 * On-premises instances: registered, tagged, listed and deregistered as CodeDeploy keeps them. The
 * local CodeDeploy does not deploy to them (its instances are folders, see instances.ts).
 */
export function onPremisesOperations(ctx: ServiceContext): Handlers {
  const { store, now, region, accountId } = ctx;
  const state = store.state;
  const registered = (name: string): OnPremisesInstanceRecord => {
    const instance = state.onPremises.get(name);
    if (!instance || instance.deregisterTime !== undefined) {
      throw new ApiError(
        'InstanceNotRegisteredException',
        `The on-premises instance ${name} is not registered`,
      );
    }
    return instance;
  };

  return {
    async RegisterOnPremisesInstance(input: RegisterOnPremisesInstanceInput) {
      const { instanceName = '', iamSessionArn, iamUserArn } = input;
      if (iamSessionArn === undefined && iamUserArn === undefined) {
        throw new ApiError('IamArnRequiredException', 'Give the instance an iamSessionArn or an iamUserArn');
      }
      if (iamSessionArn !== undefined && iamUserArn !== undefined) {
        throw new ApiError('MultipleIamArnsProvidedException', 'Give iamSessionArn or iamUserArn, not both');
      }
      const active = [...state.onPremises.values()].filter((i) => i.deregisterTime === undefined);
      if (active.some((i) => i.instanceName === instanceName)) {
        throw new ApiError(
          'InstanceNameAlreadyRegisteredException',
          `An on-premises instance named ${instanceName} is already registered`,
        );
      }
      if (iamUserArn !== undefined && active.some((i) => i.iamUserArn === iamUserArn)) {
        throw new ApiError(
          'IamUserArnAlreadyRegisteredException',
          `${iamUserArn} is already registered with another on-premises instance`,
        );
      }
      if (iamSessionArn !== undefined && active.some((i) => i.iamSessionArn === iamSessionArn)) {
        throw new ApiError(
          'IamSessionArnAlreadyRegisteredException',
          `${iamSessionArn} is already registered with another on-premises instance`,
        );
      }
      state.onPremises.set(instanceName, {
        instanceName,
        ...(iamSessionArn !== undefined ? { iamSessionArn } : {}),
        ...(iamUserArn !== undefined ? { iamUserArn } : {}),
        instanceArn: `arn:aws:codedeploy:${region}:${accountId}:instance/${instanceName}`,
        registerTime: now(),
        tags: [],
      });
      await save(store, 'onPremises');
      return {};
    },

    async DeregisterOnPremisesInstance(input: DeregisterOnPremisesInstanceInput) {
      const instance = state.onPremises.get(input.instanceName ?? '');
      if (instance && instance.deregisterTime === undefined) {
        instance.deregisterTime = now();
        await save(store, 'onPremises');
      }
      return {};
    },

    async GetOnPremisesInstance(input: GetOnPremisesInstanceInput) {
      const name = input.instanceName ?? '';
      const instance = state.onPremises.get(name);
      if (!instance) {
        throw new ApiError(
          'InstanceNotRegisteredException',
          `The on-premises instance ${name} is not registered`,
        );
      }
      return { instanceInfo: onPremisesInstanceInfo(instance) };
    },

    async BatchGetOnPremisesInstances(input: BatchGetOnPremisesInstancesInput) {
      const found = (input.instanceNames ?? []).flatMap((name) => state.onPremises.get(name) ?? []);
      return { instanceInfos: found.map(onPremisesInstanceInfo) };
    },

    async ListOnPremisesInstances(input: ListOnPremisesInstancesInput) {
      const status = input.registrationStatus;
      const filters = input.tagFilters ?? [];
      const names = [...state.onPremises.values()]
        .filter(
          (i) =>
            (status === undefined || (status === 'Registered') === (i.deregisterTime === undefined)) &&
            (filters.length === 0 || filters.some((filter) => matchesFilter(i.tags, filter))),
        )
        .map((i) => i.instanceName)
        .sort();
      const scope = JSON.stringify(['on-premises', status, filters]);
      return listPage(ctx, input.nextToken, 'instanceNames', names, (n) => n, scope);
    },

    async AddTagsToOnPremisesInstances(input: AddTagsToOnPremisesInstancesInput) {
      const instances = (input.instanceNames ?? []).map(registered);
      for (const instance of instances) instance.tags = mergeTags(instance.tags, input.tags ?? []);
      await save(store, 'onPremises');
      return {};
    },

    async RemoveTagsFromOnPremisesInstances(input: RemoveTagsFromOnPremisesInstancesInput) {
      const instances = (input.instanceNames ?? []).map(registered);
      const removed = input.tags ?? [];
      for (const instance of instances) {
        instance.tags = instance.tags.filter(
          (tag) =>
            !removed.some((r) => r.Key === tag.Key && (r.Value === undefined || r.Value === tag.Value)),
        );
      }
      await save(store, 'onPremises');
      return {};
    },
  };
}
