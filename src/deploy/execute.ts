import type { DeploymentGroupInfo, DeploymentInfo, RevisionLocation } from '@aws-sdk/client-codedeploy';
import { awsErrorName, isThrottling, isTransient } from '../aws/aws-errors.js';
import { ACTIVE_STATUSES, type CodeDeployGateway } from '../aws/codedeploy.js';
import { formatDuration } from '../config/duration.js';
import type { PlaceholderValues } from '../config/naming.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../core/log.js';
import { errorMessage, type Problem, problem, UserError } from '../core/problems.js';
import type { PlannedDeployment } from '../plan/plan.js';
import { describeWaitPlan, isBlueGreenGroup, type OnReady, planWait } from './blue-green.js';
import {
  type CommitRelation,
  chooseRollbackRevision,
  countsOf,
  decideActive,
  decideOrdering,
  isFinal,
} from './decisions.js';
import { type DeploymentOrigin, describeDeployment, parseDescription } from './description.js';
import { describeFailure, instanceFailures } from './diagnostics.js';
import { type Clock, type Followed, followDeployments } from './follow.js';
import { groupFromTemplate } from './group-template.js';
import { consoleUrl, type GroupReport, type InstanceFailure, type RevisionReport, s3Uri } from './model.js';
import { durationOf } from './poll-schedule.js';

/** Where the revision comes from: the workspace (archive + upload), or an earlier upload of a commit. */
export interface RevisionSource {
  fromWorkspace(): Promise<RevisionReport>;
  fromSha(sha: string): Promise<RevisionReport | undefined>;
}

/** Remembers which groups this project created, so a teardown never deletes one it did not. */
export interface GroupLedger {
  recordCreated(group: string, groupId: string): Promise<void>;
  createdByUs(group: string, groupId: string | undefined): Promise<boolean>;
  forget(group: string): Promise<void>;
}

export interface ExecuteDeps {
  codedeploy: CodeDeployGateway;
  revisions: RevisionSource;
  ledger: GroupLedger;
  /** GitHub's compare API (base: deployed commit, head: ours); absent outside GitHub. */
  compareCommits?: (base: string, head: string) => Promise<CommitRelation>;
  log: Logger;
  clock: Clock;
  random: () => number;
  cancel: AbortSignal;
  region: string;
}

export interface ExecuteRequest {
  config: Config;
  action: 'deploy' | 'teardown';
  strategy: 'parallel' | 'sequential';
  deployments: PlannedDeployment[];
  placeholders: PlaceholderValues;
  origin: DeploymentOrigin;
  /** A person asked for exactly this (workflow_dispatch, a sha, a rollback): older commits may be deployed. */
  explicit?: 'workflow_dispatch' | 'revision' | 'rollback';
  /** Redeploy the revision uploaded for this commit instead of archiving the workspace. */
  revisionSha?: string;
  /** Redeploy each group's previous good revision. */
  rollback?: boolean;
  deleteOnClose?: boolean;
  /** A blue/green deployment Ready for a traffic reroute: wait for a person (default), reroute, or stop it. */
  onReady?: OnReady;
}

export interface ExecuteResult {
  groups: GroupReport[];
  revision?: RevisionReport;
}

interface GroupTask {
  plan: PlannedDeployment;
  info?: DeploymentGroupInfo;
  template?: DeploymentGroupInfo;
  revision?: RevisionLocation;
  report: GroupReport;
}

