import { awsErrorName, isDefiniteRejection, isThrottling } from '../aws/aws-errors.js';
import { errorMessage, UserError } from '../core/problems.js';
import { ACTIVE_STATUSES, decideActive, decideOrdering } from './decisions.js';
import { type DeploymentOrigin, describeDeployment, parseDescription } from './description.js';
import { waitForTheirs } from './follow.js';
import { cancelled, type DeployDeps, type DeployRequest, type GroupTask } from './group-task.js';
import { retryDelay } from './poll-schedule.js';
import type { CommitRelation } from './ports.js';

// CreateDeployment tries per group.
const CREATE_ATTEMPTS = 5;

/** Why a CreateDeployment did not give an id, and what that means for the next try. */
type CreateFailure = {
  error: unknown;
  /**
   * busy: another deployment started in between (look at it again at once); throttled: it was not
   * executed (try again after a pause); unsure: anything but a definite rejection (a reset, a timeout,
   * a 5xx, a success that does not parse), after which the deployment may exist, even one already
   * over (look for it before trying again).
   */
  kind: 'busy' | 'throttled' | 'unsure';
};

/**
 * Starts the group's deployment, or finds that it must not: the ordering guard, the group's active
 * deployment (adopt ours, wait, stop or fail as `onActiveDeployment` says), then CreateDeployment,
 * sent once per try. After an answer that leaves it unknown whether the deployment was created, this
 * run's own deployment is looked for before anything else, so a run never creates two. Once the
 * run is cancelled, nothing new is started (a deployment of its own that may exist is still looked
 * for, so it is stopped and named).
 * Returns the deployment id; undefined when the group's report already says why there is none.
 */
export async function startDeployment(
  task: GroupTask,
  request: DeployRequest,
  deps: DeployDeps,
): Promise<string | undefined> {
  if (deps.cancel.aborted) return cancelledBeforeStart(task);
  if (!(await orderingAllows(task, request, deps))) return undefined;
  const group = task.plan.deploymentGroup;
  let failure: CreateFailure | undefined;
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    if (failure?.kind === 'unsure') {
      const own = await findOwnDeployment(group, request.origin, deps);
      if (own === 'unknown') {
        if (deps.cancel.aborted) break;
        await pauseBeforeTry(attempt, deps);
        continue;
      }
      if (own) {
        deps.log.info(
          `${group}: CreateDeployment answered ${awsErrorName(failure.error)}, but deployment ${own} of this run exists; following it`,
        );
        return own;
      }
    }
    if (deps.cancel.aborted) return cancelledBeforeStart(task);
    const way = await clearTheWay(task, request, deps);
    if (way.kind === 'adopt') return way.id;
    if (way.kind === 'blocked') return undefined;
    const created = await createOnce(task, request, deps);
    if (typeof created === 'string') return created;
    failure = created;
    if (failure.kind === 'throttled') await pauseBeforeTry(attempt, deps);
  }
  task.report.outcome = 'failed';
  task.report.error = gaveUp(failure);
  deps.log.error(`${group}: ${task.report.error.message}`);
  return undefined;
}

function cancelledBeforeStart(task: GroupTask): undefined {
  cancelled(task.report);
  return undefined;
}

/** No pause after the last try. */
async function pauseBeforeTry(attempt: number, deps: DeployDeps): Promise<void> {
  if (attempt + 1 < CREATE_ATTEMPTS) await deps.clock.sleep(retryDelay(attempt), deps.cancel);
}

