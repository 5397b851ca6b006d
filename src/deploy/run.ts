import { join } from 'node:path';
import type { ActionInputs } from '../action/inputs.js';
import { loadConfigFile, parseConfigOrThrow } from '../config/load.js';
import { chooseConfigSource } from '../config/source.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../core/log.js';
import { problem, UserError } from '../core/problems.js';
import { isPullRequest, type RunnerEvent, type Trigger, triggerFromEvent } from '../event/trigger.js';
import type { FetchConfigRequest } from '../github/config-fetch.js';
import { type Plan, planDeployments } from '../plan/plan.js';
import { type CommitRelation, runStatus } from './decisions.js';
import type { GroupReport, RevisionReport } from './model.js';

export type RunStatus = 'succeeded' | 'failed' | 'stopped' | 'skipped' | 'created' | 'planned';

export interface RunRequest {
  inputs: ActionInputs;
  event: RunnerEvent;
  /** GITHUB_WORKSPACE: the checked-out repository. */
  workspace: string;
  /** `${GITHUB_RUN_ID}.${GITHUB_RUN_ATTEMPT}`: tells this run's deployments from any other's. */
  runId: string;
  runUrl?: string;
}

export interface RunDeps {
  log: Logger;
  fetchConfig(request: FetchConfigRequest): Promise<string>;
  /** GitHub Deployments and the PR comment; absent for the CLI. */
  reporter?: RunReporter;
  /** GitHub's compare API for the ordering guard; absent outside GitHub. */
  compareCommits?: (base: string, head: string) => Promise<CommitRelation>;
  /** Aborted when the workflow is cancelled (SIGINT/SIGTERM). */
  cancel: AbortSignal;
}

export interface RunResult {
  status: RunStatus;
  trigger: Trigger;
  config: Config;
  plan: Plan;
  dryRun: boolean;
  /** AWS region of the deployments (console links). */
  region?: string;
  /** One report per planned group, in plan order; empty for a skip or a dry run. */
  groups: GroupReport[];
  revision?: RevisionReport;
  /** A person asked, on workflow_dispatch, for an earlier commit's revision or for a rollback. */
  manual?: { kind: 'revision'; sha: string } | { kind: 'rollback' };
}

/**
 * GitHub-side reporting (Deployments API, the sticky pull-request comment). Implementations must
 * never throw: a GitHub outage may not fail or hide the CodeDeploy result, so they warn and go on.
 */
export interface RunReporter {
  /** Before any deployment is created (GitHub deployments go in_progress). */
  started(result: RunResult): Promise<void>;
  /** After the run, with every group's outcome (final statuses, the comment). Also called for skips. */
  finished(result: RunResult): Promise<void>;
}

