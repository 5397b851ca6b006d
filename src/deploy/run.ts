import type { Config, RevisionSettings } from '../config/types.js';
import { errorMessage, problem, UserError } from '../core/problems.js';
import { isPullRequest, type RunnerEvent, type Trigger, triggerFromEvent } from '../event/trigger.js';
import { type Plan, planDeployments } from '../plan/plan.js';
import type { OnReady } from './blue-green.js';
import { manualRequest, runStatus } from './decisions.js';
import { type DeployResult, deploy } from './deploy.js';
import { cancelled, type DeployDeps, type DeployRequest, newReport } from './group-task.js';
import { type ConfigLocation, loadTrustedConfig } from './load-config.js';
import type { AwsTarget, RunEdges } from './ports.js';
import type { RevisionChoice, RunResult } from './results.js';
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
}

/** The one flow: trigger → trusted config → plan → (skip | dry run | deploy | teardown) → report. */
export async function runDeployment(options: RunOptions, edges: RunEdges): Promise<RunResult> {
  const { log } = edges;
  const trigger = triggerFromEvent(options.event);
  refuseManualOutsideDispatch(trigger, options);
  const config = await loadTrustedConfig(options.config, options.workspace, trigger, edges);
  const plan = withWait(planDeployments(config, trigger, { groups: options.groups }), options.wait);
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
      return { groups: await withAws((deps) => teardown(request, deps)), region };
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