/** Everything that talks to AWS, in the order that keeps failures safe: read, upload, then write. */
export async function executePlan(request: ExecuteRequest, deps: ExecuteDeps): Promise<ExecuteResult> {
  if (request.action === 'teardown') return { groups: await teardown(request, deps) };
  const tasks = await preflight(request, deps);
  const revision = await chooseRevisions(request, tasks, deps);
  await createMissing(request, tasks, deps);
  if (request.strategy === 'sequential') {
    for (const [index, task] of tasks.entries()) {
      await deployGroups([task], request, deps);
      if (task.report.outcome !== 'succeeded' && task.report.outcome !== 'created') {
        for (const rest of tasks.slice(index + 1)) {
          rest.report.note = `not started: ${task.plan.deploymentGroup} did not succeed (strategy: sequential)`;
          deps.log.warn(`${rest.plan.deploymentGroup}: ${rest.report.note}`);
        }
        break;
      }
    }
  } else {
    await deployGroups(tasks, request, deps);
  }
  return { groups: tasks.map((task) => task.report), ...(revision ? { revision } : {}) };
}

function newReport(plan: PlannedDeployment): GroupReport {
  return {
    group: plan.deploymentGroup,
    environment: plan.environment,
    ...(plan.environmentUrl ? { environmentUrl: plan.environmentUrl } : {}),
    outcome: 'not-started',
    failures: [],
  };
}