async function createOnce(
  task: GroupTask,
  request: DeployRequest,
  deps: DeployDeps,
): Promise<string | CreateFailure> {
  const group = task.plan.deploymentGroup;
  try {
    const id = await deps.codedeploy.createDeployment({
      deploymentGroupName: group,
      revision: task.revision,
      description: describeDeployment(request.origin),
      ...(task.plan.deploymentConfig ? { deploymentConfigName: task.plan.deploymentConfig } : {}),
      fileExistsBehavior: task.plan.fileExistsBehavior,
      ignoreApplicationStopFailures: task.plan.ignoreApplicationStopFailures,
      ...(task.plan.autoRollback !== undefined
        ? {
            autoRollbackConfiguration:
              task.plan.autoRollback === false
                ? { enabled: false }
                : { enabled: true, events: task.plan.autoRollback },
          }
        : {}),
    });
    deps.log.info(`${group}: created deployment ${id} — ${deps.deploymentUrl(id)}`);
    return id;
  } catch (error) {
    // Another deployment started in between, or our own request went through but its answer was
    // lost: look again (by listing, never by parsing the message) and decide once more.
    if (awsErrorName(error) === 'DeploymentLimitExceededException') {
      deps.log.debug(
        `${group}: CreateDeployment: ${awsErrorName(error)}; checking the group's active deployment`,
      );
      return { error, kind: 'busy' };
    }
    if (isDefiniteRejection(error) && !isThrottling(error)) throw error;
    deps.log.debug(
      `${group}: CreateDeployment: ${awsErrorName(error)}: ${errorMessage(error)}; trying again`,
    );
    return { error, kind: isThrottling(error) ? 'throttled' : 'unsure' };
  }
}

function gaveUp(failure: CreateFailure | undefined): { code: string; message: string } {
  const name = awsErrorName(failure?.error);
  if (failure?.kind === 'unsure') {
    return {
      code: 'UNKNOWN_OUTCOME',
      message: `CreateDeployment failed (${name}) and this run could not check whether the deployment was created: look at the group's deployments before running again`,
    };
  }
  if (failure?.kind === 'busy')
    return { code: 'ACTIVE_DEPLOYMENT', message: 'the group kept getting new deployments from elsewhere' };
  return { code: name, message: `CreateDeployment kept failing (${name}): ${errorMessage(failure?.error)}` };
}

/**
 * A deployment this run created on the group, whatever its status (the newest few are enough);
 * 'unknown' when the lookup failed. Never an error: a deployment of this run may exist, and the
 * group's report must say so (a refusal, AccessDenied say, is shown as it comes).
 */
async function findOwnDeployment(
  group: string,
  origin: DeploymentOrigin,
  deps: DeployDeps,
): Promise<string | undefined | 'unknown'> {
  try {
    const ids = await deps.codedeploy.listDeployments(group, undefined, 5);
    const infos = await deps.codedeploy.batchGetDeployments(ids);
    return infos.find((info) => {
      const theirs = parseDescription(info.description);
      return theirs?.run === origin.run && theirs.sha === origin.sha;
    })?.deploymentId;
  } catch (error) {
    if (isDefiniteRejection(error) && !isThrottling(error)) {
      if (error instanceof UserError) for (const p of error.problems) deps.log.error(p);
      else deps.log.error(`${group}: looking for this run's deployment: ${errorMessage(error)}`);
    } else {
      deps.log.debug(`${group}: looking for this run's deployment: ${awsErrorName(error)}; trying again`);
    }
    return 'unknown';
  }
}

type Way = { kind: 'clear' } | { kind: 'adopt'; id: string } | { kind: 'blocked' };

