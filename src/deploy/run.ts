import type { Config } from '../config/types.js';
import { errorMessage, problem, problemsOf, UserError } from '../core/problems.js';
import { isPullRequest, type RunnerEvent, type Trigger, triggerFromEvent } from '../event/trigger.js';
import { type ChangedFiles, filteredByPaths } from '../plan/changes.js';
import { type Plan, planDeployments } from '../plan/plan.js';
import type { OnReady } from './blue-green.js';
import { manualRequest, runStatus } from './decisions.js';
import { type DeployResult, deploy } from './deploy.js';
import { cancelled, type DeployDeps, type DeployRequest, newReport } from './group-task.js';
import { type ConfigLocation, loadTrustedConfigs } from './load-config.js';
import type { RunEdges } from './ports.js';
import type { RevisionChoice, RunResult, RunStatus } from './results.js';
import type { RevisionInHand } from './revision.js';
import { teardown } from './teardown.js';
import { confirmRunBranch, refuseOtherCheckout } from './workflow-run.js';

/** What one run is asked to do, typed and checked by the face that read it (action inputs or CLI flags). */
export interface RunOptions {
  event: RunnerEvent;
  config: ConfigLocation;
  /** The checked-out repository (GITHUB_WORKSPACE). */
  workspace: string;
  /** `${GITHUB_RUN_ID}.${GITHUB_RUN_ATTEMPT}`: tells this run's deployments from any other's. */
  runId: string;
  runUrl?: string;
  /** Groups instead of the mapped ones (workflow_dispatch only). */
  groups: string[];
  revision: RevisionChoice;
  /** Overrides every mapping's wait: seconds, or false (create and return). */
  wait?: number | false;
  dryRun: boolean;
  onReady: OnReady;
  /** Undefined: a run that needs AWS fails, saying how to set it. */
  region?: string;
  /** The CLI's `local`: see DeployRequest.rehearsal. */
  rehearsal?: DeployRequest['rehearsal'];
  /** The files the push changed, when the caller knows (the CLI's --changed); else GitHub is asked. */
  changedFiles?: string[];
}

/** What a run did: one result per application, in the order of the config files. */
export interface RunReport {
  status: RunStatus;
  results: RunResult[];
}

/**
 * The one flow: trigger → the trusted maps (one per application) → for each: plan → (skip | dry run
 * | deploy | teardown) → report. With several applications, one that fails (its preflight, say) fails
 * the run, and the others are still deployed; with one, its error is the run's, as it always was.
 */
export async function runDeployment(options: RunOptions, edges: RunEdges): Promise<RunReport> {
  const trigger = triggerFromEvent(options.event);
  refuseManualOutsideDispatch(trigger, options);
  const configs = await loadTrustedConfigs(options.config, options.workspace, trigger, edges);
  const changed = await changedFiles(trigger, configs, options, edges);
  const results: RunResult[] = [];
  for (const config of configs) {
    if (configs.length > 1) edges.log.info(`Application "${config.application}" (${config.file})`);
    let plan: Plan | undefined;
    try {
      const planned = planDeployments(config, trigger, {
        groups: options.groups,
        ...(changed ? { changed } : {}),
      });
      plan = withWait(await confirmRunBranch(planned, trigger, edges), options.wait);
      results.push(await runApplication(config, plan, trigger, options, edges));
    } catch (error) {
      if (configs.length === 1) throw error;
      results.push(failedApplication(config, plan, trigger, options, error, edges));
    }
  }
  return { status: combinedStatus(results), results };
}

