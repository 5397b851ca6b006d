import type { S3Client } from '@aws-sdk/client-s3';
import { type AgentOptions, type EventUpdate, runInstance } from './agent/agent.js';
import { createDeploymentRecord } from './deployments.js';
import { nextStep, planHealth } from './health.js';
import { groupInstances, instanceDir, taggedInstanceCount } from './instances.js';
import { inPlaceLifecycle, isBlueGreen, type LifecycleStep } from './lifecycle.js';
import type {
  DeploymentGroupRecord,
  DeploymentRecord,
  ErrorInformation,
  InstanceTargetRecord,
  TargetStatus,
} from './model.js';
import { ACTIVE_STATUSES, TERMINAL_STATUSES } from './model.js';
import type { Store } from './store.js';

/**
 * Runs deployments in the background: assigns the group's instances, starts as many at once as the
 * deployment configuration allows, follows each instance's agent, finishes the deployment
 * (Succeeded, Failed with HEALTH_CONSTRAINTS / NO_INSTANCES / …, or Stopped) and starts the
 * automatic rollback when one is due. Every change is persisted as it happens, so a restarted
 * service picks up where the last one left off (see recover()).
 */
export interface EngineOptions {
  store: Store;
  dataDir: string;
  instancesPerGroup: number;
  /** How long a new deployment stays Created before instances are assigned (target queries fail meanwhile). */
  startDelayMs: number;
  killGraceMs: number;
  s3: S3Client;
  region: string;
  accountId: string;
  now: () => number;
  newDeploymentId: () => string;
}

/** One line of a deployment's instance timeline: when each instance started and ended, in order. */
export interface TimelineEntry {
  instanceId: string;
  phase: 'start' | 'end';
  status?: TargetStatus;
  time: number;
}

const STOP_REASON = 'the deployment was stopped';
const SHUTDOWN_REASON = 'the local CodeDeploy shut down';

export class Engine {
  private readonly runs = new Map<
    string,
    { abort: AbortController; done: Promise<void>; wake: () => void }
  >();
  private readonly waiters = new Map<string, Array<(record: DeploymentRecord) => void>>();
  private readonly timelines = new Map<string, TimelineEntry[]>();
  private shuttingDown = false;

  constructor(private readonly options: EngineOptions) {}

  private get state() {
    return this.options.store.state;
  }

  /** Starts (or resumes) a deployment in the background. */
  start(deploymentId: string): void {
    if (this.runs.has(deploymentId) || this.shuttingDown) return;
    const abort = new AbortController();
    let wake = () => {};
    const entry = { abort, done: Promise.resolve(), wake: () => wake() };
    this.runs.set(deploymentId, entry);
    const wakeSignal = () =>
      new Promise<void>((resolve) => {
        wake = resolve;
      });
    entry.done = this.run(deploymentId, abort.signal, wakeSignal)
      .catch((error: unknown) => this.crash(deploymentId, error))
      .finally(() => this.runs.delete(deploymentId));
  }

  /** StopDeployment: running scripts are terminated, instances not started are Skipped. */
  requestStop(record: DeploymentRecord, autoRollbackEnabled: boolean | undefined): void {
    record.stopRequest = {
      time: this.options.now(),
      ...(autoRollbackEnabled !== undefined ? { autoRollbackEnabled } : {}),
    };
    this.save(record);
    const run = this.runs.get(record.deploymentId);
    run?.abort.abort(STOP_REASON);
    run?.wake();
  }

  /**
   * After a restart: deployments not started yet start now; for those that were running, the
   * instances that were in the middle of their lifecycle are marked Failed (their agent went away,
   * as when a real agent restarts mid-event) and the deployment goes on with the others.
   */
  recover(): void {
    for (const record of this.state.deployments.values()) {
      if (!ACTIVE_STATUSES.has(record.status)) continue;
      for (const target of record.targets ?? []) {
        if (target.status !== 'InProgress') continue;
        const now = this.options.now();
        for (const event of target.lifecycleEvents) {
          if (event.status === 'InProgress') {
            event.status = 'Failed';
            event.endTime = now;
            event.diagnostics = {
              errorCode: 'UnknownError',
              scriptName: event.diagnostics?.scriptName ?? '',
              message:
                'The local CodeDeploy stopped while this lifecycle event was running; after the restart the ' +
                'instance is marked Failed. Deploy again to retry it.',
              logTail: event.diagnostics?.logTail ?? '',
            };
          } else if (event.status === 'Pending') {
            event.status = 'Skipped';
          }
        }
        target.status = 'Failed';
        target.lastUpdatedAt = now;
      }
      this.save(record);
      this.start(record.deploymentId);
    }
  }

