import { posix } from 'node:path';
import { formatDuration } from '../config/duration.js';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import type { Config } from '../config/types.js';
import { formatProblem, UserError } from '../core/problems.js';
import { configPaths, loadWorkspaceConfigs } from '../deploy/load-config.js';
import { eventFromFile } from '../event/read-event.js';
import { type GitRef, parseRef, SUPPORTED_EVENTS, type Trigger, triggerFromEvent } from '../event/trigger.js';
import { filteredByPaths } from '../plan/changes.js';
import {
  notPlanned,
  type Plan,
  type PlannedDeployment,
  type PlanOptions,
  planDeployments,
  plansToJson,
} from '../plan/plan.js';
import { oneOf, parseFlags } from './args.js';
import { type CommandHandler, UsageError } from './command.js';

const plan: CommandHandler = async (argv) => {
  const flags = parseFlags(argv, {
    config: { type: 'string', default: DEFAULT_CONFIG_PATH },
    event: { type: 'string' },
    'event-file': { type: 'string' },
    ref: { type: 'string' },
    pr: { type: 'string' },
    'pr-action': { type: 'string' },
    'head-ref': { type: 'string' },
    sha: { type: 'string' },
    groups: { type: 'string' },
    repo: { type: 'string' },
    fork: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    changed: { type: 'string' },
  });
  const file = flags['event-file'];
  const trigger = file ? await triggerFromFile(file, flags) : triggerFromFlags(flags);
  const configs = await loadWorkspaceConfigs(process.cwd(), configPaths(flags.config), {
    warn: (w) => process.stderr.write(`${typeof w === 'string' ? w : formatProblem(w)}\n`),
  });
  const groups = flags.groups
    ?.split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const changed = flags.changed === undefined ? undefined : changedFromFlag(flags.changed, trigger);
  let refused = 0;
  const plans = configs.map((config) => {
    const options = {
      ...(groups ? { groups } : {}),
      ...(changed ? { changed } : {}),
      siblings: configs.filter((other) => other !== config),
      missingValues: MISSING_VALUES,
    };
    try {
      return { config, plan: planDeployments(config, trigger, options) };
    } catch (error) {
      // One application's map refusing the event fails it, as in the action: the others are planned.
      if (configs.length === 1 || !(error instanceof UserError)) throw error;
      for (const p of error.problems) process.stderr.write(`${formatProblem(p)}\n`);
      refused += 1;
      return { config, plan: notPlanned(error) };
    }
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(plansToJson(plans))}\n`);
  else {
    const unchecked = filteredByPaths(trigger) && changed === undefined;
    process.stdout.write(
      plans.map((entry) => renderApplicationPlan(entry, plans.length > 1, unchecked)).join('\n'),
    );
  }
  return refused > 0 ? 1 : 0;
};
export default plan;

interface PlanFlags {
  event?: string;
  ref?: string;
  pr?: string;
  'pr-action'?: string;
  'head-ref'?: string;
  sha?: string;
  repo?: string;
  fork?: boolean;
}

const HEAD_REF_FIX = "pass --head-ref with the pull request's head branch, GITHUB_HEAD_REF in a workflow";

// What a runner's event always has and these flags may not: an empty value makes a template that
// needs it fail with this fix, instead of deploying to a made-up name.
const MISSING_VALUES: PlanOptions['missingValues'] = {
  sha: 'pass --sha with the commit',
  shortSha: 'pass --sha with the commit',
  repo: 'pass --repo OWNER/NAME',
  branch: HEAD_REF_FIX,
  name: HEAD_REF_FIX,
  ref: HEAD_REF_FIX,
};

// The ref of a pull_request run (GITHUB_REF): its merge commit, or its head.
const PULL_REQUEST_REF = /^refs\/pull\/([1-9]\d*)\/(merge|head)$/;

// What the event file says; these flags say it for --ref instead.
const REF_FLAGS = ['ref', 'pr', 'pr-action', 'head-ref'] as const;

/**
 * A saved payload, read as the action reads the runner's: `--sha` and `--repo` stand in for GITHUB_SHA
 * and GITHUB_REPOSITORY (a release's commit is GITHUB_SHA's alone).
 */
async function triggerFromFile(file: string, flags: PlanFlags): Promise<Trigger> {
  const given = REF_FLAGS.find((name) => flags[name] !== undefined) ?? (flags.fork ? 'fork' : undefined);
  if (given) throw new UsageError(`--${given} goes with --ref; with --event-file the event says it`);
  if (flags.repo !== undefined) repositoryFromFlag(flags.repo);
  const event = await eventFromFile(file, {
    eventName: oneOf('event', flags.event, SUPPORTED_EVENTS),
    sha: flags.sha ?? '',
    repository: flags.repo,
  });
  return triggerFromEvent(event);
}

function triggerFromFlags(flags: PlanFlags): Trigger {
  const event = oneOf('event', flags.event, SUPPORTED_EVENTS);
  if (!event)
    throw new UsageError(
      `--event is required with --ref (${SUPPORTED_EVENTS.join(', ')}), or give --event-file`,
    );
  if (!flags.ref)
    throw new UsageError(
      '--ref is required (a branch such as develop, or refs/tags/v1.2.0), or give --event-file',
    );
  const common = { sha: flags.sha ?? '', repository: repositoryFromFlag(flags.repo) };
  if (event === 'pull_request' || event === 'pull_request_target') {
    const { number, headRef } = pullRequestFromFlags(flags.ref, flags.pr, flags['head-ref']);
    const action = flags['pr-action'] ?? 'opened';
    // Any action GitHub sends is accepted; the plan says which ones it skips.
    if (!/^[a-z_]+$/.test(action))
      throw new UsageError(`--pr-action "${action}" is not a pull_request action such as opened or labeled`);
    return {
      ...common,
      event,
      action,
      number,
      headRef,
      headSha: common.sha,
      baseRef: 'main',
      fork: flags.fork === true,
    };
  }
  if (flags.pr || flags['pr-action'] || flags['head-ref'])
    throw new UsageError('--pr, --pr-action and --head-ref only apply to --event pull_request');
  if (PULL_REQUEST_REF.test(flags.ref))
    throw new UsageError(`--ref "${flags.ref}" is a pull request's ref: use it with --event pull_request`);
  switch (event) {
    case 'push':
      return { ...common, event, ref: refFromFlag(flags.ref), deleted: false };
    case 'workflow_dispatch':
      return { ...common, event, ref: refFromFlag(flags.ref) };
    // The quick forms of the other events: a successful push run, a published release, a deletion.
    // Their other cases come with --event-file.
    case 'workflow_run': {
      const ref = refFromFlag(flags.ref);
      if (ref.type !== 'branch')
        throw new UsageError('--event workflow_run deploys the branch a run was for: --ref names a branch');
      const run = { workflow: '', event: 'push', conclusion: 'success' };
      return { ...common, event, action: 'completed', ref, run, fork: false };
    }
    case 'release': {
      const ref = refFromFlag(flags.ref, 'tag');
      if (ref.type !== 'tag') throw new UsageError('--event release deploys a tag: --ref names a tag');
      return { ...common, event, action: 'published', ref, prerelease: false };
    }
    case 'delete':
      return { ...common, event, ref: refFromFlag(flags.ref), sha: '' };
  }
}

function repositoryFromFlag(repo: string | undefined): Trigger['repository'] {
  if (repo === undefined) return { owner: '', name: '' };
  const [owner, name, ...rest] = repo.split('/');
  if (!owner || !name || rest.length > 0) throw new UsageError(`--repo "${repo}" is not OWNER/NAME`);
  return { owner, name };
}

/**
 * `--ref` is the head branch with `--pr N`, or the run's GITHUB_REF `refs/pull/N/merge`, which holds
 * the number but not the branch (`--head-ref`, GITHUB_HEAD_REF, gives it).
 */
function pullRequestFromFlags(
  ref: string,
  pr: string | undefined,
  headRef: string | undefined,
): { number: number; headRef: string } {
  if (pr !== undefined && !/^[1-9]\d*$/.test(pr))
    throw new UsageError(`--pr "${pr}" is not a pull request number`);
  const pullRef = PULL_REQUEST_REF.exec(ref);
  if (!pullRef) {
    if (pr === undefined)
      throw new UsageError('--pr N (a pull request number) is required, or --ref refs/pull/N/merge');
    if (headRef !== undefined)
      throw new UsageError('--head-ref goes with --ref refs/pull/N/merge; here --ref is the head branch');
    return { number: Number(pr), headRef: refFromFlag(ref).name };
  }
  if (pr !== undefined && pr !== pullRef[1])
    throw new UsageError(`--pr ${pr} and --ref ${ref} name different pull requests`);
  return { number: Number(pullRef[1]), headRef: headRef === undefined ? '' : refFromFlag(headRef).name };
}

/** `develop` is a branch (a tag for a release); `refs/heads/…` and `refs/tags/…` say what they are. */
function refFromFlag(ref: string, bare: GitRef['type'] = 'branch'): GitRef {
  if (ref.startsWith('refs/')) {
    const parsed = parseRef(ref);
    if (!parsed)
      throw new UsageError(`--ref "${ref}" is neither refs/heads/…, refs/tags/… nor refs/pull/N/merge`);
    return parsed;
  }
  return { type: bare, name: ref };
}

/** `--changed a.ts,b/c.ts`: the files a push changed, from the repository root, for the configs' `paths`. */
function changedFromFlag(list: string, trigger: Trigger): PlanOptions['changed'] {
  if (!filteredByPaths(trigger))
    throw new UsageError(
      '--changed only applies to a push of a branch (or a workflow_run): paths filter nothing else',
    );
  const files = configPaths(list).map((file) => {
    const normal = posix.normalize(file);
    if (normal === '.' || posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../'))
      throw new UsageError(
        `--changed "${file}" is not a file's path inside the repository (write it from the repository root)`,
      );
    return normal;
  });
  return { known: true, files };
}

/**
 * One application's plan; with several, headed by its name. A push planned without --changed says
 * that the application's paths were not checked.
 */
function renderApplicationPlan(
  { config, plan }: { config: Config; plan: Plan },
  named: boolean,
  pathsUnchecked: boolean,
): string {
  const heading = named ? `${config.application} (${config.file})\n` : '';
  const note =
    pathsUnchecked && config.paths && !plan.skipped
      ? `note: ${config.file} has paths; pass --changed with the push's files to check them\n`
      : '';
  return `${heading}${renderPlan(plan)}${note}`;
}

export function renderPlan(result: Plan): string {
  if (result.skipped) return `skip: ${result.reason}\n`;
  const count = `${result.deployments.length} deployment group${result.deployments.length === 1 ? '' : 's'}`;
  if (result.action === 'teardown') {
    // A teardown deploys nothing: no deployment settings apply, only what happens to each group.
    const what = result.deleteGroups
      ? 'stop its deployments, delete it if codedeploy-gitops created it'
      : 'stop its deployments, keep it (deleteOnClose is off)';
    const when = result.cause === 'branch-deleted' ? 'ON DELETE' : 'ON CLOSE';
    return `tear down ${count}: ${result.matched}\n\n${table([
      ['GROUP', 'ENVIRONMENT', when],
      ...result.deployments.map((d) => [d.deploymentGroup, d.environment, what]),
    ])}`;
  }
  return `deploy to ${count} (${result.strategy}): ${result.matched}\n\n${table([
    ['GROUP', 'CREATE', 'DEPLOYMENT CONFIG', 'AUTO ROLLBACK', 'WAIT', 'IF ACTIVE', 'FILE EXISTS'],
    ...result.deployments.map(settingsRow),
  ])}`;
}

function settingsRow(d: PlannedDeployment): string[] {
  return [
    d.deploymentGroup,
    d.create ? `if missing, from ${d.createFrom}` : 'no',
    d.deploymentConfig ?? "(group's)",
    d.autoRollback === undefined ? "(group's)" : d.autoRollback === false ? 'off' : d.autoRollback.join(','),
    d.wait === false ? 'no' : formatDuration(d.wait),
    d.onActiveDeployment,
    d.fileExistsBehavior,
  ];
}

/** Columns as wide as their widest cell, two spaces apart, indented. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.map((line) => `  ${line}`).join('\n')}\n`;
}
