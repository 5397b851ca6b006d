import type { Config, RevisionSettings } from '../config/types.js';
import { errorMessage, problem, problemsOf, UserError } from '../core/problems.js';
import { isPullRequest, type RunnerEvent, type Trigger, triggerFromEvent } from '../event/trigger.js';
import { filteredByPaths } from '../plan/changes.js';
import { notPlanned, type Plan, planDeployments } from '../plan/plan.js';
import type { OnReady } from './blue-green.js';
import { manualRequest, runStatus } from './decisions.js';
import { type DeployResult, deploy } from './deploy.js';
import { cancelled, type DeployDeps, type DeployRequest, newReport } from './group-task.js';
import { type ConfigLocation, loadTrustedConfigs } from './load-config.js';
import type { AwsTarget, RunEdges } from './ports.js';
import { type RefChecks, refChecks } from './ref-checks.js';
import type { RevisionChoice, RunResult, RunStatus } from './results.js';
import type { RevisionInHand } from './revision.js';
import { teardown } from './teardown.js';

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
  const checks = refChecks(trigger, options, edges);
  const results: RunResult[] = [];
  for (const config of configs) {
    if (configs.length > 1) edges.log.info(`Application "${config.application}" (${config.file})`);
    let plan: Plan | undefined;
    try {
      const siblings = configs.filter((other) => other !== config);
      plan = withWait(await planApplication(config, siblings, trigger, options, checks), options.wait);
      results.push(
        // Cancelled while an earlier application ran: nothing more is started, and each says so.
        edges.cancel.aborted
          ? cancelledApplication(config, plan, trigger, options)
          : await runApplication(config, plan, trigger, options, edges, checks),
      );
    } catch (error) {
      if (configs.length === 1) throw error;
      results.push(failedApplication(config, plan, trigger, options, error, edges));
    }
  }
  return { status: combinedStatus(results), results };
}

/**
 * The application's plan, confirmed with GitHub where the event alone cannot be trusted: the files a
 * push changed (its `paths`), a finished run's branch, a deleted branch still being gone.
 */
async function planApplication(
  config: Config,
  siblings: Config[],
  trigger: Trigger,
  options: RunOptions,
  checks: RefChecks,
): Promise<Plan> {
  const plan = planDeployments(config, trigger, { groups: options.groups, siblings });
  if (plan.skipped) return plan;
  if (plan.action === 'teardown')
    return plan.cause === 'branch-deleted' ? ((await checks.branchGone()) ?? plan) : plan;
  const refused = await checks.runBranch();
  if (refused) return refused;
  if (!config.paths || !filteredByPaths(trigger)) return plan;
  return planDeployments(config, trigger, {
    groups: options.groups,
    siblings,
    changed: await checks.changedFiles(),
  });
}

/** One application's run: (skip | dry run | deploy | teardown) → report. */
async function runApplication(
  config: Config,
  plan: Plan,
  trigger: Trigger,
  options: RunOptions,
  edges: RunEdges,
  checks: RefChecks,
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
  if (plan.action === 'deploy') await checks.checkout();
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

/** An application not started because the run was cancelled: each of its groups says so. */
function cancelledApplication(config: Config, plan: Plan, trigger: Trigger, options: RunOptions): RunResult {
  return {
    status: plan.skipped ? 'skipped' : 'cancelled',
    trigger,
    config,
    plan,
    dryRun: options.dryRun,
    revisionChoice: options.revision,
    groups: plan.skipped ? [] : plan.deployments.map((planned) => cancelled(newReport(planned))),
  };
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
  const plan = planned ?? notPlanned(error);
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
    repository: `${trigger.repository.owner}/${trigger.repository.name}`,
    revisionChoice: options.revision,
    ...withManual(trigger, options.revision),
    onReady: options.onReady,
    region,
    ...(options.rehearsal ? { rehearsal: options.rehearsal } : {}),
  };
  const target = { region, application: config.application, ...bucketOf(config.revision) };
  const withAws = async <T>(work: (deps: DeployDeps) => Promise<T>): Promise<T> => {
    const aws = await edges.connectAws(target);
    try {
      return await work({ ...edges, ...aws });
    } finally {
      aws.close();
    }
  };
  try {
    if (plan.action === 'teardown')
      return { groups: await withAws((deps) => teardown(plan, ref, deps)), region };
    const revision = await revisionInHand(options.revision, request, edges);
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

/** The workspace's revision, checked before AWS is touched: prepared for S3, or its commit for GitHub. */
async function revisionInHand(
  choice: RevisionChoice,
  { config, repository, commit }: DeployRequest,
  edges: RunEdges,
): Promise<RevisionInHand> {
  if (choice.kind !== 'workspace') return choice;
  if (config.revision.type === 's3')
    return { kind: 'workspace', prepared: await edges.revisionSource.prepare(config.revision) };
  const revision = { type: 'github' as const, repository, commitId: commit.sha.toLowerCase() };
  await edges.revisionSource.checkCommit(config.revision, revision);
  return { kind: 'commit', revision };
}

/** The bucket of S3 revisions, or of a GitHub revision's records when the config names one. */
function bucketOf(revision: RevisionSettings): Pick<AwsTarget, 'bucket'> {
  if (revision.type === 's3') return { bucket: { bucket: revision.bucket, prefix: revision.prefix } };
  return revision.records ? { bucket: revision.records } : {};
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
