import { awsErrorName } from '../aws/aws-errors.js';
import { formatDuration } from '../config/duration.js';
import { Cancelled, throwIfCancelled } from '../core/cancel.js';
import type { Logger } from '../core/log.js';
import { errorMessage, UserError } from '../core/problems.js';
import type { PlannedDeployment } from '../plan/plan.js';
import { describeWaitPlan, isBlueGreenGroup, planWait } from './blue-green.js';
import { isFinal } from './decisions.js';
import { describeFailure, instanceFailures } from './diagnostics.js';
import { type Followed, followDeployments } from './follow.js';
import { cancelled, type DeployDeps, type DeployRequest, type GroupTask } from './group-task.js';
import { deploymentOutcome } from './outcome.js';
import { durationOf } from './poll-schedule.js';
import { createMissingGroups, preflight } from './preflight.js';
import type { GroupReport, InstanceFailure, RevisionReport } from './results.js';
import { chooseRevisions, type RevisionInHand } from './revision.js';
import { startDeployment } from './start.js';

export interface DeployResult {
  groups: GroupReport[];
  revision?: RevisionReport;
}

/**
 * The AWS half of a deploy, in the order that keeps failures safe: read (preflight), put the
 * revision in place, write (create groups, start deployments), then follow them to the end.
 */
export async function deploy(
  request: DeployRequest,
  revision: RevisionInHand,
  deps: DeployDeps,
): Promise<DeployResult> {
  const tasks = await preflight(request, deps);
  let stored: RevisionReport | undefined;
  try {
    throwIfCancelled(deps.cancel);
    stored = await chooseRevisions(request, tasks, deps, revision);
    await createMissingGroups(tasks, request.origin.ref, deps);
    if (request.plan.strategy === 'sequential') await oneAfterAnother(tasks, request, deps);
    else await deployGroups(tasks, request, deps);
  } catch (error) {
    if (!(error instanceof Cancelled)) throw error;
  }
  // What a cancel kept from starting says so (what it stopped is reported stopped).
  if (deps.cancel.aborted) for (const task of tasks) cancelled(task.report);
  return { groups: tasks.map((task) => task.report), ...(stored ? { revision: stored } : {}) };
}

/** strategy: sequential: the next group starts once the one before succeeded. */
async function oneAfterAnother(tasks: GroupTask[], request: DeployRequest, deps: DeployDeps): Promise<void> {
  for (const [index, task] of tasks.entries()) {
    await deployGroups([task], request, deps);
    if (deps.cancel.aborted) return;
    if (task.report.outcome !== 'succeeded' && task.report.outcome !== 'created') {
      for (const rest of tasks.slice(index + 1)) {
        rest.report.note = `not started: ${task.plan.deploymentGroup} did not succeed (strategy: sequential)`;
        deps.log.warn(`${rest.plan.deploymentGroup}: ${rest.report.note}`);
      }
      return;
    }
  }
}

/** Starts a deployment on each group, then follows them together and fills in each group's report. */
async function deployGroups(tasks: GroupTask[], request: DeployRequest, deps: DeployDeps): Promise<void> {
  // One group's error (AccessDenied on its CreateDeployment...) is that group's outcome: the others'
  // deployments are still followed and reported.
  const settled = await Promise.allSettled(tasks.map((task) => startDeployment(task, request, deps)));
  const items: Array<{ task: GroupTask; followed: Followed }> = [];
  const now = deps.clock.now();
  for (const [index, task] of tasks.entries()) {
    const result = settled[index]!;
    if (result.status === 'rejected') {
      startFailed(task.report, result.reason, deps.log);
      continue;
    }
    const id = result.value;
    if (!id) continue;
    task.report.deploymentId = id;
    task.report.url = deps.deploymentUrl(id);
    task.report.startedAt = now;
    if (task.plan.wait === false) {
      task.report.outcome = 'created';
      continue;
    }
    items.push({ task, followed: toFollow(task, id, task.plan.wait, now, request, deps) });
  }
  if (items.length === 0) return;
  const followed = items.map((item) => item.followed);
  let lost: unknown;
  try {
    await followDeployments(followed, deps);
  } catch (error) {
    // The following ends here (a permission, an outage): the reports still name every deployment,
    // and say which ones it leaves running unattended.
    lost = error;
    if (error instanceof UserError) for (const p of error.problems) deps.log.error(p);
    else deps.log.error(`following the deployments failed: ${errorMessage(error)}`);
    for (const item of followed.filter((candidate) => !isFinal(candidate.info?.status))) {
      deps.log.error(
        `${item.group}: deployment ${item.id} is still running, and this run can no longer follow it: see ${deps.deploymentUrl(item.id)}`,
      );
    }
  }
  for (const { task, followed: item } of items) await report(task, item, followed, deps, lost);
}

