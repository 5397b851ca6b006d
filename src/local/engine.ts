import type { S3Client } from '@aws-sdk/client-s3';
import { type AgentOptions, type EventUpdate, runInstance } from './agent/agent.js';
import type { RunasPolicy } from './agent/users.js';
import { createDeploymentRecord, lastSuccessful } from './deployments.js';
import type { Fleets } from './fleets.js';
import { HEALTH_CONSTRAINTS_MESSAGE, nextStep, planHealth } from './health.js';
import { instanceDir, replacementInstanceId } from './instances.js';
import {
  blueGreenLifecycle,
  blueGreenRollbackLifecycle,
  INSTALL_STEPS,
  inPlaceLifecycle,
  isBlueGreen,
  type LifecycleStep,
} from './lifecycle.js';
import type {
  DeploymentConfigRecord,
  DeploymentGroupRecord,
  DeploymentRecord,
  ErrorInformation,
  InstanceLabel,
  InstanceTargetRecord,
  TargetStatus,
} from './records.js';
import { ACTIVE_STATUSES, TERMINAL_STATUSES } from './records.js';
import { groupById, type Store } from './store.js';

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
  fleets: Fleets;
  /** Minutes-based timers (deployment-ready wait, termination wait) last minutes × 60 s × timeScale. */
  timeScale: number;
  /** How long a new deployment stays Created (target queries answer DeploymentNotStartedException meanwhile). */
  startDelayMs: number;
  /** Then how long it stays Queued, as while an agent picks it up, before instances are assigned. */
  queuedMs: number;
  killGraceMs: number;
  /** How hooks with runas or sudo run (see agent/users.ts). */
  users: RunasPolicy;
  s3: S3Client;
  /** The local git repository standing for a GitHub repository (`account/name`); undefined when none does. */
  gitHubRepository: (repository: string) => Promise<string | undefined>;
  region: string;
  accountId: string;
  now: () => number;
  newDeploymentId: () => string;
}

/** One line of a deployment's instance timeline: when each instance started and ended, in order. */
export interface TimelineEntry {
  instanceId: string;
  /** Blue/green: the instance's fleet (an instance of a blue/green deployment may appear twice: install, then traffic). */
  instanceLabel?: InstanceLabel;
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