/** The one flow: trigger → trusted config → plan → (dry run | skip | deploy). */
export async function runAction(request: RunRequest, deps: RunDeps): Promise<RunResult> {
  const { inputs } = request;
  const { log } = deps;
  const trigger = triggerFromEvent(request.event);
  const explicit = explicitRequest(trigger, inputs);
  const config = await loadTrustedConfig(request, trigger, deps);
  const plan = applyInputOverrides(
    planDeployments(config, trigger, { groups: inputs.deploymentGroups }),
    inputs,
  );
  if (plan.skipped) {
    log.info(`Nothing to deploy: ${plan.reason}`);
    return finish({ status: 'skipped', trigger, config, plan, dryRun: inputs.dryRun, groups: [] }, deps);
  }
  const verb = plan.action === 'teardown' ? 'tear down' : 'deploy to';
  log.info(`Plan: ${verb} ${plan.deployments.map((d) => d.deploymentGroup).join(', ')} — ${plan.matched}`);
  const base = {
    trigger,
    config,
    plan,
    dryRun: inputs.dryRun,
    groups: [],
    ...(explicit === 'revision' ? { manual: { kind: 'revision' as const, sha: inputs.revision! } } : {}),
    ...(explicit === 'rollback' ? { manual: { kind: 'rollback' as const } } : {}),
  };
  if (inputs.dryRun) {
    log.info('dry-run: nothing was uploaded or deployed');
    return finish({ ...base, status: 'planned' }, deps);
  }
  await deps.reporter?.started({ ...base, status: 'created' });
  const { runWithAws } = await import('./aws-flow.js');
  // GitHub must hear the end of the run even when it fails half-way (groups without a report show as errors).
  const outcome = await runWithAws({
    config,
    workspace: request.workspace,
    ...(inputs.awsRegion ? { region: inputs.awsRegion } : {}),
    metadata: {
      sha: trigger.sha,
      ref: refOf(trigger),
      ...(request.runUrl ? { runUrl: request.runUrl } : {}),
    },
    log,
    cancel: deps.cancel,
    ...(deps.compareCommits ? { compareCommits: deps.compareCommits } : {}),
    execute: {
      action: plan.action,
      strategy: plan.strategy,
      deployments: plan.deployments,
      placeholders: plan.placeholders,
      origin: { sha: trigger.sha, run: request.runId, ref: refOf(trigger) },
      ...(explicit ? { explicit } : {}),
      ...(inputs.revision ? { revisionSha: inputs.revision } : {}),
      ...(inputs.rollback ? { rollback: true } : {}),
      ...(plan.deleteOnClose !== undefined ? { deleteOnClose: plan.deleteOnClose } : {}),
      onReady: inputs.onReady,
    },
  }).catch(async (error: unknown) => {
    await deps.reporter?.finished({ ...base, status: 'failed' });
    throw error;
  });
  const result: RunResult = {
    ...base,
    status: runStatus(outcome.groups),
    region: outcome.region,
    groups: outcome.groups,
    ...(outcome.revision ? { revision: outcome.revision } : {}),
  };
  return finish(result, deps);
}

async function finish(result: RunResult, deps: RunDeps): Promise<RunResult> {
  await deps.reporter?.finished(result);
  return result;
}

/**
 * A person asked for this deployment by hand: the ordering guard lets older commits through, and
 * says so. The inputs that choose what to deploy by hand are refused on any other event, before
 * the config is even read.
 */
function explicitRequest(
  trigger: Trigger,
  inputs: ActionInputs,
): 'workflow_dispatch' | 'revision' | 'rollback' | undefined {
  if (trigger.event !== 'workflow_dispatch') {
    const manual = [
      ...(inputs.deploymentGroups.length > 0 ? ['deployment-groups'] : []),
      ...(inputs.revision ? ['revision'] : []),
      ...(inputs.rollback ? ['rollback'] : []),
    ];
    if (manual.length > 0) {
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
    return undefined;
  }
  if (inputs.rollback) return 'rollback';
  return inputs.revision ? 'revision' : 'workflow_dispatch';
}

function refOf(trigger: Trigger): string {
  if (isPullRequest(trigger)) return `refs/pull/${trigger.number}/head`;
  return `refs/${trigger.ref.type === 'branch' ? 'heads' : 'tags'}/${trigger.ref.name}`;
}

async function loadTrustedConfig(request: RunRequest, trigger: Trigger, deps: RunDeps): Promise<Config> {
  const source = chooseConfigSource(trigger, request.inputs.configSource);
  const path = request.inputs.config;
  let loaded: Awaited<ReturnType<typeof loadConfigFile>>;
  if (source.kind === 'workspace') {
    deps.log.info(`Config: ${path} from the workspace (${source.why})`);
    loaded = await loadConfigFile(join(request.workspace, path), path);
  } else {
    deps.log.info(`Config: ${path} from the default branch "${source.branch}" (${source.why})`);
    const { owner, name } = trigger.repository;
    const text = await deps.fetchConfig({
      token: request.inputs.githubToken,
      owner,
      repo: name,
      path,
      branch: source.branch,
    });
    loaded = parseConfigOrThrow(text, `${path}@${source.branch}`);
  }
  for (const warning of loaded.warnings) deps.log.warn(warning);
  return loaded.config;
}

/** The `wait` input overrides every mapping's wait. */
function applyInputOverrides(plan: Plan, inputs: ActionInputs): Plan {
  if (plan.skipped || inputs.wait === undefined) return plan;
  const wait = inputs.wait;
  return { ...plan, deployments: plan.deployments.map((d) => ({ ...d, wait })) };
}
