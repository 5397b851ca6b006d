import type {
  DeploymentGroupInfo,
  DeploymentInfo,
  DeploymentStatus,
  DeploymentTarget,
  RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import type { Clock } from '../../src/core/clock.js';
import { ACTIVE_STATUSES, isFinal } from '../../src/deploy/decisions.js';
import type { CodeDeployApi, DeploymentInput, GroupInput } from '../../src/deploy/ports.js';

/** What a deployment does over time: states it reaches, at ms after it was created (the last one stays). */
export type Timeline = Array<{ at: number } & Partial<DeploymentInfo>>;

/** A deployment that succeeds on `instances` instances after `tookMs`. */
export function succeedsAfter(tookMs: number, instances = 2): Timeline {
  return [
    { at: 0, status: 'InProgress', deploymentOverview: { InProgress: instances } },
    { at: tookMs, status: 'Succeeded', deploymentOverview: { Succeeded: instances } },
  ];
}

/** A deployment whose first instance fails its ValidateService hook after `tookMs`. */
export function failsAfter(tookMs: number): Timeline {
  return [
    { at: 0, status: 'InProgress', deploymentOverview: { InProgress: 1, Pending: 1 } },
    {
      at: tookMs,
      status: 'Failed',
      deploymentOverview: { Failed: 1, Skipped: 1 },
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'too many individual instances failed' },
    },
  ];
}

/** Never ends on its own: only a stop ends it. */
export const runsForever: Timeline = [{ at: 0, status: 'InProgress', deploymentOverview: { InProgress: 2 } }];

interface Deployment {
  id: string;
  group: string;
  createdAt: number;
  timeline: Timeline;
  input: Partial<DeploymentInput>;
  stoppedAt?: number;
}

/** A fault the next call of an operation meets: before CodeDeploy acts on it, or after (its answer lost). */
export interface Fault {
  error: Error;
  /** The call took effect, then its answer was lost. */
  acted?: boolean;
}

/** An error AWS answered, as the SDK throws it: its name, who is at fault, the HTTP status. */
export function awsError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status < 500 ? 'client' : 'server',
    $metadata: { httpStatusCode: status },
  });
}

/** A success the SDK could not parse (a truncated or empty body) for a call that was carried out. */
export const garbledAnswer = (): Fault => ({
  error: Object.assign(new SyntaxError('Unexpected end of JSON input'), {
    $metadata: { httpStatusCode: 200 },
  }),
  acted: true,
});

export const lostAnswer = (): Fault => ({
  error: Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET', $metadata: {} }),
  acted: true,
});

/**
 * An in-memory CodeDeploy for one application that keeps CodeDeploy's rules the flow depends on: one
 * active deployment per group, deployments that move on as the (fake) clock does, StopDeployment
 * ending them, and newest-first listings. Faults can be queued per operation.
 */