/** One application's run: plan → (skip | dry run | deploy | teardown) → report. */
async function runApplication(
  config: Config,
  plan: Plan,
  trigger: Trigger,
  options: RunOptions,
  edges: RunEdges,
): Promise<RunResult> {
  const { log } = edges;
  const base = {
    trigger,
    config,
    plan,
    dryRun: options.dryRun,
    revisionChoice: options.revision,
    groups: [],
  };
  if (plan.skipped) {
    log.info(`Nothing to deploy: ${plan.reason}`);
    return finish({ ...base, status: 'skipped' }, edges);
  }
  const verb = plan.action === 'teardown' ? 'tear down' : 'deploy to';
  log.info(`Plan: ${verb} ${plan.deployments.map((d) => d.deploymentGroup).join(', ')} — ${plan.matched}`);
  if (options.dryRun) {
    log.info('dry-run: nothing was uploaded or deployed');
    return finish({ ...base, status: 'planned' }, edges);
  }
  if (plan.action === 'deploy') await refuseOtherCheckout(trigger, options.workspace, edges);
  await edges.reporter?.started({ ...base, status: 'created' });
  let outcome: DeployResult & { region: string };
  try {
    outcome = await onAws(options, { ...base, plan }, edges);
  } catch (error) {
    // GitHub must hear the end of the run even when it fails half-way (groups without a report show as errors).
    await edges.reporter?.finished({ ...base, status: 'failed' });
    throw error;
  }
  return finish({ ...base, status: runStatus(outcome.groups), ...outcome }, edges);
}

async function finish(result: RunResult, edges: RunEdges): Promise<RunResult> {
  await edges.reporter?.finished(result);
  return result;
}

/**
 * An application whose run stopped on an error: its planned groups report it, the others go on.
 * Without a plan (the map refused the ref: `unmatched: fail`), the error stands in for one.
 */
function failedApplication(
  config: Config,
  planned: Plan | undefined,
  trigger: Trigger,
  options: RunOptions,
  error: unknown,
  edges: RunEdges,
): RunResult {
  for (const p of problemsOf(error)) edges.log.error(p);
  const message = errorMessage(error);
  const plan: Plan = planned ?? { skipped: true, code: 'no-match', reason: `not planned: ${message}` };
  return {
    status: 'failed',
    trigger,
    config,
    plan,
    dryRun: options.dryRun,
    revisionChoice: options.revision,
    groups: plan.skipped
      ? []
      : plan.deployments.map((planned) => ({
          ...newReport(planned),
          outcome: 'failed',
          error: { message },
          note: `not deployed: ${message}`,
        })),
  };
}

/**
 * The files a branch's push changed, when an application has `paths` to match them against: from the
 * options (the CLI's --changed), else GitHub's compare API (from `before`, or from the default branch
 * for a new branch). Unknown when they cannot be asked: every application is then deployed. A tag is
 * no change of files, and a manual run or a pull request is not filtered: those deploy what they map.
 */
async function changedFiles(
  trigger: Trigger,
  configs: Config[],
  options: RunOptions,
  edges: RunEdges,
): Promise<ChangedFiles | undefined> {
  if (!filteredByPaths(trigger) || !configs.some((config) => config.paths)) return undefined;
  if (options.changedFiles) return { known: true, files: options.changedFiles };
  if (trigger.event === 'workflow_run') {
    return { known: false, why: 'a finished run does not name the commit its branch was at before the push' };
  }
  if (!edges.changedFiles) return { known: false, why: 'the changed files cannot be asked outside GitHub' };
  const base = trigger.before ?? trigger.repository.defaultBranch;
  if (!base)
    return { known: false, why: 'the event names neither the commit before the push nor the default branch' };
  try {
    const files = await edges.changedFiles(base, trigger.sha);
    return files
      ? { known: true, files }
      : { known: false, why: `the push changed more files than GitHub's compare API lists` };
  } catch (error) {
    return { known: false, why: `the changed files could not be read (${errorMessage(error)})` };
  }
}

/** The run's status over its applications: the worst one decides; all skipped is a skip. */
function combinedStatus(results: RunResult[]): RunStatus {
  const order: RunStatus[] = [
    'failed',
    'stopped',
    'cancelled',
    'created',
    'succeeded',
    'planned',
    'superseded',
  ];
  const statuses = new Set(results.map((result) => result.status));
  return order.find((status) => statuses.has(status)) ?? 'skipped';
}

