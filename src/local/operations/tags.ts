import type {
  ListTagsForResourceInput,
  TagResourceInput,
  UntagResourceInput,
} from '@aws-sdk/client-codedeploy';
import type { Tag } from '../records.js';
import type { Collection } from '../store.js';
import { ApiError } from '../wire.js';
import { type Handlers, type ServiceContext, save } from './context.js';
import { findApplication, findConfig, findGroup, mergeTags } from './lookups.js';

/** An application, deployment group or deployment configuration record: each keeps its tags. */
interface Taggable {
  tags?: Tag[];
}

const ARN = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/;
const RESOURCE = /^(application|deploymentgroup|deploymentconfig):(.+)$/;

const MISSING: Record<string, string> = {
  application: 'ApplicationDoesNotExistException',
  deploymentgroup: 'DeploymentGroupDoesNotExistException',
  deploymentconfig: 'DeploymentConfigDoesNotExistException',
};

export function tagOperations(ctx: ServiceContext): Handlers {
  const { store } = ctx;
  const state = store.state;

  /** The application, group or configuration an ARN names, with the collection it is saved in. */
  const resolve = (arn: string): { resource: Taggable; collection: Collection } => {
    const parts = ARN.exec(arn);
    if (!parts) {
      throw new ApiError(
        'InvalidArnException',
        `${arn} is not an ARN: arn:aws:codedeploy:REGION:ACCOUNT:application:NAME, …:deploymentgroup:APP/GROUP or …:deploymentconfig:NAME`,
      );
    }
    const [, service, region, account, rest = ''] = parts;
    const resource = RESOURCE.exec(rest);
    if (service !== 'codedeploy' || !resource) {
      throw new ApiError(
        'ArnNotSupportedException',
        `${arn} is not the ARN of a CodeDeploy application, deployment group or deployment configuration`,
      );
    }
    const [, type = '', name = ''] = resource;
    if (region !== ctx.region || account !== ctx.accountId) {
      throw new ApiError(
        MISSING[type] ?? 'InvalidArnException',
        `${arn} is in region ${region || '(none)'} of account ${account || '(none)'}; the local CodeDeploy is ` +
          `region ${ctx.region} of account ${ctx.accountId}`,
      );
    }
    if (type === 'application') return { resource: findApplication(state, name), collection: 'applications' };
    if (type === 'deploymentconfig') return { resource: findConfig(state, name), collection: 'configs' };
    const slash = name.indexOf('/');
    if (slash < 0) {
      throw new ApiError(
        'InvalidArnException',
        `${arn} names no group: a deployment group ARN ends with APP/GROUP`,
      );
    }
    const app = findApplication(state, name.slice(0, slash));
    return { resource: findGroup(state, app.applicationName, name.slice(slash + 1)), collection: 'groups' };
  };

  return {
    async TagResource(input: TagResourceInput) {
      const { resource, collection } = resolve(input.ResourceArn ?? '');
      resource.tags = mergeTags(resource.tags, input.Tags ?? []);
      await save(store, collection);
      return {};
    },

    async UntagResource(input: UntagResourceInput) {
      const { resource, collection } = resolve(input.ResourceArn ?? '');
      const keys = new Set(input.TagKeys ?? []);
      resource.tags = (resource.tags ?? []).filter((tag) => !keys.has(tag.Key ?? ''));
      await save(store, collection);
      return {};
    },

    async ListTagsForResource(input: ListTagsForResourceInput) {
      return { Tags: resolve(input.ResourceArn ?? '').resource.tags ?? [] };
    },
  };
}