function startFailed(report: GroupReport, reason: unknown, log: Logger): void {
  report.outcome = 'failed';
  report.error = { code: awsErrorName(reason), message: errorMessage(reason) };
  if (reason instanceof UserError) for (const p of reason.problems) log.error(p);
  else log.error(`${report.group}: ${errorMessage(reason)}`);
}

/** How long, and how, a started deployment is followed: the wait, the group's blue/green timers, its history. */
function toFollow(
  task: GroupTask,
  id: string,
  wait: number,
  now: number,
  request: DeployRequest,
  deps: DeployDeps,
): Followed {
  const plan = planWait(wait, task.info, request.onReady);
  const blueGreen = isBlueGreenGroup(task.info);
  const group = task.plan.deploymentGroup;
  if (blueGreen) {
    deps.log.info(
      `${group}: blue/green deployment (the group's style): a replacement fleet takes the traffic ` +
        `from the original one; ${describeWaitPlan(wait, plan)}`,
    );
  }
  const config = task.info?.blueGreenDeploymentConfiguration;
  // A blue/green deployment's duration holds its Ready and termination waits: no forecast of waves.
  const took = blueGreen ? undefined : durationOf(task.info?.lastSuccessfulDeployment);
  if (took) {
    deps.log.info(
      `${group}: its last successful deployment took ${took < 1000 ? 'under a second' : formatDuration(took / 1000)}; expecting ${id} to take about as long`,
    );
  }
  return {
    group,
    id,
    deadline: now + plan.seconds * 1000,
    rollbackOnStop: rollbackOnStop(task.plan),
    watched: { waves: 0, finished: false, ...(took ? { history: { createdAt: now, tookMs: took } } : {}) },
    ...(blueGreen
      ? {
          blueGreen: {
            onReady: request.onReady,
            readyWaitMinutes: config?.deploymentReadyOption?.waitTimeInMinutes ?? 0,
            terminationWaitMinutes:
              config?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0,
          },
        }
      : {}),
  };
}

function rollbackOnStop(plan: PlannedDeployment): boolean {
  return Array.isArray(plan.autoRollback) && plan.autoRollback.includes('DEPLOYMENT_STOP_ON_REQUEST');
}

/** The group's report from what was seen, with each failed instance's diagnostics read and logged. */
async function report(
  task: GroupTask,
  item: Followed,
  all: Followed[],
  deps: DeployDeps,
  lost: unknown,
): Promise<void> {
  const rollback = all.find((candidate) => candidate.rollbackOf === item.id);
  const outcome = deploymentOutcome({
    ...(item.info ? { info: item.info } : {}),
    ...(item.stoppedBecause ? { stoppedBecause: item.stoppedBecause } : {}),
    ...(item.stopFailed !== undefined ? { stopFailed: item.stopFailed } : {}),
    terminationWaitMinutes: item.blueGreen?.terminationWaitMinutes ?? 0,
    ...(lost !== undefined ? { lostBecause: { code: awsErrorName(lost), message: errorMessage(lost) } } : {}),
    ...(rollback
      ? { rollback: { id: rollback.id, ...(rollback.info?.status ? { status: rollback.info.status } : {}) } }
      : {}),
    now: deps.clock.now(),
  });
  const { rollback: rolledBack, ...rest } = outcome;
  Object.assign(task.report, rest);
  if (rolledBack) task.report.rollback = { ...rolledBack, url: deps.deploymentUrl(rolledBack.deploymentId) };
  if (task.report.outcome === 'failed' || task.report.outcome === 'stopped')
    await explainFailure(task, item.id, deps);
}

async function explainFailure(task: GroupTask, id: string, deps: DeployDeps): Promise<void> {
  const group = task.plan.deploymentGroup;
  const groupReport = task.report;
  try {
    groupReport.failures = instanceFailures(await deps.codedeploy.deploymentTargets(id));
  } catch (error) {
    deps.log.warn(`${group}: could not read the instance diagnostics: ${errorMessage(error)}`);
  }
  for (const failure of groupReport.failures) await logFailure(group, failure, deps.log);
  // No instance to blame (NO_INSTANCES, a stop, a missing role): CodeDeploy's own reason is the explanation.
  if (groupReport.failures.length === 0 && groupReport.error) {
    deps.log.error(
      `${group}: deployment ${id} ${groupReport.status}: ${[groupReport.error.code, groupReport.error.message].filter(Boolean).join(': ')}`,
    );
  }
}

/** One collapsed section per failing instance with everything needed to fix it, and an annotation. */
async function logFailure(group: string, failure: InstanceFailure, log: Logger): Promise<void> {
  await log.group(
    `${group} › ${failure.instanceId}: ${failure.event} failed${failure.errorCode ? ` (${failure.errorCode})` : ''}`,
    async () => {
      if (failure.script) log.info(`script:  ${failure.script}`);
      if (failure.message) log.info(`message: ${failure.message}`);
      if (failure.logTail) log.untrusted('log tail:', failure.logTail.trimEnd());
    },
  );
  log.error(describeFailure(group, failure));
}
