import type { Engine } from '../engine.js';
import type { Fleets } from '../fleets.js';
import { paginate } from '../pagination.js';
import type { Collection, Store } from '../store.js';

/**
 * What the operations share: the state, the engine that runs deployments, the instances and their
 * routers, the clock. Each resource's operations (applications.ts, groups.ts, …) receive it;
 * state changes are persisted before an operation answers.
 */
export interface ServiceContext {
  store: Store;
  engine: Engine;
  /** Each deployment group has a local router from its creation to its deletion. */
  fleets: Fleets;
  now: () => number;
  newDeploymentId: () => string;
  pageSize: number;
  region: string;
  accountId: string;
}

/**
 * An operation's handler. Its input has been read by the API model (validate.ts): members, types,
 * required members and the constraints table are already checked, so the SDK's input type describes it.
 */
export type Handler = (input: never) => Promise<unknown>;
export type Handlers = Record<string, Handler>;

export async function save(store: Store, ...collections: Collection[]): Promise<void> {
  await Promise.all(collections.map((collection) => store.saveCollection(collection)));
}

/**
 * One page of a List operation, as CodeDeploy answers it: `{ [member]: items, nextToken? }`. Items
 * are shown as their key unless `render` says otherwise.
 */
export function listPage<T>(
  ctx: ServiceContext,
  nextToken: string | undefined,
  member: string,
  items: readonly T[],
  keyOf: (item: T) => string,
  scope: string,
  render: (item: T) => unknown = keyOf,
): Record<string, unknown> {
  const page = paginate(items, keyOf, nextToken, ctx.pageSize, scope);
  return { [member]: page.items.map(render), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
