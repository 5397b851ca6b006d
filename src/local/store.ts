import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ApplicationRecord,
  DeploymentConfigRecord,
  DeploymentGroupRecord,
  DeploymentRecord,
  InstanceRecord,
  OnPremisesInstanceRecord,
} from './records.js';

/**
 * Everything the service knows, in memory, mirrored to `<dataDir>/codedeploy/` as JSON:
 * applications.json, deployment-groups.json, deployment-configs.json, instances.json,
 * on-premises-instances.json and one deployments/<id>.json per deployment (the file that changes while a deployment runs).
 * Each file is written to a temporary name and renamed, so a crash leaves the old or the new version,
 * never half of one.
 */
export interface State {
  applications: Map<string, ApplicationRecord>;
  /** Keyed by groupKey(applicationName, deploymentGroupName). */
  groups: Map<string, DeploymentGroupRecord>;
  configs: Map<string, DeploymentConfigRecord>;
  deployments: Map<string, DeploymentRecord>;
  /** Keyed by instance id: every instance that has been given a port and not terminated. */
  instances: Map<string, InstanceRecord>;
  /** Keyed by instance name: RegisterOnPremisesInstance's instances, deregistered ones included. */
  onPremises: Map<string, OnPremisesInstanceRecord>;
}

export function groupKey(applicationName: string, deploymentGroupName: string): string {
  return `${applicationName}\u0000${deploymentGroupName}`;
}

/** The group with this id (groups are keyed by name, so this is a scan). */
export function groupById(state: State, deploymentGroupId: string): DeploymentGroupRecord | undefined {
  for (const group of state.groups.values()) if (group.deploymentGroupId === deploymentGroupId) return group;
  return undefined;
}

export type Collection = 'applications' | 'groups' | 'configs' | 'instances' | 'onPremises';

const COLLECTION_FILES: Record<Collection, string> = {
  applications: 'applications.json',
  groups: 'deployment-groups.json',
  configs: 'deployment-configs.json',
  instances: 'instances.json',
  onPremises: 'on-premises-instances.json',
};

export class Store {
  readonly state: State = {
    applications: new Map(),
    groups: new Map(),
    configs: new Map(),
    deployments: new Map(),
    instances: new Map(),
    onPremises: new Map(),
  };
  private readonly dir: string;
  /** One chain per file: writes of the same file never overlap and the last snapshot wins. */
  private readonly writes = new Map<string, { running: Promise<void>; again: boolean }>();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'codedeploy');
  }

  async load(): Promise<void> {
    await mkdir(join(this.dir, 'deployments'), { recursive: true });
    const applications = await this.readJson<ApplicationRecord[]>(COLLECTION_FILES.applications, []);
    for (const app of applications) this.state.applications.set(app.applicationName, app);
    const groups = await this.readJson<DeploymentGroupRecord[]>(COLLECTION_FILES.groups, []);
    for (const group of groups) {
      this.state.groups.set(groupKey(group.applicationName, group.deploymentGroupName), group);
    }
    const configs = await this.readJson<DeploymentConfigRecord[]>(COLLECTION_FILES.configs, []);
    for (const config of configs) this.state.configs.set(config.deploymentConfigName, config);
    const instances = await this.readJson<InstanceRecord[]>(COLLECTION_FILES.instances, []);
    for (const instance of instances) this.state.instances.set(instance.instanceId, instance);
    const onPremises = await this.readJson<OnPremisesInstanceRecord[]>(COLLECTION_FILES.onPremises, []);
    for (const instance of onPremises) this.state.onPremises.set(instance.instanceName, instance);
    for (const name of await readdir(join(this.dir, 'deployments'))) {
      if (!/^d-[A-Z0-9]{9}\.json$/.test(name)) continue;
      const record = await this.readJson<DeploymentRecord | undefined>(join('deployments', name), undefined);
      if (record) this.state.deployments.set(record.deploymentId, record);
    }
  }

  saveCollection(collection: Collection): Promise<void> {
    return this.write(COLLECTION_FILES[collection], () => {
      const values: unknown[] = [...this.state[collection].values()];
      return values;
    });
  }

  saveDeployment(deploymentId: string): Promise<void> {
    return this.write(join('deployments', `${deploymentId}.json`), () =>
      this.state.deployments.get(deploymentId),
    );
  }

  /** Resolves once every write asked for so far is on disk. */
  async flush(): Promise<void> {
    while (this.writes.size > 0) {
      await Promise.all([...this.writes.values()].map((w) => w.running));
    }
  }

  private write(file: string, snapshot: () => unknown): Promise<void> {
    const pending = this.writes.get(file);
    if (pending) {
      pending.again = true;
      return pending.running;
    }
    const entry = { running: Promise.resolve(), again: false };
    entry.running = (async () => {
      try {
        do {
          entry.again = false;
          await this.atomicWrite(file, `${JSON.stringify(snapshot(), null, 2)}\n`);
        } while (entry.again);
      } finally {
        this.writes.delete(file);
      }
    })();
    this.writes.set(file, entry);
    return entry.running;
  }

  private async atomicWrite(file: string, text: string): Promise<void> {
    const target = join(this.dir, file);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, text);
    await rename(temp, target);
  }

  private async readJson<T>(file: string, fallback: T): Promise<T> {
    let text: string;
    try {
      text = await readFile(join(this.dir, file), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new Error(
        `${join(this.dir, file)} is not valid JSON (${(error as Error).message}); ` +
          'fix or delete it, or start the local CodeDeploy with another --data directory',
      );
    }
  }
}