export class FakeCodeDeploy implements CodeDeployApi {
  applicationCreated = true;
  readonly groups = new Map<string, DeploymentGroupInfo>();
  readonly deleted: string[] = [];
  /** Every call, in order, with the fake time it was made at. */
  readonly calls: Array<{ op: string; at: number; arg?: unknown }> = [];
  /** What each new deployment of a group does; the default succeeds after 30 s. */
  timelineFor: (group: string) => Timeline = () => succeedsAfter(30_000);
  /** Called as each call arrives, before it is answered (to cancel the run at a given moment). */
  onCall: (op: string) => void = () => {};
  private readonly deployments: Deployment[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private next = 1;

  constructor(private readonly clock: Clock) {}

  addGroup(name: string, info: Partial<DeploymentGroupInfo> = {}): void {
    this.groups.set(name, { deploymentGroupName: name, deploymentGroupId: `id-${name}`, ...info });
  }

  /** A deployment that already exists (another run's), started `agoMs` before now. */
  addDeployment(group: string, timeline: Timeline, input: Partial<DeploymentInput> = {}, agoMs = 0): string {
    const id = `d-${String(this.next++).padStart(9, '0')}`;
    this.deployments.push({ id, group, createdAt: this.clock.now() - agoMs, timeline, input });
    return id;
  }

  failNext(op: keyof CodeDeployApi, ...faults: Fault[]): void {
    this.faults.set(op, [...(this.faults.get(op) ?? []), ...faults]);
  }

  /** The deployments created by CreateDeployment (not those added by the test). */
  created(): string[] {
    return this.calls.filter((call) => call.op === 'created').map((call) => String(call.arg));
  }

  statusOf(id: string): DeploymentStatus | undefined {
    return this.info(this.find(id)).status;
  }

  async applicationExists() {
    return this.call('applicationExists', undefined, () => this.applicationCreated);
  }

  async createApplication() {
    return this.call('createApplication', undefined, () => {
      this.applicationCreated = true;
    });
  }

  async getGroup(group: string) {
    return this.call('getGroup', group, () => this.groups.get(group));
  }

  async createGroup(input: GroupInput) {
    return this.call('createGroup', input, () => {
      const name = input.deploymentGroupName!;
      this.addGroup(name, { serviceRoleArn: input.serviceRoleArn });
      return `id-${name}`;
    });
  }

  async deleteGroup(group: string) {
    return this.call('deleteGroup', group, () => {
      this.groups.delete(group);
      this.deleted.push(group);
    });
  }

  async listDeployments(group: string, statuses?: DeploymentStatus[], limit = Number.POSITIVE_INFINITY) {
    return this.call('listDeployments', { group, statuses }, () =>
      this.deployments
        .filter((d) => d.group === group && (!statuses || statuses.includes(this.info(d).status!)))
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((d) => d.id)
        .slice(0, limit),
    );
  }

  async createDeployment(input: DeploymentInput) {
    return this.call('createDeployment', input, () => {
      const group = input.deploymentGroupName!;
      if (!this.groups.has(group)) throw awsError('DeploymentGroupDoesNotExistException');
      const active = this.deployments.find(
        (d) => d.group === group && ACTIVE_STATUSES.includes(this.info(d).status!),
      );
      if (active)
        throw awsError('DeploymentLimitExceededException', `${group} is already deploying ${active.id}`);
      const id = this.addDeployment(group, this.timelineFor(group), input);
      this.calls.push({ op: 'created', at: this.clock.now(), arg: id });
      return id;
    });
  }

  async getDeployment(id: string) {
    return this.call('getDeployment', id, () => this.info(this.find(id)));
  }

  async batchGetDeployments(ids: string[]) {
    return this.call('batchGetDeployments', ids, () => ids.map((id) => this.info(this.find(id))));
  }

  async stopDeployment(id: string, autoRollbackEnabled: boolean) {
    return this.call('stopDeployment', { id, autoRollbackEnabled }, () => {
      const deployment = this.find(id);
      if (!isFinal(this.info(deployment).status)) deployment.stoppedAt = this.clock.now();
    });
  }

  async continueDeployment(id: string) {
    return this.call('continueDeployment', id, () => undefined);
  }

  async deploymentTargets(id: string): Promise<DeploymentTarget[]> {
    return this.call('deploymentTargets', id, () => {
      const info = this.info(this.find(id));
      if (info.status !== 'Failed') return [];
      return [
        {
          instanceTarget: {
            targetId: 'i-0001',
            status: 'Failed',
            lifecycleEvents: [
              {
                lifecycleEventName: 'ValidateService',
                status: 'Failed',
                diagnostics: {
                  errorCode: 'ScriptFailed',
                  scriptName: 'scripts/validate.sh',
                  message: 'Script at specified location: scripts/validate.sh failed with exit code 1',
                  logTail: 'health check failed\n',
                },
              },
            ],
          },
        },
      ];
    });
  }

  private async call<T>(op: string, arg: unknown, act: () => T): Promise<T> {
    this.calls.push({ op, at: this.clock.now(), arg });
    this.onCall(op);
    const fault = this.faults.get(op)?.shift();
    if (fault && !fault.acted) throw fault.error;
    const result = act();
    if (fault) throw fault.error;
    return result;
  }

  private find(id: string): Deployment {
    const deployment = this.deployments.find((d) => d.id === id);
    if (!deployment) throw awsError('DeploymentDoesNotExistException', `no deployment ${id}`);
    return deployment;
  }

  /** The deployment as CodeDeploy would describe it now. */
  private info(deployment: Deployment): DeploymentInfo {
    const now = this.clock.now();
    const elapsed = now - deployment.createdAt;
    const reached = deployment.timeline.filter((state) => state.at <= elapsed);
    const { at: _at, ...state } = reached.at(-1) ?? { at: 0, status: 'Created' as const };
    const info: DeploymentInfo = {
      deploymentId: deployment.id,
      deploymentGroupName: deployment.group,
      createTime: new Date(deployment.createdAt),
      ...(deployment.input.description ? { description: deployment.input.description } : {}),
      ...(deployment.input.revision ? { revision: deployment.input.revision as RevisionLocation } : {}),
      ...(deployment.input.autoRollbackConfiguration
        ? { autoRollbackConfiguration: deployment.input.autoRollbackConfiguration }
        : {}),
      ...state,
    };
    if (deployment.stoppedAt !== undefined && !isFinal(info.status)) {
      return {
        ...info,
        status: 'Stopped',
        completeTime: new Date(deployment.stoppedAt),
        errorInformation: { code: 'MANUAL_STOP', message: 'stopped by a user' },
      };
    }
    if (isFinal(info.status)) {
      const ended = deployment.createdAt + (reached.at(-1)?.at ?? 0);
      return { ...info, completeTime: new Date(ended) };
    }
    return info;
  }
}