  /** Stops every run without finishing it; the persisted state is what recover() resumes from. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const run of this.runs.values()) {
      run.abort.abort(SHUTDOWN_REASON);
      run.wake();
    }
    await Promise.all([...this.runs.values()].map((run) => run.done));
    await this.options.store.flush();
  }

  /** Resolves with the deployment once it is Succeeded, Failed or Stopped. */
  waitFor(deploymentId: string): Promise<DeploymentRecord> {
    const record = this.state.deployments.get(deploymentId);
    if (!record) return Promise.reject(new Error(`no deployment ${deploymentId}`));
    if (TERMINAL_STATUSES.has(record.status)) return Promise.resolve(record);
    return new Promise((resolve) => {
      const list = this.waiters.get(deploymentId) ?? [];
      list.push(resolve);
      this.waiters.set(deploymentId, list);
    });
  }

  timeline(deploymentId: string): TimelineEntry[] {
    return [...(this.timelines.get(deploymentId) ?? [])];
  }

  private save(record: DeploymentRecord): void {
    this.options.store.saveDeployment(record.deploymentId).catch(() => {
      // A failed write is retried by the next change; the in-memory state stays authoritative.
    });
  }

  private async run(deploymentId: string, signal: AbortSignal, nextWake: () => Promise<void>): Promise<void> {
    // Let CreateDeployment answer (and persist) before anything moves.
    await new Promise((resolve) => setImmediate(resolve));
    const record = this.state.deployments.get(deploymentId);
    if (!record) return;
    let wakeUp = nextWake();
    if (record.status === 'Created' || record.status === 'Queued') {
      if (this.options.startDelayMs > 0 && !record.stopRequest) {
        let timer: NodeJS.Timeout | undefined;
        const delay = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.options.startDelayMs);
        });
        await Promise.race([delay, wakeUp]);
        clearTimeout(timer);
        wakeUp = nextWake();
      }
      if (this.shuttingDown) return;
      if (record.stopRequest) return this.finish(record, 'Stopped', stoppedError());
      const failure = this.assignTargets(record);
      if (failure) return this.finish(record, 'Failed', failure);
    }
    const targets = record.targets ?? [];
    const steps = inPlaceLifecycle(record);
    const health = planHealth(record.minimumHealthyHosts, targets.length);
    if ('error' in health) {
      for (const target of targets) if (target.status === 'Pending') this.skipTarget(record, target);
      return this.finish(record, 'Failed', health.error);
    }
    const running = new Map<string, Promise<void>>();

    for (;;) {
      if (this.shuttingDown) {
        await Promise.all(running.values());
        return;
      }
      if (record.stopRequest) {
        await Promise.all(running.values());
        if (this.shuttingDown) return;
        for (const target of targets) if (target.status === 'Pending') this.skipTarget(record, target);
        return this.finish(record, 'Stopped', stoppedError());
      }
      const step = nextStep(
        health.plan,
        targets.map((t) => t.status),
      );
      if (step.kind === 'finish') {
        for (const target of targets) if (target.status === 'Pending') this.skipTarget(record, target);
        return this.finish(record, step.status, step.errorInformation);
      }
      if (step.kind === 'start') {
        const chosen = targets.filter((t) => t.status === 'Pending').slice(0, step.count);
        for (const target of chosen) {
          const done = this.runTarget(record, target, steps, signal).finally(() => {
            running.delete(target.targetId);
            this.runs.get(deploymentId)?.wake();
          });
          running.set(target.targetId, done);
        }
        continue;
      }
      await wakeUp;
      wakeUp = nextWake();
    }
  }

  private assignTargets(record: DeploymentRecord): ErrorInformation | undefined {
    const group = this.groupOf(record);
    const now = this.options.now();
    record.targets = [];
    if (!group) {
      return {
        code: 'DEPLOYMENT_GROUP_MISSING',
        message: `The deployment group ${record.deploymentGroupName} was deleted before the deployment started.`,
      };
    }
    if (isBlueGreen(record)) {
      return {
        code: 'INTERNAL_ERROR',
        message:
          'The local CodeDeploy runs in-place deployments only; this deployment group is BLUE_GREEN. ' +
          'Use deploymentStyle IN_PLACE for local runs.',
      };
    }
    const count = taggedInstanceCount(group.settings) ?? this.options.instancesPerGroup;
    if (count === 0) {
      return {
        code: 'NO_INSTANCES',
        message:
          'The deployment failed because no instances were found for your deployment group. Check your deployment ' +
          'group settings to make sure the tags for your Amazon EC2 instances or Auto Scaling groups correctly ' +
          'identify the instances you want to deploy to, and then try again.',
      };
    }
    const health = planHealth(record.minimumHealthyHosts, count);
    if ('error' in health) return health.error;
    const steps = inPlaceLifecycle(record);
    const { region, accountId } = this.options;
    record.targets = groupInstances(
      this.options.dataDir,
      record.applicationName,
      record.deploymentGroupName,
      count,
    ).map(
      (instance): InstanceTargetRecord => ({
        targetId: instance.instanceId,
        targetArn: `arn:aws:ec2:${region}:${accountId}:instance/${instance.instanceId}`,
        status: 'Pending',
        lastUpdatedAt: now,
        lifecycleEvents: steps.map((s) => ({ lifecycleEventName: s.event, status: 'Pending' })),
      }),
    );
    record.status = 'InProgress';
    record.startTime = now;
    this.save(record);
    return undefined;
  }

  private async runTarget(
    record: DeploymentRecord,
    target: InstanceTargetRecord,
    steps: readonly LifecycleStep[],
    signal: AbortSignal,
  ): Promise<void> {
    const timeline = this.timelines.get(record.deploymentId) ?? [];
    this.timelines.set(record.deploymentId, timeline);
    target.status = 'InProgress';
    target.lastUpdatedAt = this.options.now();
    timeline.push({ instanceId: target.targetId, phase: 'start', time: target.lastUpdatedAt });
    this.save(record);
    const location = record.revision.s3Location ?? {};
    const agentOptions: AgentOptions = { s3: this.options.s3, killGraceMs: this.options.killGraceMs };
    const report = (index: number, update: EventUpdate) => {
      const event = target.lifecycleEvents[index];
      if (!event) return;
      const now = this.options.now();
      event.status = update.status;
      if (update.status === 'InProgress') event.startTime = now;
      else if (update.status !== 'Skipped') event.endTime = now;
      if (update.diagnostics) event.diagnostics = update.diagnostics;
      target.lastUpdatedAt = now;
      this.save(record);
    };
    let outcome: 'Succeeded' | 'Failed' | 'Aborted';
    try {
      outcome = await runInstance(
        agentOptions,
        instanceDir(this.options.dataDir, target.targetId),
        {
          deploymentId: record.deploymentId,
          applicationName: record.applicationName,
          deploymentGroupName: record.deploymentGroupName,
          deploymentGroupId: record.deploymentGroupId,
          s3Location: location,
          fileExistsBehavior: record.fileExistsBehavior,
          ignoreApplicationStopFailures: record.ignoreApplicationStopFailures,
        },
        steps,
        signal,
        report,
      );
    } catch (error) {
      // The agent could not even prepare its folders: the instance fails like an unreachable agent.
      const first = target.lifecycleEvents.find((e) => e.status === 'Pending' || e.status === 'InProgress');
      if (first) {
        first.status = 'Failed';
        first.diagnostics = {
          errorCode: 'UnknownError',
          scriptName: '',
          message: `The local agent failed: ${(error as Error).message}`,
          logTail: '',
        };
      }
      outcome = 'Failed';
    }
    if (this.shuttingDown) return;
    target.status = outcome === 'Succeeded' ? 'Succeeded' : 'Failed';
    target.lastUpdatedAt = this.options.now();
    timeline.push({
      instanceId: target.targetId,
      phase: 'end',
      status: target.status,
      time: target.lastUpdatedAt,
    });
    this.save(record);
  }

  private skipTarget(record: DeploymentRecord, target: InstanceTargetRecord): void {
    target.status = 'Skipped';
    target.lastUpdatedAt = this.options.now();
    for (const event of target.lifecycleEvents) if (event.status === 'Pending') event.status = 'Skipped';
    this.save(record);
  }

  private groupOf(record: DeploymentRecord): DeploymentGroupRecord | undefined {
    for (const group of this.state.groups.values()) {
      if (group.deploymentGroupId === record.deploymentGroupId) return group;
    }
    return undefined;
  }

  private finish(
    record: DeploymentRecord,
    status: 'Succeeded' | 'Failed' | 'Stopped',
    error?: ErrorInformation,
  ): void {
    record.status = status;
    record.completeTime = this.options.now();
    record.targets ??= [];
    if (error) record.errorInformation = error;
    const group = this.groupOf(record);
    if (group && status === 'Succeeded') {
      group.lastSuccessfulDeploymentId = record.deploymentId;
      this.options.store.saveCollection('groups').catch(() => {});
    }
    if (group) this.rollbackIfDue(record, group);
    this.save(record);
    for (const resolve of this.waiters.get(record.deploymentId) ?? []) resolve(record);
    this.waiters.delete(record.deploymentId);
  }

  /**
   * A failed deployment (event DEPLOYMENT_FAILURE) or a stopped one (StopDeployment's
   * autoRollbackEnabled, else event DEPLOYMENT_STOP_ON_REQUEST) redeploys the group's last
   * successful revision as a new deployment created by codeDeployRollback.
   */
  private rollbackIfDue(record: DeploymentRecord, group: DeploymentGroupRecord): void {
    if (record.creator === 'codeDeployRollback' || record.status === 'Succeeded') return;
    const config = record.autoRollbackConfiguration;
    const enabledFor = (event: string) => config?.enabled === true && (config.events ?? []).includes(event);
    const due =
      record.status === 'Failed'
        ? enabledFor('DEPLOYMENT_FAILURE')
        : (record.stopRequest?.autoRollbackEnabled ?? enabledFor('DEPLOYMENT_STOP_ON_REQUEST'));
    if (!due) return;
    const lastSuccessful = group.lastSuccessfulDeploymentId
      ? this.state.deployments.get(group.lastSuccessfulDeploymentId)
      : undefined;
    const deploymentConfig = this.state.configs.get(record.deploymentConfigName);
    if (!lastSuccessful || !deploymentConfig) {
      record.rollbackInfo = {
        rollbackMessage:
          'Automatic rollback was not performed: the deployment group has no successful deployment whose revision could be redeployed.',
      };
      return;
    }
    const rollback = createDeploymentRecord(
      this.state,
      {
        group,
        config: deploymentConfig,
        revision: lastSuccessful.revision,
        description: `Rollback of ${record.deploymentId}`,
        creator: 'codeDeployRollback',
        ignoreApplicationStopFailures: record.ignoreApplicationStopFailures,
        ...(config ? { autoRollbackConfiguration: config } : {}),
        fileExistsBehavior: record.fileExistsBehavior,
        rollbackInfo: {
          rollbackTriggeringDeploymentId: record.deploymentId,
          rollbackMessage: `Automatic rollback of ${record.deploymentId}: redeploys the revision of ${lastSuccessful.deploymentId}, the last successful deployment.`,
        },
      },
      this.options.now(),
      this.options.newDeploymentId,
    );
    record.rollbackInfo = {
      rollbackDeploymentId: rollback.deploymentId,
      rollbackMessage: `Deployment ${record.deploymentId} is rolled back by ${rollback.deploymentId}, which redeploys the revision of ${lastSuccessful.deploymentId}.`,
    };
    this.save(rollback);
    this.options.store.saveCollection('groups').catch(() => {});
    this.options.store.saveCollection('applications').catch(() => {});
    this.start(rollback.deploymentId);
  }

  /** A bug in the engine must not leave a deployment InProgress forever. */
  private crash(deploymentId: string, error: unknown): void {
    const record = this.state.deployments.get(deploymentId);
    if (!record || TERMINAL_STATUSES.has(record.status) || this.shuttingDown) return;
    this.finish(record, 'Failed', {
      code: 'INTERNAL_ERROR',
      message: `The local CodeDeploy failed while running the deployment: ${(error as Error).message}`,
    });
  }
}

function stoppedError(): ErrorInformation {
  return { code: 'MANUAL_STOP', message: 'The deployment was stopped by a StopDeployment request.' };
}