/** Reads only: the application and every group (or its template) must exist before anything is uploaded. */
async function preflight(request: ExecuteRequest, deps: ExecuteDeps): Promise<GroupTask[]> {
  const { codedeploy, log } = deps;
  const { config } = request;
  const problems: Problem[] = [];
  let appExists = await codedeploy.applicationExists();
  if (!appExists && config.createApplication) {
    // An application is only a name: creating it changes no deployment. Its groups (and any template)
    // cannot exist yet, so the checks below still stop the run before the upload, naming them.
    await codedeploy.createApplication();
    appExists = true;
    log.info(`Created the CodeDeploy application "${config.application}" (createApplication: true)`);
  }
  if (!appExists) {
    problems.push(
      problem(
        `the CodeDeploy application "${config.application}" does not exist in ${deps.region}`,
        { file: config.file },
        `create it with its deployment groups (docs/setup-aws.md), or set "createApplication: true"`,
      ),
    );
  }
  const tasks: GroupTask[] = [];
  const templates = new Map<string, DeploymentGroupInfo | undefined>();
  for (const plan of request.deployments) {
    const task: GroupTask = { plan, report: newReport(plan) };
    tasks.push(task);
    if (!appExists) continue;
    task.info = await codedeploy.getGroup(plan.deploymentGroup);
    if (task.info) continue;
    if (!plan.create || !plan.createFrom) {
      problems.push(
        problem(
          `deployment group "${plan.deploymentGroup}" does not exist in application "${config.application}" (${deps.region})`,
          { file: config.file },
          `create it, or let the "${plan.mapping}" mapping create it with "create: { from: <template group> }"`,
        ),
      );
      continue;
    }
    if (!templates.has(plan.createFrom))
      templates.set(plan.createFrom, await codedeploy.getGroup(plan.createFrom));
    task.template = templates.get(plan.createFrom);
    if (!task.template) {
      problems.push(
        problem(
          `template group "${plan.createFrom}" for "${plan.deploymentGroup}" does not exist in application "${config.application}"`,
          { file: config.file },
          `fix "create: { from: ... }" of the "${plan.mapping}" mapping`,
        ),
      );
    } else if (request.rollback || request.revisionSha) {
      problems.push(
        problem(
          `deployment group "${plan.deploymentGroup}" does not exist yet: there is nothing to redeploy`,
        ),
      );
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  log.info(
    `Preflight: application "${config.application}" and ${tasks.length} deployment group(s) ready (${tasks
      .map((t) => `${t.plan.deploymentGroup}${t.info ? '' : ` ← create from ${t.plan.createFrom}`}`)
      .join(', ')})`,
  );
  return tasks;
}

async function chooseRevisions(
  request: ExecuteRequest,
  tasks: GroupTask[],
  deps: ExecuteDeps,
): Promise<RevisionReport | undefined> {
  if (request.rollback) {
    for (const task of tasks) task.revision = await rollbackRevision(task, deps);
    return undefined;
  }
  let revision: RevisionReport | undefined;
  if (request.revisionSha) {
    revision = await deps.revisions.fromSha(request.revisionSha);
    if (!revision) {
      throw new UserError(
        problem(
          `no revision of commit ${request.revisionSha} in s3://${request.config.revision.bucket}/${request.config.revision.prefix}${request.config.application}/`,
          undefined,
          'deploy that commit once (push or workflow_dispatch on it), or check the sha',
        ),
      );
    }
    deps.log.info(`Redeploying ${s3Uri(revision)}, the revision commit ${request.revisionSha} deployed`);
  } else {
    revision = await deps.revisions.fromWorkspace();
  }
  const location: RevisionLocation = {
    revisionType: 'S3',
    s3Location: {
      bucket: revision.bucket,
      key: revision.key,
      bundleType: revision.bundleType as 'zip' | 'tgz' | 'tar',
      eTag: revision.eTag,
      ...(revision.version ? { version: revision.version } : {}),
    },
  };
  for (const task of tasks) task.revision = location;
  return revision;
}

async function rollbackRevision(task: GroupTask, deps: ExecuteDeps): Promise<RevisionLocation> {
  const group = task.plan.deploymentGroup;
  const currentId = task.info?.lastAttemptedDeployment?.deploymentId;
  const current = currentId ? (await deps.codedeploy.getDeployment(currentId)).revision : undefined;
  const succeededIds = await deps.codedeploy.listDeployments(group, ['Succeeded'], 50);
  const infos = await deps.codedeploy.batchGetDeployments(succeededIds);
  const newestFirst = infos.sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
  const choice = chooseRollbackRevision({
    ...(current ? { current } : {}),
    succeeded: newestFirst.map((info) => ({
      id: info.deploymentId ?? '',
      ...(info.revision ? { revision: info.revision } : {}),
    })),
    same: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  if (!choice) {
    throw new UserError(
      problem(
        `deployment group "${group}" has no earlier successful revision to roll back to`,
        undefined,
        'redeploy a known commit with the "revision" input instead',
      ),
    );
  }
  deps.log.info(
    `${group}: rolling back to the revision of ${choice.id} (${describeRevision(choice.revision)})`,
  );
  return choice.revision;
}

function describeRevision(revision: RevisionLocation): string {
  const s3 = revision.s3Location;
  return s3 ? `s3://${s3.bucket}/${s3.key}` : (revision.revisionType ?? 'unknown');
}

/** Writes, after the upload succeeded: groups created from their templates (preflight found them). */
async function createMissing(request: ExecuteRequest, tasks: GroupTask[], deps: ExecuteDeps): Promise<void> {
  const { codedeploy, log } = deps;
  for (const task of tasks) {
    if (task.info || !task.template) continue;
    const input = groupFromTemplate(task.template, task.plan.deploymentGroup, request.placeholders);
    const groupId = await codedeploy.createGroup(input);
    await deps.ledger.recordCreated(task.plan.deploymentGroup, groupId);
    task.info = await codedeploy.getGroup(task.plan.deploymentGroup);
    task.report.createdGroup = true;
    log.info(`Created deployment group "${task.plan.deploymentGroup}" from "${task.plan.createFrom}"`);
  }
}

/** Starts a deployment on each group (handling ordering and active deployments), then follows them together. */
async function deployGroups(tasks: GroupTask[], request: ExecuteRequest, deps: ExecuteDeps): Promise<void> {
  // One group's error (AccessDenied on its CreateDeployment...) is that group's outcome: the others'
  // deployments are still followed and reported.
  const settled = await Promise.allSettled(tasks.map((task) => startGroup(task, request, deps)));
  const started = settled.map((result, index) => {
    if (result.status === 'fulfilled') return result.value;
    const report = tasks[index]!.report;
    report.outcome = 'failed';
    report.error = { code: awsErrorName(result.reason), message: errorMessage(result.reason) };
    if (result.reason instanceof UserError) for (const p of result.reason.problems) deps.log.error(p);
    else deps.log.error(`${report.group}: ${errorMessage(result.reason)}`);
    return undefined;
  });
  const items: Followed[] = [];
  const now = deps.clock.now();
  for (const [index, task] of tasks.entries()) {
    const id = started[index];
    if (!id) continue;
    task.report.deploymentId = id;
    task.report.url = consoleUrl(id, deps.region);
    task.report.startedAt = now;
    if (task.plan.wait === false) {
      task.report.outcome = 'created';
      continue;
    }
    const onReady = request.onReady ?? 'wait';
    const wait = planWait(task.plan.wait, task.info, onReady);
    const blueGreen = isBlueGreenGroup(task.info);
    if (blueGreen) {
      deps.log.info(
        `${task.plan.deploymentGroup}: blue/green deployment (the group's style): a replacement fleet takes the traffic ` +
          `from the original one; ${describeWaitPlan(task.plan.wait, wait)}`,
      );
    }
    const config = task.info?.blueGreenDeploymentConfiguration;
    // A blue/green deployment's duration holds its Ready and termination waits: no forecast of waves.
    const took = blueGreen ? undefined : durationOf(task.info?.lastSuccessfulDeployment);
    if (took) {
      deps.log.info(
        `${task.plan.deploymentGroup}: its last successful deployment took ${took < 1000 ? 'under a second' : formatDuration(took / 1000)}; expecting ${id} to take about as long`,
      );
    }
    items.push({
      group: task.plan.deploymentGroup,
      id,
      deadline: now + wait.seconds * 1000,
      rollbackOnStop: rollbackOnStop(task.plan),
      watched: { waves: 0, finished: false, ...(took ? { history: { createdAt: now, tookMs: took } } : {}) },
      ...(blueGreen
        ? {
            blueGreen: {
              onReady,
              region: deps.region,
              readyWaitMinutes: config?.deploymentReadyOption?.waitTimeInMinutes ?? 0,
              terminationWaitMinutes:
                config?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0,
            },
          }
        : {}),
    });
  }
  if (items.length === 0) return;
  try {
    await followDeployments(items, deps);
  } catch (error) {
    // The run ends here (a permission, an outage): say which deployments it leaves running unattended.
    for (const item of items.filter((candidate) => !isFinal(candidate.info?.status))) {
      deps.log.error(
        `${item.group}: deployment ${item.id} is still running, and this run can no longer follow it: see ${consoleUrl(item.id, deps.region)}`,
      );
    }
    throw error;
  }
  for (const task of tasks) await finishReport(task, items, deps);
}

function rollbackOnStop(plan: PlannedDeployment): boolean {
  return Array.isArray(plan.autoRollback) && plan.autoRollback.includes('DEPLOYMENT_STOP_ON_REQUEST');
}

// CreateDeployment tries per group.
const CREATE_ATTEMPTS = 5;

async function startGroup(
  task: GroupTask,
  request: ExecuteRequest,
  deps: ExecuteDeps,
): Promise<string | undefined> {
  const group = task.plan.deploymentGroup;
  const { codedeploy, log } = deps;
  if (deps.cancel.aborted) {
    task.report.note = 'not started: the workflow was cancelled';
    return undefined;
  }
  if (!(await orderingAllows(task, request, deps))) return undefined;
  let lastError: unknown;
  // After a reset or a 5xx, CreateDeployment may have gone through: find out before trying again.
  let unsure = false;
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    if (unsure) {
      try {
        const own = await ownRecentDeployment(group, request.origin, deps);
        if (own) {
          log.info(
            `${group}: CreateDeployment answered ${awsErrorName(lastError)}, but deployment ${own} of this run exists; following it`,
          );
          return own;
        }
        unsure = false;
      } catch (error) {
        if (!isTransient(error)) throw error;
        log.debug(`${group}: looking for this run's deployment: ${awsErrorName(error)}; trying again`);
        await backoff(attempt, deps);
        continue;
      }
    }
    const active = await activeDeployment(group, deps);
    if (active) {
      const decision = decideActive(task.plan.onActiveDeployment, active, request.origin);
      if (decision.kind === 'adopt') {
        log.info(`${group}: deployment ${active.id} was already created by this run; following it`);
        return active.id;
      }
      // A newer commit's run may have started since preflight looked: never wait for it, or stop it,
      // only to put an older commit over it.
      if (!(await mayFollow(task, request, deps, active.id, active.origin))) return undefined;
      if (decision.kind === 'fail') {
        task.report.outcome = 'failed';
        task.report.error = { code: 'ACTIVE_DEPLOYMENT', message: decision.reason };
        log.error(`${group}: ${decision.reason}`);
        return undefined;
      }
      if (decision.kind === 'stop') {
        log.info(`${group}: stopping the active deployment ${active.id} (onActiveDeployment: stop)`);
        await codedeploy.stopDeployment(active.id, false);
      } else {
        log.info(
          `${group}: waiting for the active deployment ${active.id} to finish (onActiveDeployment: wait)`,
        );
      }
      const ended = await waitUntilFinal(active.id, startDeadline(task, deps), deps);
      if (!ended) {
        task.report.outcome = 'failed';
        task.report.error = {
          code: 'ACTIVE_DEPLOYMENT',
          message: `deployment ${active.id} did not finish in time`,
        };
        return undefined;
      }
    }
    try {
      const id = await codedeploy.createDeployment({
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
      log.info(`${group}: created deployment ${id} — ${consoleUrl(id, deps.region)}`);
      return id;
    } catch (error) {
      // Another deployment started in between, or our own request went through but its answer was
      // lost: look again (by listing, never by parsing the message) and decide once more.
      lastError = error;
      if (awsErrorName(error) === 'DeploymentLimitExceededException') {
        log.debug(
          `${group}: CreateDeployment: ${awsErrorName(error)}; checking the group's active deployment`,
        );
        continue;
      }
      if (!isTransient(error)) throw error;
      log.debug(`${group}: CreateDeployment: ${awsErrorName(error)}: ${errorMessage(error)}; trying again`);
      // Sent once (no SDK retry): a reset or a 5xx may hide a deployment that exists, even one already
      // over. A throttled call was not executed.
      unsure = !isThrottling(error);
      if (!unsure) await backoff(attempt, deps);
    }
  }
  task.report.outcome = 'failed';
  task.report.error = unsure
    ? {
        code: 'UNKNOWN_OUTCOME',
        message: `CreateDeployment failed (${awsErrorName(lastError)}) and this run could not check whether the deployment was created: look at the group's deployments before running again`,
      }
    : awsErrorName(lastError) === 'DeploymentLimitExceededException'
      ? { code: 'ACTIVE_DEPLOYMENT', message: 'the group kept getting new deployments from elsewhere' }
      : {
          code: awsErrorName(lastError),
          message: `CreateDeployment kept failing: ${errorMessage(lastError)}`,
        };
  log.error(`${group}: ${task.report.error.message}`);
  return undefined;
}

/** Between CreateDeployment attempts: 1 s, 2 s, 4 s, 8 s, and no wait after the last one. */
async function backoff(attempt: number, deps: ExecuteDeps): Promise<void> {
  if (attempt + 1 < CREATE_ATTEMPTS) await deps.clock.sleep(1000 * 2 ** attempt, deps.cancel);
}

/** A deployment this run created on the group, whatever its status (the newest few are enough). */
async function ownRecentDeployment(
  group: string,
  origin: DeploymentOrigin,
  deps: ExecuteDeps,
): Promise<string | undefined> {
  const ids = await deps.codedeploy.listDeployments(group, undefined, 5);
  const infos = await deps.codedeploy.batchGetDeployments(ids);
  const own = infos.find((info) => {
    const theirs = parseDescription(info.description);
    return theirs?.run === origin.run && theirs.sha === origin.sha;
  });
  return own?.deploymentId;
}

function startDeadline(task: GroupTask, deps: ExecuteDeps): number {
  return deps.clock.now() + (task.plan.wait === false ? 30 * 60 : task.plan.wait) * 1000;
}

async function activeDeployment(
  group: string,
  deps: ExecuteDeps,
): Promise<{ id: string; origin?: DeploymentOrigin } | undefined> {
  const ids = await deps.codedeploy.listDeployments(group, ACTIVE_STATUSES);
  if (ids.length === 0) return undefined;
  const [info] = await deps.codedeploy.batchGetDeployments(ids.slice(0, 1));
  const origin = parseDescription(info?.description);
  return { id: ids[0]!, ...(origin ? { origin } : {}) };
}

async function waitUntilFinal(id: string, deadline: number, deps: ExecuteDeps): Promise<boolean> {
  let delay = 2_000;
  while (deps.clock.now() < deadline && !deps.cancel.aborted) {
    const info = await deps.codedeploy.getDeployment(id);
    if (isFinal(info.status)) return true;
    await deps.clock.sleep(delay, deps.cancel);
    delay = Math.min(15_000, delay * 1.5);
  }
  return false;
}

/** The ordering guard against what the group had when preflight looked (its last attempted and good deployments). */
async function orderingAllows(task: GroupTask, request: ExecuteRequest, deps: ExecuteDeps): Promise<boolean> {
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
 * ours is older and nobody asked for it explicitly. Without GitHub's compare API there is nothing to ask.
 */
async function mayFollow(
  task: GroupTask,
  request: ExecuteRequest,
  deps: ExecuteDeps,
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
    ...(request.explicit ? { explicit: request.explicit } : {}),
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

/** Fills the group's report from the last state seen, with diagnostics for failures. */
async function finishReport(task: GroupTask, items: Followed[], deps: ExecuteDeps): Promise<void> {
  const report = task.report;
  const item = items.find(
    (candidate) => candidate.id === report.deploymentId && candidate.rollbackOf === undefined,
  );
  if (!item) return;
  const info: DeploymentInfo | undefined = item.info;
  report.status = info?.status ?? 'Unknown';
  const counts = countsOf(info?.deploymentOverview);
  if (counts) report.counts = counts;
  report.endedAt = info?.completeTime?.getTime() ?? deps.clock.now();
  if (info?.errorInformation) {
    report.error = {
      ...(info.errorInformation.code ? { code: info.errorInformation.code } : {}),
      ...(info.errorInformation.message ? { message: info.errorInformation.message } : {}),
    };
  }
  report.outcome =
    info?.status === 'Succeeded'
      ? 'succeeded'
      : info?.status === 'Failed'
        ? 'failed'
        : info?.status === 'Stopped'
          ? 'stopped'
          : 'in-progress';
  if (report.outcome === 'in-progress' && info?.instanceTerminationWaitTimeStarted) {
    // Traffic moved and nothing failed; only the original fleet's termination is left, which CodeDeploy does alone.
    report.outcome = 'succeeded';
    report.note = `traffic is on the replacement fleet; CodeDeploy terminates the original fleet after its termination wait (${formatDuration(
      (item.blueGreen?.terminationWaitMinutes ?? 0) * 60,
    )}) and marks the deployment Succeeded then`;
  }
  if (item.stoppedBecause) {
    report.note =
      item.stoppedBecause === 'cancelled'
        ? 'stopped because the workflow was cancelled'
        : item.stoppedBecause === 'on-ready'
          ? 'stopped when it was Ready for a traffic reroute (on-ready: stop); traffic stays on the original fleet'
          : 'stopped: the wait timed out';
    if (report.outcome === 'succeeded') report.note = 'it succeeded just as it was being stopped';
    if (item.stopFailed !== undefined && !isFinal(info?.status))
      report.note = `${item.stoppedBecause === 'cancelled' ? 'the workflow was cancelled' : 'the wait timed out'}, and it could not be stopped: it is still running (${item.stopFailed})`;
  }
  const rollback = items.find((candidate) => candidate.rollbackOf === item.id);
  const rollbackId = rollback?.id ?? info?.rollbackInfo?.rollbackDeploymentId;
  if (rollbackId) {
    report.rollback = {
      deploymentId: rollbackId,
      url: consoleUrl(rollbackId, deps.region),
      ...(rollback?.info?.status ? { status: rollback.info.status } : {}),
    };
  }
  if (report.outcome === 'failed' || report.outcome === 'stopped') {
    try {
      report.failures = instanceFailures(await deps.codedeploy.deploymentTargets(item.id));
    } catch (error) {
      deps.log.warn(
        `${task.plan.deploymentGroup}: could not read the instance diagnostics: ${errorMessage(error)}`,
      );
    }
    for (const failure of report.failures) await logFailure(task.plan.deploymentGroup, failure, deps.log);
    // No instance to blame (NO_INSTANCES, a stop, a missing role): CodeDeploy's own reason is the explanation.
    if (report.failures.length === 0 && report.error) {
      deps.log.error(
        `${task.plan.deploymentGroup}: deployment ${item.id} ${report.status}: ${[report.error.code, report.error.message].filter(Boolean).join(': ')}`,
      );
    }
  }
}

/** One collapsed section per failing instance with everything needed to fix it, and an annotation. */
async function logFailure(group: string, failure: InstanceFailure, log: Logger): Promise<void> {
  await log.group(
    `${group} › ${failure.instanceId}: ${failure.event} failed${failure.errorCode ? ` (${failure.errorCode})` : ''}`,
    async () => {
      if (failure.script) log.info(`script:  ${failure.script}`);
      if (failure.message) log.info(`message: ${failure.message}`);
      if (failure.logTail) log.info(`log tail:\n${failure.logTail.trimEnd()}`);
    },
  );
  log.error(describeFailure(group, failure));
}

/** A closed pull request: stop what runs on its preview groups, delete the groups this project created. */
async function teardown(request: ExecuteRequest, deps: ExecuteDeps): Promise<GroupReport[]> {
  const { codedeploy, log } = deps;
  const reports: GroupReport[] = [];
  if (!(await codedeploy.applicationExists())) {
    return request.deployments.map((plan) => ({
      ...newReport(plan),
      outcome: 'torn-down',
      note: 'the application does not exist',
    }));
  }
  for (const plan of request.deployments) {
    const report = newReport(plan);
    reports.push(report);
    const group = plan.deploymentGroup;
    const info = await codedeploy.getGroup(group);
    if (!info) {
      report.outcome = 'torn-down';
      report.note = 'the group does not exist';
      continue;
    }
    for (const id of await codedeploy.listDeployments(group, ACTIVE_STATUSES)) {
      log.info(`${group}: stopping ${id} (the pull request was closed)`);
      await codedeploy.stopDeployment(id, false);
      await waitUntilFinal(id, deps.clock.now() + 60_000, deps);
    }
    report.outcome = 'torn-down';
    if (!request.deleteOnClose) {
      report.note = 'kept: deleteOnClose is off';
    } else if (await deps.ledger.createdByUs(group, info.deploymentGroupId)) {
      await codedeploy.deleteGroup(group);
      await deps.ledger.forget(group);
      report.note = 'deleted the preview group';
      log.info(`${group}: deleted (codedeploy-gitops created it)`);
    } else {
      report.note = 'kept: codedeploy-gitops did not create this group';
      log.info(`${group}: kept, because codedeploy-gitops did not create it`);
    }
  }
  return reports;
}