/** The group's active deployment, dealt with as `onActiveDeployment` says; blocked: the report says why. */
async function clearTheWay(task: GroupTask, request: DeployRequest, deps: DeployDeps): Promise<Way> {
  const group = task.plan.deploymentGroup;
  const { log } = deps;
  const active = await activeDeployment(group, deps);
  if (!active) return { kind: 'clear' };
  const decision = decideActive(task.plan.onActiveDeployment, active, request.origin);
  if (decision.kind === 'adopt') {
    log.info(`${group}: deployment ${active.id} was already created by this run; following it`);
    return { kind: 'adopt', id: active.id };
  }
  // A newer commit's run may have started since preflight looked: never wait for it, or stop it,
  // only to put an older commit over it.
  if (!(await mayFollow(task, request, deps, active.id, active.origin))) return { kind: 'blocked' };
  if (decision.kind === 'fail') {
    task.report.outcome = 'failed';
    task.report.error = { code: 'ACTIVE_DEPLOYMENT', message: decision.reason };
    log.error(`${group}: ${decision.reason}`);
    return { kind: 'blocked' };
  }
  if (decision.kind === 'stop') {
    log.info(`${group}: stopping the active deployment ${active.id} (onActiveDeployment: stop)`);
    await deps.codedeploy.stopDeployment(active.id, false);
  } else {
    log.info(`${group}: waiting for the active deployment ${active.id} to finish (onActiveDeployment: wait)`);
  }
  const waitSeconds = task.plan.wait === false ? 30 * 60 : task.plan.wait;
  if (await waitForTheirs(group, active.id, deps.clock.now() + waitSeconds * 1000, deps))
    return { kind: 'clear' };
  task.report.outcome = 'failed';
  task.report.error = {
    code: 'ACTIVE_DEPLOYMENT',
    message: `deployment ${active.id} did not finish in time`,
  };
  return { kind: 'blocked' };
}

async function activeDeployment(
  group: string,
  deps: DeployDeps,
): Promise<{ id: string; origin?: DeploymentOrigin } | undefined> {
  const ids = await deps.codedeploy.listDeployments(group, ACTIVE_STATUSES);
  if (ids.length === 0) return undefined;
  const [info] = await deps.codedeploy.batchGetDeployments(ids.slice(0, 1));
  const origin = parseDescription(info?.description);
  return { id: ids[0]!, ...(origin ? { origin } : {}) };
}

/** The ordering guard against what the group had when preflight looked (its last attempted and good deployments). */
async function orderingAllows(task: GroupTask, request: DeployRequest, deps: DeployDeps): Promise<boolean> {
  const candidates = [task.info?.lastAttemptedDeployment, task.info?.lastSuccessfulDeployment].filter(
    (last): last is NonNullable<typeof last> => last?.deploymentId !== undefined,
  );
  const seen = new Set<string>();
  for (const last of candidates) {
    if (seen.has(last.deploymentId!)) continue;
    seen.add(last.deploymentId!);
    // A failed or stopped newer deployment did not stay on the group; only live or good ones count.
    if (last.status === 'Failed' || last.status === 'Stopped') continue;
    const info = await deps.codedeploy.getDeployment(last.deploymentId!);
    if (!(await mayFollow(task, request, deps, last.deploymentId!, parseDescription(info.description))))
      return false;
  }
  return true;
}

/**
 * Whether our commit may replace `theirs` (deployed or deploying by deployment `theirsId`): refused when
 * ours is older and nobody asked for it by hand. Without GitHub's compare API there is nothing to ask.
 */
async function mayFollow(
  task: GroupTask,
  request: DeployRequest,
  deps: DeployDeps,
  theirsId: string,
  theirs: DeploymentOrigin | undefined,
): Promise<boolean> {
  const compare = deps.compareCommits;
  if (!compare || !theirs || theirs.sha === request.origin.sha) return true;
  let relation: CommitRelation;
  try {
    relation = await compare(theirs.sha, request.origin.sha);
  } catch (error) {
    deps.log.debug(`compare ${theirs.sha}...${request.origin.sha}: ${errorMessage(error)}`);
    relation = 'unknown';
  }
  const decision = decideOrdering({
    ours: request.origin,
    theirs,
    theirsId,
    relation,
    ...(request.manual ? { manual: request.manual } : {}),
  });
  if (!decision.proceed) {
    task.report.outcome = 'superseded';
    task.report.note = decision.reason;
    deps.log.warn(`${task.plan.deploymentGroup}: not deploying: ${decision.reason}`);
    return false;
  }
  if (decision.note) deps.log.info(`${task.plan.deploymentGroup}: ${decision.note}`);
  return true;
}
