import { applicationOperations } from './applications.js';
import { configOperations } from './configs.js';
import type { Handlers, ServiceContext } from './context.js';
import { deploymentOperations } from './deployments.js';
import { groupOperations } from './groups.js';
import { onPremisesOperations } from './on-premises.js';
import { revisionOperations } from './revisions.js';
import { tagOperations } from './tags.js';
import { targetOperations } from './targets.js';
import { unsupportedOperations } from './unsupported.js';

/** Every operation of the CodeDeploy API model, by name, each resource's in its own module. */
export function createOperations(ctx: ServiceContext): Handlers {
  return {
    ...applicationOperations(ctx),
    ...groupOperations(ctx),
    ...deploymentOperations(ctx),
    ...targetOperations(ctx),
    ...revisionOperations(ctx),
    ...configOperations(ctx),
    ...tagOperations(ctx),
    ...onPremisesOperations(ctx),
    ...unsupportedOperations(ctx),
  };
}