/**
 * The AWS half: the workspace's revision is prepared (walked, its appspec checked) before AWS is
 * touched, then the edges are connected for this application, and the plan deployed or torn down.
 */
async function onAws(
  options: RunOptions,
  { trigger, config, plan }: { trigger: Trigger; config: Config; plan: DeployRequest['plan'] },
  edges: RunEdges,
): Promise<DeployResult & { region: string }> {
  const { region } = options;
  if (!region) {
    throw new UserError(
      problem('no AWS region', undefined, 'set the "aws-region" input, or AWS_REGION in the environment'),
    );
  }
  const ref = refOf(trigger);
  const request: DeployRequest = {
    config,
    plan,
    origin: { sha: trigger.sha, run: options.runId, ref },
    commit: { sha: trigger.sha, ref, ...(options.runUrl ? { runUrl: options.runUrl } : {}) },
    revisionChoice: options.revision,
    ...withManual(trigger, options.revision),
    onReady: options.onReady,
    region,
    ...(options.rehearsal ? { rehearsal: options.rehearsal } : {}),
  };
  const target = { region, application: config.application, revision: config.revision };
  const withAws = async <T>(work: (deps: DeployDeps) => Promise<T>): Promise<T> => {
    const aws = await edges.connectAws(target);
    try {
      return await work({ ...edges, ...aws });
    } finally {
      aws.close();
    }
  };
  try {
    if (plan.action === 'teardown') return { groups: await withAws((deps) => teardown(plan, deps)), region };
    const revision = await revisionInHand(options.revision, config, edges);
    try {
      return { ...(await withAws((deps) => deploy(request, revision, deps))), region };
    } finally {
      if (revision.kind === 'workspace') await revision.prepared.close();
    }
  } catch (error) {
    // Cancelled before anything of a group started (the walk, the digest, a call cut short): the
    // report says so for every group, instead of an error.
    if (!edges.cancel.aborted || error instanceof UserError) throw error;
    edges.log.debug(`stopped by the cancel: ${errorMessage(error)}`);
    return { groups: plan.deployments.map((planned) => cancelled(newReport(planned))), region };
  }
}

async function revisionInHand(
  choice: RevisionChoice,
  config: Config,
  edges: RunEdges,
): Promise<RevisionInHand> {
  if (choice.kind !== 'workspace') return choice;
  return { kind: 'workspace', prepared: await edges.revisionSource.prepare(config.revision) };
}

function withManual(trigger: Trigger, choice: RevisionChoice): Pick<DeployRequest, 'manual'> {
  const manual = manualRequest(trigger.event, choice);
  return manual ? { manual } : {};
}

/**
 * What to deploy is chosen by hand only on workflow_dispatch: on any other event those options are
 * refused, before the config is even read.
 */
function refuseManualOutsideDispatch(trigger: Trigger, options: RunOptions): void {
  if (trigger.event === 'workflow_dispatch') return;
  const manual = [
    ...(options.groups.length > 0 ? ['deployment-groups'] : []),
    ...(options.revision.kind === 'sha' ? ['revision'] : []),
    ...(options.revision.kind === 'rollback' ? ['rollback'] : []),
  ];
  if (manual.length === 0) return;
  throw new UserError(
    manual.map((name) =>
      problem(
        `input "${name}" is only honoured on workflow_dispatch, not on ${trigger.event}`,
        { file: 'action inputs' },
        'set it only when the workflow is run by hand (workflow_dispatch); pushes and pull requests follow the config',
      ),
    ),
  );
}

function refOf(trigger: Trigger): string {
  if (isPullRequest(trigger)) return `refs/pull/${trigger.number}/head`;
  return `refs/${trigger.ref.type === 'branch' ? 'heads' : 'tags'}/${trigger.ref.name}`;
}

/** The `wait` option overrides every mapping's wait. */
function withWait(plan: Plan, wait: number | false | undefined): Plan {
  if (plan.skipped || wait === undefined) return plan;
  return { ...plan, deployments: plan.deployments.map((d) => ({ ...d, wait })) };
}