  /** ContinueDeployment: ends the deployment-ready wait (READY_WAIT) or the termination wait early. */
  requestContinue(record: DeploymentRecord, wait: 'READY_WAIT' | 'TERMINATION_WAIT'): void {
    record.continued = [...(record.continued ?? []), wait];
    this.save(record);
    this.runs.get(record.deploymentId)?.wake();
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
    /** Until something changes (an instance ended, a stop or continue request) or `ms` passed. */
    const changed = async (ms?: number) => {
      let timer: NodeJS.Timeout | undefined;
      const elapsed =
        ms === undefined
          ? []
          : [
              new Promise<void>((resolve) => {
                timer = setTimeout(resolve, ms);
              }),
            ];
      await Promise.race([wakeUp, ...elapsed]);
      clearTimeout(timer);
      wakeUp = nextWake();
    };
    if (record.status === 'Created' || record.status === 'Queued') {
      const { startDelayMs, queuedMs } = this.options;
      if (record.status === 'Created' && startDelayMs > 0 && !record.stopRequest) await changed(startDelayMs);
      if (record.status === 'Created' && queuedMs > 0 && !record.stopRequest && !this.shuttingDown) {
        record.status = 'Queued';
        this.save(record);
        await changed(queuedMs);
      }
      if (this.shuttingDown) return;
      if (record.stopRequest) return this.finish(record, 'Stopped', stoppedError());
      const failure = this.assignTargets(record);
      if (failure) return this.finish(record, 'Failed', failure);
    }
    if (record.fleets) return this.runBlueGreen(record, signal, changed);
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
      await changed();
    }
  }

  private assignTargets(record: DeploymentRecord): ErrorInformation | undefined {
    const group = groupById(this.state, record.deploymentGroupId);
    const now = this.options.now();
    record.targets = [];
    if (!group) {
      return {
        code: 'DEPLOYMENT_GROUP_MISSING',
        message: `The deployment group ${record.deploymentGroupName} was deleted before the deployment started.`,
      };
    }
    const { fleets, region, accountId } = this.options;
    // A blue/green rollback moves traffic between the fleets it was given: it provisions nothing.
    const rollback = record.creator === 'codeDeployRollback' && record.fleets !== undefined;
    const blueGreen = rollback || isBlueGreen(record);
    if (!rollback) {
      const count = blueGreen ? fleets.desiredCount(group) : fleets.fleet(group).length;
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
      if (blueGreen) {
        record.fleets = {
          original: fleets.fleet(group).map((instance) => instance.instanceId),
          replacement: Array.from({ length: count }, (_, index) =>
            replacementInstanceId(record.deploymentId, index),
          ),
        };
      }
    }
    const target = (
      instanceId: string,
      steps: LifecycleStep[],
      instanceLabel?: InstanceLabel,
    ): InstanceTargetRecord => ({
      targetId: instanceId,
      targetArn: `arn:aws:ec2:${region}:${accountId}:instance/${instanceId}`,
      status: 'Pending',
      ...(instanceLabel ? { instanceLabel } : {}),
      lastUpdatedAt: now,
      lifecycleEvents: steps.map((s) => ({ lifecycleEventName: s.event, status: 'Pending' })),
    });
    if (record.fleets) {
      const lifecycle = rollback ? blueGreenRollbackLifecycle() : blueGreenLifecycle();
      record.targets = [
        ...record.fleets.original.map((id) => target(id, lifecycle.original, 'Blue')),
        ...record.fleets.replacement.map((id) => target(id, lifecycle.replacement, 'Green')),
      ];
    } else {
      const steps = inPlaceLifecycle(record);
      record.targets = fleets.fleet(group).map((instance) => target(instance.instanceId, steps));
    }
    record.status = 'InProgress';
    record.startTime = now;
    this.save(record);
    return undefined;
  }

  /**
   * A blue/green deployment, in CodeDeploy's order: the replacement (Green) instances install the
   * revision, all at once, and become Ready; with `deploymentReadyOption.actionOnTimeout`
   * STOP_DEPLOYMENT the deployment is Ready until ContinueDeployment (or Stopped when the wait runs
   * out); the replacement instances take traffic (as many at once as the configuration allows),
   * then the original (Blue) instances lose it; the group's fleet is now the replacement one; the
   * original instances are terminated after the termination wait, or kept (KEEP_ALIVE). Any failed
   * instance fails the deployment before the next phase: traffic stays where it is and the automatic
   * rollback, when due, moves it back. A blue/green rollback runs the traffic events the other way
   * round and terminates the replacement instances.
   */
  private async runBlueGreen(
    record: DeploymentRecord,
    signal: AbortSignal,
    changed: (ms?: number) => Promise<void>,
  ): Promise<void> {
    const { fleets } = this.options;
    const groupId = record.deploymentGroupId;
    const targets = record.targets ?? [];
    const original = targets.filter((t) => t.instanceLabel === 'Blue');
    const replacement = targets.filter((t) => t.instanceLabel === 'Green');
    const ids = (list: InstanceTargetRecord[]) => list.map((t) => t.targetId);
    const phase = (
      fleet: InstanceTargetRecord[],
      steps: LifecycleStep[],
      segment: Segment,
      concurrency: number,
    ) => this.runPhase(record, fleet, steps, segment, concurrency, signal, changed);

    if (record.creator === 'codeDeployRollback') {
      const lifecycle = blueGreenRollbackLifecycle();
      let outcome = await phase(original, lifecycle.original, whole(lifecycle.original), original.length);
      if (outcome === 'done')
        outcome = await phase(
          replacement,
          lifecycle.replacement,
          whole(lifecycle.replacement),
          replacement.length,
        );
      if (outcome !== 'done') return this.endEarly(record, outcome);
      await fleets.setFleet(groupId, ids(original));
      await fleets.terminate(ids(replacement));
      return this.finish(record, 'Succeeded');
    }

    const lifecycle = blueGreenLifecycle();
    const settings = blueGreenSettings(record);
    const health = planHealth(record.minimumHealthyHosts, replacement.length);
    if ('error' in health) return this.endEarly(record, 'failed', health.error);
    const install: Segment = { from: 0, to: INSTALL_STEPS, startsAt: 'Pending', endsAs: 'Ready' };
    let outcome = await phase(replacement, lifecycle.replacement, install, replacement.length);
    if (outcome === 'done' && settings.deploymentReadyOption?.actionOnTimeout === 'STOP_DEPLOYMENT') {
      outcome = await this.readyWait(record, settings, changed);
    }
    if (outcome === 'done') {
      const allow: Segment = {
        from: INSTALL_STEPS,
        to: lifecycle.replacement.length,
        startsAt: 'Ready',
        endsAs: 'Succeeded',
      };
      outcome = await phase(replacement, lifecycle.replacement, allow, health.plan.maxConcurrent);
    }
    if (outcome === 'done')
      outcome = await phase(original, lifecycle.original, whole(lifecycle.original), original.length);
    if (outcome !== 'done') return this.endEarly(record, outcome);
    await fleets.setFleet(groupId, ids(replacement));
    const termination = settings.terminateBlueInstancesOnDeploymentSuccess;
    if (termination?.action === 'KEEP_ALIVE') {
      await fleets.keep(ids(original));
    } else {
      record.terminationWaitStartedAt ??= this.options.now();
      this.save(record);
      const waited = await this.waitMinutes(
        record,
        record.terminationWaitStartedAt,
        termination?.terminationWaitTimeInMinutes ?? 0,
        'TERMINATION_WAIT',
        changed,
      );
      if (waited === 'stopped' || waited === 'shutdown') return this.endEarly(record, waited);
      await fleets.terminate(ids(original));
    }
    return this.finish(record, 'Succeeded');
  }

  /** Status Ready until ContinueDeployment(READY_WAIT); Stopped when the wait runs out. */
  private async readyWait(
    record: DeploymentRecord,
    settings: BlueGreenSettings,
    changed: (ms?: number) => Promise<void>,
  ): Promise<PhaseOutcome> {
    record.status = 'Ready';
    record.readyWaitStartedAt ??= this.options.now();
    this.save(record);
    const minutes = settings.deploymentReadyOption?.waitTimeInMinutes ?? 0;
    const waited = await this.waitMinutes(record, record.readyWaitStartedAt, minutes, 'READY_WAIT', changed);
    if (waited === 'elapsed') {
      this.endEarly(record, 'stopped', {
        code: 'TIMEOUT',
        message:
          `The deployment was stopped because traffic was not rerouted to the replacement instances within the ` +
          `deployment-ready wait (${minutes} minute${minutes === 1 ? '' : 's'}, deploymentReadyOption STOP_DEPLOYMENT). ` +
          'Reroute it with ContinueDeployment (deploymentWaitType READY_WAIT) before the wait runs out.',
      });
      return 'ended';
    }
    if (waited === 'continued') {
      record.status = 'InProgress';
      this.save(record);
      return 'done';
    }
    return waited;
  }

  /** Waits `minutes` (scaled) from `since`, unless ContinueDeployment ends that wait, a stop or a shutdown comes. */
  private async waitMinutes(
    record: DeploymentRecord,
    since: number,
    minutes: number,
    wait: 'READY_WAIT' | 'TERMINATION_WAIT',
    changed: (ms?: number) => Promise<void>,
  ): Promise<'elapsed' | 'continued' | 'stopped' | 'shutdown'> {
    const until = since + minutes * 60_000 * this.options.timeScale;
    for (;;) {
      if (this.shuttingDown) return 'shutdown';
      if (record.stopRequest) return 'stopped';
      if (record.continued?.includes(wait)) return 'continued';
      const left = until - this.options.now();
      if (left <= 0) return 'elapsed';
      await changed(left);
    }
  }

  /**
   * Runs one segment of the lifecycle on `fleet`, at most `concurrency` instances at once, starting
   * the instances whose status is `segment.startsAt`. After a failure no further instance starts.
   */
  private async runPhase(
    record: DeploymentRecord,
    fleet: InstanceTargetRecord[],
    steps: LifecycleStep[],
    segment: Segment,
    concurrency: number,
    signal: AbortSignal,
    changed: (ms?: number) => Promise<void>,
  ): Promise<PhaseOutcome> {
    const running = new Map<string, Promise<void>>();
    for (;;) {
      if (this.shuttingDown || record.stopRequest) {
        await Promise.all(running.values());
        return this.shuttingDown ? 'shutdown' : 'stopped';
      }
      const failed = fleet.some((t) => t.status === 'Failed');
      if (!failed) {
        const chosen = fleet
          .filter((t) => t.status === segment.startsAt)
          .slice(0, Math.max(0, concurrency - running.size));
        for (const target of chosen) {
          const done = this.runTarget(record, target, steps, signal, segment).finally(() => {
            running.delete(target.targetId);
            this.runs.get(record.deploymentId)?.wake();
          });
          running.set(target.targetId, done);
        }
      }
      if (running.size === 0) return failed ? 'failed' : 'done';
      await changed();
    }
  }

  /** A blue/green deployment that ends before its last phase: what did not run is Skipped. */
  private endEarly(record: DeploymentRecord, outcome: PhaseOutcome, error?: ErrorInformation): void {
    if (outcome === 'shutdown' || outcome === 'ended' || outcome === 'done') return;
    for (const target of record.targets ?? []) {
      if (target.status === 'Pending') this.skipTarget(record, target);
      else
        for (const event of target.lifecycleEvents) if (event.status === 'Pending') event.status = 'Skipped';
    }
    if (outcome === 'stopped') this.finish(record, 'Stopped', error ?? stoppedError());
    else
      this.finish(
        record,
        'Failed',
        error ?? { code: 'HEALTH_CONSTRAINTS', message: HEALTH_CONSTRAINTS_MESSAGE },
      );
  }

  /** Runs `segment` of the lifecycle (all of it by default) on one instance through its agent. */
  private async runTarget(
    record: DeploymentRecord,
    target: InstanceTargetRecord,
    steps: readonly LifecycleStep[],
    signal: AbortSignal,
    segment: Segment = whole(steps),
  ): Promise<void> {
    const timeline = this.timelines.get(record.deploymentId) ?? [];
    this.timelines.set(record.deploymentId, timeline);
    const label = target.instanceLabel ? { instanceLabel: target.instanceLabel } : {};
    target.status = 'InProgress';
    target.lastUpdatedAt = this.options.now();
    timeline.push({ instanceId: target.targetId, ...label, phase: 'start', time: target.lastUpdatedAt });
    this.save(record);
    const { s3, gitHubRepository, killGraceMs, users } = this.options;
    const agentOptions: AgentOptions = { s3, gitHubRepository, killGraceMs, users };
    const report = (index: number, update: EventUpdate) => {
      const event = target.lifecycleEvents[segment.from + index];
      if (!event) return;
      const now = this.options.now();
      event.status = update.status;
      if (update.status === 'InProgress') event.startTime = now;
      else if (update.status !== 'Skipped') event.endTime = now;
      if (update.diagnostics) event.diagnostics = update.diagnostics;
      target.lastUpdatedAt = now;
      this.save(record);
    };
    const { fleets } = this.options;
    const groupId = record.deploymentGroupId;
    const instanceId = target.targetId;
    let outcome: 'Succeeded' | 'Failed' | 'Aborted';
    try {
      const port = await fleets.port(instanceId, groupId);
      outcome = await runInstance(
        agentOptions,
        instanceDir(this.options.dataDir, instanceId),
        {
          deploymentId: record.deploymentId,
          applicationName: record.applicationName,
          deploymentGroupName: record.deploymentGroupName,
          deploymentGroupId: groupId,
          revision: record.revision,
          fileExistsBehavior: record.fileExistsBehavior,
          ignoreApplicationStopFailures: record.ignoreApplicationStopFailures,
          instance: { id: instanceId, port },
          traffic: (event) =>
            event === 'AllowTraffic' ? fleets.allow(groupId, instanceId) : fleets.block(groupId, instanceId),
        },
        steps.slice(segment.from, segment.to),
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
    target.status = outcome === 'Succeeded' ? segment.endsAs : 'Failed';
    if (target.status === 'Failed') {
      for (const event of target.lifecycleEvents) if (event.status === 'Pending') event.status = 'Skipped';
    }
    target.lastUpdatedAt = this.options.now();
    timeline.push({
      instanceId,
      ...label,
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

  private finish(
    record: DeploymentRecord,
    status: 'Succeeded' | 'Failed' | 'Stopped',
    error?: ErrorInformation,
  ): void {
    record.status = status;
    record.completeTime = this.options.now();
    record.targets ??= [];
    if (error) record.errorInformation = error;
    const group = groupById(this.state, record.deploymentGroupId);
    if (group && status === 'Succeeded') {
      group.lastSuccessfulDeploymentId = record.deploymentId;
      this.options.store.saveCollection('groups').catch(() => {});
    }
    if (group) this.rollbackIfDue(record, group);
    if (group && record.fleets && status !== 'Succeeded' && !record.rollbackInfo?.rollbackDeploymentId) {
      // No rollback comes for them: the instances out of the group's fleet are left running.
      const inFleet = new Set(this.options.fleets.fleet(group).map((instance) => instance.instanceId));
      const out = [...record.fleets.original, ...record.fleets.replacement].filter((id) => !inFleet.has(id));
      this.options.fleets.keep(out).catch(() => {});
    }
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
    // Stopped by a request (StopDeployment), not by a deployment-ready wait that ran out.
    const due =
      record.status === 'Failed'
        ? enabledFor('DEPLOYMENT_FAILURE')
        : record.stopRequest !== undefined &&
          (record.stopRequest.autoRollbackEnabled ?? enabledFor('DEPLOYMENT_STOP_ON_REQUEST'));
    if (!due) return;
    if (record.fleets) {
      this.rollBackTraffic(record, group);
      return;
    }
    if (isBlueGreen(record)) {
      record.rollbackInfo = {
        rollbackMessage:
          'Automatic rollback was not performed: the deployment failed before it provisioned replacement instances, so traffic never moved.',
      };
      return;
    }
    const previous = lastSuccessful(this.state, group);
    const deploymentConfig = this.state.configs.get(record.deploymentConfigName);
    if (!previous || !deploymentConfig) {
      record.rollbackInfo = {
        rollbackMessage:
          'Automatic rollback was not performed: the deployment group has no successful deployment whose revision could be redeployed.',
      };
      return;
    }
    this.startRollback(record, group, deploymentConfig, {
      revision: previous.revision,
      triggerMessage: `Automatic rollback of ${record.deploymentId}: redeploys the revision of ${previous.deploymentId}, the last successful deployment.`,
      rollbackMessage: (id) =>
        `Deployment ${record.deploymentId} is rolled back by ${id}, which redeploys the revision of ${previous.deploymentId}.`,
    });
  }

  /**
   * A blue/green rollback needs no earlier revision: it moves traffic back to the original
   * instances (still there until a success terminates them) and terminates the replacement ones.
   */
  private rollBackTraffic(record: DeploymentRecord, group: DeploymentGroupRecord): void {
    const deploymentConfig = this.state.configs.get(record.deploymentConfigName);
    if (!record.fleets || !deploymentConfig) return;
    this.startRollback(record, group, deploymentConfig, {
      revision: lastSuccessful(this.state, group)?.revision ?? record.previousRevision ?? record.revision,
      fleets: record.fleets,
      triggerMessage: `Automatic rollback of ${record.deploymentId}: traffic goes back to the original instances.`,
      rollbackMessage: (id) =>
        `Deployment ${record.deploymentId} is rolled back by ${id}, which moves traffic back to ` +
        'the original instances and terminates the replacement ones.',
    });
  }

  /** Creates and starts the deployment (by codeDeployRollback) that rolls `record` back, and says so on `record`. */
  private startRollback(
    record: DeploymentRecord,
    group: DeploymentGroupRecord,
    deploymentConfig: DeploymentConfigRecord,
    how: {
      revision: DeploymentRecord['revision'];
      fleets?: DeploymentRecord['fleets'];
      triggerMessage: string;
      rollbackMessage: (rollbackId: string) => string;
    },
  ): void {
    const rollback = createDeploymentRecord(
      this.state,
      {
        group,
        config: deploymentConfig,
        revision: how.revision,
        description: `Rollback of ${record.deploymentId}`,
        creator: 'codeDeployRollback',
        ignoreApplicationStopFailures: record.ignoreApplicationStopFailures,
        ...(record.autoRollbackConfiguration
          ? { autoRollbackConfiguration: record.autoRollbackConfiguration }
          : {}),
        fileExistsBehavior: record.fileExistsBehavior,
        ...(how.fleets ? { fleets: how.fleets } : {}),
        rollbackInfo: {
          rollbackTriggeringDeploymentId: record.deploymentId,
          rollbackMessage: how.triggerMessage,
        },
      },
      this.options.now(),
      this.options.newDeploymentId,
    );
    record.rollbackInfo = {
      rollbackDeploymentId: rollback.deploymentId,
      rollbackMessage: how.rollbackMessage(rollback.deploymentId),
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

/** A slice of an instance's lifecycle: the steps run, and the status it starts from and ends with. */
interface Segment {
  from: number;
  to: number;
  startsAt: TargetStatus;
  endsAs: TargetStatus;
}

function whole(steps: readonly LifecycleStep[]): Segment {
  return { from: 0, to: steps.length, startsAt: 'Pending', endsAs: 'Succeeded' };
}

/** `ended`: the deployment is already finished (a deployment-ready wait ran out). */
type PhaseOutcome = 'done' | 'failed' | 'stopped' | 'shutdown' | 'ended';

interface BlueGreenSettings {
  deploymentReadyOption?: { actionOnTimeout?: string; waitTimeInMinutes?: number };
  terminateBlueInstancesOnDeploymentSuccess?: { action?: string; terminationWaitTimeInMinutes?: number };
}

function blueGreenSettings(record: DeploymentRecord): BlueGreenSettings {
  return (record.blueGreenDeploymentConfiguration ?? {}) as BlueGreenSettings;
}

function stoppedError(): ErrorInformation {
  return { code: 'MANUAL_STOP', message: 'The deployment was stopped by a StopDeployment request.' };
}
