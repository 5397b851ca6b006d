import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { groupInstances, instanceDir, type LocalInstance, taggedInstanceCount } from './instances.js';
import { stopInstanceProcesses } from './processes.js';
import type { DeploymentGroupRecord, InstanceRecord } from './records.js';
import { type RouteTarget, TrafficRouter } from './router.js';
import { groupById, type Store } from './store.js';

export interface FleetsOptions {
  store: Store;
  dataDir: string;
  /** Instances of a group without a `local:instances` tag filter. */
  instancesPerGroup: number;
  /** Where the routers listen (the service's host). */
  host: string;
  /** Between SIGTERM and SIGKILL of a terminated instance's processes. */
  killGraceMs: number;
  /** Told each time a group's router starts listening. */
  onRouter?: (router: RouterInfo) => void;
}

/** A deployment group's local router, as the handle and GET /_local/routers show it. */
export interface RouterInfo {
  applicationName: string;
  deploymentGroupName: string;
  url: string;
  /** The instances it forwards to now. */
  targets: RouteTarget[];
}

/**
 * The local instances as machines: which ones form a group's fleet, the port each one's
 * application listens on, the group's router (its load balancer) and which instances it sends
 * traffic to, and terminating instances (their processes stopped, their directories removed).
 */
export class Fleets {
  private readonly opening = new Map<string, Promise<TrafficRouter>>();
  private readonly routers = new Map<string, TrafficRouter>();
  /** Port allocations one at a time, so two instances never get the same port. */
  private allocating: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: FleetsOptions) {}

  private get state() {
    return this.options.store.state;
  }

  /** The group's fleet: what a blue/green deployment left it, else its tag count (or the default). */
  fleet(group: DeploymentGroupRecord): LocalInstance[] {
    const ids =
      group.fleet ??
      groupInstances(
        this.options.dataDir,
        group.applicationName,
        group.deploymentGroupName,
        this.desiredCount(group),
      ).map((instance) => instance.instanceId);
    return ids.map((instanceId) => this.describe(instanceId));
  }

  /** How many instances a deployment provisions or finds for the group. */
  desiredCount(group: DeploymentGroupRecord): number {
    return taggedInstanceCount(group.settings) ?? this.options.instancesPerGroup;
  }

  describe(instanceId: string): LocalInstance {
    const port = this.state.instances.get(instanceId)?.port;
    return {
      instanceId,
      dir: instanceDir(this.options.dataDir, instanceId),
      ...(port !== undefined ? { port } : {}),
    };
  }

  /** Instances out of every group but still running (KEEP_ALIVE, a failed deployment's replacements). */
  kept(): LocalInstance[] {
    return [...this.state.instances.values()]
      .filter((instance) => instance.state === 'kept')
      .map((instance) => this.describe(instance.instanceId));
  }

  /** The instance's port, given on first use and kept for its lifetime. */
  async port(instanceId: string, deploymentGroupId: string): Promise<number> {
    const known = this.state.instances.get(instanceId);
    if (known) return known.port;
    const result = this.allocating.then(async () => {
      const again = this.state.instances.get(instanceId);
      if (again) return again.port;
      const taken = new Set([...this.state.instances.values()].map((instance) => instance.port));
      const port = await instancePort(this.options.host, taken);
      const record: InstanceRecord = { instanceId, deploymentGroupId, port, state: 'in-service' };
      this.state.instances.set(instanceId, record);
      await this.options.store.saveCollection('instances');
      return port;
    });
    this.allocating = result.catch(() => {});
    const port = await result;
    await this.route(deploymentGroupId);
    return port;
  }

  /** Starts the group's router (on its previous port when free) unless it runs. */
  async openRouter(group: DeploymentGroupRecord): Promise<string> {
    const id = group.deploymentGroupId;
    let opening = this.opening.get(id);
    if (!opening) {
      opening = TrafficRouter.start(
        `${group.applicationName}/${group.deploymentGroupName}`,
        this.options.host,
        group.routerPort,
      );
      this.opening.set(id, opening);
      const router = await opening;
      this.routers.set(id, router);
      if (group.routerPort !== router.port) {
        group.routerPort = router.port;
        await this.options.store.saveCollection('groups');
      }
      await this.route(id);
      this.options.onRouter?.(this.routerInfo(group, router));
    }
    return (await opening).url;
  }

  async closeRouter(deploymentGroupId: string): Promise<void> {
    const opening = this.opening.get(deploymentGroupId);
    this.opening.delete(deploymentGroupId);
    this.routers.delete(deploymentGroupId);
    await (await opening)?.close();
  }

  router(group: DeploymentGroupRecord): RouterInfo | undefined {
    const router = this.routers.get(group.deploymentGroupId);
    return router ? this.routerInfo(group, router) : undefined;
  }

  routerList(): RouterInfo[] {
    return [...this.state.groups.values()].flatMap((group) => {
      const info = this.router(group);
      return info ? [info] : [];
    });
  }

  /** AllowTraffic: the router starts sending the instance requests. */
  async allow(deploymentGroupId: string, instanceId: string): Promise<string> {
    return this.changeTraffic(deploymentGroupId, (ids) => [
      ...ids.filter((id) => id !== instanceId),
      instanceId,
    ]);
  }

  /** BlockTraffic: the router stops sending the instance requests. */
  async block(deploymentGroupId: string, instanceId: string): Promise<string> {
    return this.changeTraffic(deploymentGroupId, (ids) => ids.filter((id) => id !== instanceId));
  }

  /** The group's instances are now these (a blue/green deployment switched fleets). */
  async setFleet(deploymentGroupId: string, instanceIds: string[]): Promise<void> {
    const group = groupById(this.state, deploymentGroupId);
    if (!group) return;
    group.fleet = [...instanceIds];
    for (const id of instanceIds) {
      const instance = this.state.instances.get(id);
      if (instance) instance.state = 'in-service';
    }
    await Promise.all([
      this.options.store.saveCollection('groups'),
      this.options.store.saveCollection('instances'),
    ]);
  }

  /** Instances that leave their group but keep running. */
  async keep(instanceIds: string[]): Promise<void> {
    for (const id of instanceIds) {
      const instance = this.state.instances.get(id);
      if (instance) instance.state = 'kept';
    }
    await this.options.store.saveCollection('instances');
  }

  /** Terminates instances: their processes are stopped and their directories removed. */
  async terminate(instanceIds: string[]): Promise<void> {
    const dirs = instanceIds.map((id) => instanceDir(this.options.dataDir, id));
    await stopInstanceProcesses(dirs, this.options.killGraceMs);
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    for (const id of instanceIds) this.state.instances.delete(id);
    await this.options.store.saveCollection('instances');
  }

  /** The emulator stops: every instance's processes stop with it, the routers close. */
  async shutdown(): Promise<void> {
    const dirs = [...this.state.instances.keys()].map((id) => instanceDir(this.options.dataDir, id));
    await stopInstanceProcesses(dirs, this.options.killGraceMs);
    await Promise.all([...this.opening.keys()].map((id) => this.closeRouter(id)));
  }

  private async changeTraffic(
    deploymentGroupId: string,
    change: (ids: string[]) => string[],
  ): Promise<string> {
    const group = groupById(this.state, deploymentGroupId);
    if (!group) return 'the deployment group no longer exists, so no router routes to this instance';
    group.traffic = change(group.traffic ?? this.fleet(group).map((instance) => instance.instanceId));
    await this.options.store.saveCollection('groups');
    await this.route(deploymentGroupId);
    const router = this.routers.get(deploymentGroupId);
    return router
      ? `the local router ${router.url} now sends traffic to ${group.traffic.length} instance(s)`
      : 'the group has no local router';
  }

  /** Points the group's router at the instances registered with it that have a port. */
  private async route(deploymentGroupId: string): Promise<void> {
    const router = await this.opening.get(deploymentGroupId);
    const group = groupById(this.state, deploymentGroupId);
    if (!router || !group) return;
    router.setTargets(this.targetsOf(group));
  }

  private targetsOf(group: DeploymentGroupRecord): RouteTarget[] {
    const ids = group.traffic ?? this.fleet(group).map((instance) => instance.instanceId);
    return ids.flatMap((instanceId) => {
      const port = this.state.instances.get(instanceId)?.port;
      return port === undefined ? [] : [{ instanceId, port }];
    });
  }

  private routerInfo(group: DeploymentGroupRecord, router: TrafficRouter): RouterInfo {
    return {
      applicationName: group.applicationName,
      deploymentGroupName: group.deploymentGroupName,
      url: router.url,
      targets: router.currentTargets(),
    };
  }
}

/**
 * A port for an instance's application, free now and unlikely to be taken before the application
 * binds it, which may be minutes later. Ports the OS hands out for port 0 also serve as the local ports
 * of outgoing connections, so one of those can be in use by then; this draws from below the
 * ephemeral range instead (Linux: /proc/sys/net/ipv4/ip_local_port_range), checking each candidate.
 */
async function instancePort(host: string, taken: Set<number>): Promise<number> {
  const ephemeralFrom = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .then((text) => Number(text.trim().split(/\s+/)[0]))
    .catch(() => 32768);
  const low = 10_000;
  const high = Math.max(low + 1000, ephemeralFrom) - 1;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (!taken.has(port) && (await canListen(host, port))) return port;
  }
  throw new Error(`no free port between ${low} and ${high} on ${host} for an instance`);
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
