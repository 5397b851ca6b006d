import { Minimatch, minimatch } from 'minimatch';
import {
  fillPlaceholders,
  groupName,
  PlaceholderError,
  type PlaceholderName,
  type PlaceholderValues,
  placeholdersIn,
  safeGroupName,
} from '../config/naming.js';
import type { Config, DeploymentSettings, MapEntry, Mapping } from '../config/types.js';
import { errorMessage, formatLocation, type Problem, problem, UserError } from '../core/problems.js';
import {
  type DeleteTrigger,
  type GitRef,
  isDeletion,
  isPullRequest,
  PULL_REQUEST_ACTIONS,
  type PullRequestTrigger,
  type PushTrigger,
  RELEASE_ACTIONS,
  type Trigger,
  type WorkflowRunTrigger,
} from '../event/trigger.js';
import { type ChangedFiles, filteredByPaths, pathsVerdict } from './changes.js';

/** One deployment group the run will deploy to (or tear down), with every setting resolved. */
export interface PlannedDeployment extends DeploymentSettings {
  deploymentGroup: string;
  /** Create the group from `createFrom` when it does not exist. */
  create: boolean;
  createFrom?: string;
  /** GitHub environment name. */
  environment: string;
  environmentUrl?: string;
  /** The config entry that produced it ('develop', 'feature/*', 'pullRequests', or 'deployment-groups input'). */
  mapping: string;
}

export type SkipCode =
  | 'no-match'
  | 'explicit-skip'
  | 'ref-deleted'
  | 'fork'
  | 'pr-action'
  | 'no-pull-requests'
  | 'run-not-successful'
  | 'run-not-push'
  | 'not-on-branch'
  | 'release-action'
  | 'prerelease'
  /** A push that changed none of the application's `paths`. */
  | 'unchanged';

/** What ended the environments a teardown removes. */
export type TeardownCause = 'pull-request-closed' | 'branch-deleted';

export type TeardownPlan = Extract<Plan, { action: 'teardown' }>;

interface PlannedWork {
  skipped: false;
  strategy: DeploymentSettings['strategy'];
  deployments: PlannedDeployment[];
  /** Why these groups, for the log. */
  matched: string;
  /** The placeholder values of this trigger, for groups created from templates. */
  placeholders: PlaceholderValues;
}

export type Plan =
  | { skipped: true; code: SkipCode; reason: string }
  | (PlannedWork & { action: 'deploy' })
  | (PlannedWork & {
      /** The groups of a closed pull request's previews, or of a deleted branch. */
      action: 'teardown';
      cause: TeardownCause;
      /** Delete the groups this project created (the ledger decides); otherwise only stop what runs there. */
      deleteGroups: boolean;
    });

export interface PlanOptions {
  /** Explicit groups (workflow_dispatch input or --groups); they replace the mapping. */
  groups?: string[];
  /**
   * Values the caller does not know (the CLI's plan without --sha), with how to give them: the fix
   * when a template needs one. A runner's event always has them.
   */
  missingValues?: Partial<Record<PlaceholderName, string>>;
  /** The files a push changed, for the config's `paths`; absent: not asked (every push deploys). */
  changed?: ChangedFiles;
  /**
   * The other applications' configs of the run (a config folder): GitHub environments are the
   * repository's, so a name filled in from a template may not be one they name either.
   */
  siblings?: readonly Config[];
}

export const OVERRIDE_MAPPING = 'deployment-groups input';

/** The pure heart: which groups this trigger deploys to, with which settings, or why nothing happens. */
export function planDeployments(config: Config, trigger: Trigger, options: PlanOptions = {}): Plan {
  if (options.groups && options.groups.length > 0) return overridePlan(config, trigger, options);
  if (isPullRequest(trigger)) return pullRequestPlan(config, trigger, options);
  if (isDeletion(trigger)) return deletionPlan(config, trigger, options);
  if (trigger.event === 'workflow_run') {
    const skipped = finishedRunSkip(trigger);
    if (skipped) return skipped;
  }
  if (trigger.event === 'release' && !(RELEASE_ACTIONS as readonly string[]).includes(trigger.action)) {
    return skip(
      'release-action',
      `release "${trigger.ref.name}" was "${trigger.action}", which does not deploy (${RELEASE_ACTIONS.join(' and ')} do)`,
    );
  }
  if (filteredByPaths(trigger) && options.changed) {
    // The branch decides first: a push no mapping takes is a no-match, whatever it changed.
    const plan = planDeployments(config, trigger, { ...options, changed: undefined });
    if (plan.skipped) return plan;
    const verdict = pathsVerdict(config, options.changed);
    if (!verdict.deploy) return skip('unchanged', verdict.reason);
    return verdict.note ? { ...plan, matched: `${plan.matched}; ${verdict.note}` } : plan;
  }
  const entries = trigger.ref.type === 'branch' ? config.branches : config.tags;
  const entry = findEntry(entries, trigger.ref.name);
  if (!entry) {
    const section = trigger.ref.type === 'branch' ? 'branches' : 'tags';
    const tried =
      entries.length > 0 ? entries.map((e) => `"${e.key}"`).join(', ') : `none (no "${section}" section)`;
    const reason = `no entry of "${section}" in ${config.file} matches ${describeRef(trigger.ref)}; tried: ${tried}`;
    if (config.unmatched === 'fail') {
      throw new UserError(
        problem(
          reason,
          { file: config.file },
          `add "${trigger.ref.name}" to ${section}, or set "unmatched: skip"`,
        ),
      );
    }
    return skip('no-match', reason);
  }
  const where = formatLocation(entry.location);
  if (entry.kind === 'skip') {
    return skip(
      'explicit-skip',
      `${describeRef(trigger.ref)} matches "${entry.key}" (${where}), which is set to skip (~)`,
    );
  }
  if (trigger.event === 'release' && trigger.prerelease && !entry.prereleases) {
    return skip(
      'prerelease',
      `release "${trigger.ref.name}" is a pre-release, and "${entry.key}" (${where}) does not deploy pre-releases ("prereleases: true" would)`,
    );
  }
  return deployPlan(
    config,
    entry,
    values(trigger, entry.key),
    `${describeRef(trigger.ref)} matches "${entry.key}" (${where})`,
    options,
  );
}

/**
 * A finished run deploys as a push of its branch only when it was a push of this repository and it
 * succeeded: a pull request's run (a fork's above all) carries code no push brought in.
 */
function finishedRunSkip(trigger: WorkflowRunTrigger): Plan | undefined {
  const { run } = trigger;
  const label = `the ${run.workflow ? `"${run.workflow}" ` : ''}run of ${describeRef(trigger.ref)} at ${trigger.sha.slice(0, 7)}`;
  if (trigger.action !== 'completed' || run.conclusion !== 'success') {
    const state =
      trigger.action === 'completed' ? `ended "${run.conclusion ?? 'unknown'}"` : `is "${trigger.action}"`;
    return skip('run-not-successful', `${label} ${state}: only a run that succeeded deploys`);
  }
  if (trigger.fork) {
    return skip('fork', `${label} came from another repository (a fork): its code is not deployed`);
  }
  if (run.event !== 'push') {
    return skip(
      'run-not-push',
      `${label} was started by "${run.event}", not by a push: only a pushed branch deploys`,
    );
  }
  return undefined;
}

/**
 * A deleted branch whose entry says `deleteOnBranchDelete` tears down the groups that entry gives it;
 * any other deleted ref deploys nothing.
 */
function deletionPlan(config: Config, trigger: DeleteTrigger | PushTrigger, options: PlanOptions): Plan {
  const deleted =
    trigger.event === 'push'
      ? `the push deleted ${describeRef(trigger.ref)}`
      : `${describeRef(trigger.ref)} was deleted`;
  const entry = trigger.ref.type === 'branch' ? findEntry(config.branches, trigger.ref.name) : undefined;
  if (entry?.kind !== 'deploy' || !entry.deleteOnBranchDelete) {
    const why =
      trigger.ref.type === 'tag'
        ? 'tags are never torn down'
        : !entry
          ? 'no entry of "branches" matches it'
          : entry.kind === 'skip'
            ? `it matches "${entry.key}", which is set to skip (~)`
            : `its entry "${entry.key}" (${formatLocation(entry.location)}) has no "deleteOnBranchDelete: true"`;
    return skip('ref-deleted', `${deleted}: there is nothing to deploy, nor to tear down (${why})`);
  }
  const how = trigger.event === 'push' ? 'deleted by a push' : 'deleted';
  const plan = deployPlan(
    config,
    entry,
    values(trigger, entry.key),
    `${describeRef(trigger.ref)} (${how}) matches "${entry.key}" (${formatLocation(entry.location)})`,
    options,
  );
  refuseSharedTeardown(config, entry, plan);
  return { ...plan, action: 'teardown', cause: 'branch-deleted', deleteGroups: true };
}

/**
 * A group the deleted branch's entry names outright may be one another mapping deploys to, creates
 * groups from or may be dispatched to: tearing it down would stop (and maybe delete) what is not the
 * branch's. The groups its placeholders chose are guarded by refuseChosenNames already.
 */
function refuseSharedTeardown(
  config: Config,
  entry: Mapping,
  plan: Extract<Plan, { action: 'deploy' }>,
): void {
  const named = namedByConfig(config, entry).groups;
  const problems = plan.deployments.flatMap(({ deploymentGroup }) => {
    const owner = named.find(({ name }) => name.toLowerCase() === deploymentGroup.toLowerCase());
    if (!owner) return [];
    return [
      problem(
        `${plan.matched}: tearing down deployment group "${deploymentGroup}" would stop what runs on a group that ${describeNaming(owner)}; refused, so that a branch's deletion tears down only what is its own`,
        entry.location,
        'give the entry groups of its own ("feature-{name}"), or remove deleteOnBranchDelete',
      ),
    ];
  });
  if (problems.length > 0) throw new UserError(problems);
}

/** An exact name beats every pattern; among patterns the first in file order wins. */
export function findEntry(entries: MapEntry[], name: string): MapEntry | undefined {
  return (
    entries.find((entry) => !entry.pattern && entry.key === name) ??
    entries.find(
      (entry) => entry.pattern && minimatch(name, entry.key, { dot: true, nonegate: true, nocomment: true }),
    )
  );
}

function pullRequestPlan(config: Config, trigger: PullRequestTrigger, options: PlanOptions): Plan {
  const pr = config.pullRequests;
  const label = `pull request #${trigger.number}`;
  if (trigger.event === 'pull_request_target' && pr?.pullRequestTarget !== 'allow') {
    throw new UserError(
      problem(
        `${label} arrived through pull_request_target, which runs with this repository's secrets: refused`,
        { file: config.file },
        'trigger previews with "on: pull_request"; only if you must, set "pullRequests: { pullRequestTarget: allow }"',
      ),
    );
  }
  if (!pr) return skip('no-pull-requests', `${label}: ${config.file} has no "pullRequests" section`);
  if (trigger.fork && pr.forks !== 'allow') {
    return skip(
      'fork',
      `${label} comes from a fork; fork pull requests are not deployed ("pullRequests: forks: deny")`,
    );
  }
  if (!(PULL_REQUEST_ACTIONS as readonly string[]).includes(trigger.action)) {
    return skip(
      'pr-action',
      `${label} was "${trigger.action}", which neither deploys nor tears down a preview`,
    );
  }
  const plan = deployPlan(config, pr, values(trigger), `${label} (${trigger.action})`, options);
  if (trigger.action !== 'closed') return plan;
  return { ...plan, action: 'teardown', cause: 'pull-request-closed', deleteGroups: pr.deleteOnClose };
}

function overridePlan(config: Config, trigger: Trigger, options: PlanOptions): Plan {
  const groups = options.groups ?? [];
  if (trigger.event !== 'workflow_dispatch') {
    throw new UserError(
      problem(
        `deployment-groups is only honoured on workflow_dispatch, not on ${trigger.event}`,
        undefined,
        `map the ref in ${config.file} instead, or run the workflow manually`,
      ),
    );
  }
  for (const name of groups) {
    if (safeGroupName(name) !== name) {
      throw new UserError(
        problem(
          `deployment-groups: "${name}" is not a valid deployment group name`,
          undefined,
          'use 1-100 of A-Za-z0-9._+=,@-',
        ),
      );
    }
  }
  const { ref } = trigger;
  const entry = findEntry(ref.type === 'branch' ? config.branches : config.tags, ref.name);
  const own =
    entry?.kind === 'deploy'
      ? deployPlan(
          config,
          entry,
          values(trigger, entry.key),
          `${describeRef(ref)} matches "${entry.key}"`,
          options,
        )
      : undefined;
  const problems: Problem[] = [];
  const deployments: PlannedDeployment[] = [];
  for (const name of groups) {
    const mapped = own?.deployments.find((d) => d.deploymentGroup === name);
    if (mapped) {
      deployments.push({ ...mapped, mapping: OVERRIDE_MAPPING });
    } else if (entry?.kind === 'deploy' && entry.dispatch?.groups.includes(name)) {
      // A group named in a mapping keeps that mapping's settings (e.g. HalfAtATime for production).
      const mapping = literalMapping(config, name);
      deployments.push(
        resolve(config, mapping, name, values(trigger, mapping?.key), OVERRIDE_MAPPING, options),
      );
    } else {
      problems.push(refusedOverride(config, ref, entry, own?.deployments ?? [], name));
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  return {
    skipped: false,
    action: 'deploy',
    strategy: own?.strategy ?? config.defaults.strategy,
    deployments,
    matched: `deployment-groups: ${groups.join(', ')}`,
    placeholders: values(trigger, entry?.key),
  };
}

/**
 * The trusted map says which groups a ref may reach: a dispatch may pick among them, or name a group
 * the ref's entry lists under `dispatch`, but not send the ref where only another mapping deploys.
 */
function refusedOverride(
  config: Config,
  ref: GitRef,
  entry: MapEntry | undefined,
  mapped: PlannedDeployment[],
  name: string,
): Problem {
  const gives = !entry
    ? 'no entry of the map matches it'
    : entry.kind === 'skip'
      ? `it matches "${entry.key}", which skips it`
      : `it matches "${entry.key}", which deploys it to ${mapped.map((d) => d.deploymentGroup).join(', ')}`;
  const owners = deployMappings(config)
    .filter((mapping) => mapping.groups.includes(name))
    .map((mapping) => `"${mapping.key}" (${formatLocation(mapping.location)})`);
  const elsewhere = owners.length > 0 ? `run the workflow on a ref ${owners.join(' or ')} matches, or ` : '';
  const allow =
    entry?.kind === 'deploy'
      ? `list "${name}" under "dispatch: { groups: [...] }" of "${entry.key}"`
      : `map ${describeRef(ref)} to an entry whose "dispatch: { groups: [...] }" lists "${name}"`;
  return problem(
    `deployment-groups: the map does not give ${describeRef(ref)} the deployment group "${name}" (${gives}); refused, so that a manual run cannot send a ref where the map does not`,
    entry?.location ?? { file: config.file },
    `${elsewhere}${allow}`,
  );
}

function literalMapping(config: Config, group: string): Mapping | undefined {
  return deployMappings(config).find((mapping) => mapping.groups.includes(group));
}

/** Every mapping that deploys: branches, tags, then pull requests. */
function deployMappings(config: Config): Mapping[] {
  const mappings: Mapping[] = [...config.branches, ...config.tags].filter(
    (entry): entry is MapEntry & Mapping => entry.kind === 'deploy',
  );
  if (config.pullRequests) mappings.push(config.pullRequests);
  return mappings;
}

function deployPlan(
  config: Config,
  mapping: Mapping,
  placeholderValues: PlaceholderValues,
  matched: string,
  options: PlanOptions,
): Extract<Plan, { action: 'deploy' }> {
  const deployments = mapping.groups.map((template) =>
    resolve(config, mapping, template, placeholderValues, mapping.key, options),
  );
  refuseChosenNames(config, mapping, deployments, matched, options.siblings ?? []);
  // One branch may list a group twice through placeholders; deploy it once.
  const unique = deployments.filter(
    (d, i) => deployments.findIndex((o) => o.deploymentGroup === d.deploymentGroup) === i,
  );
  const strategy = mapping.settings.strategy ?? config.defaults.strategy;
  return {
    skipped: false,
    action: 'deploy',
    strategy,
    deployments: unique,
    matched,
    placeholders: placeholderValues,
  };
}

/** A name the config writes out, and the mapping that writes it. */
export interface NamedByConfig {
  name: string;
  owner: Mapping;
  /** What the owner does with it, as the refusal says it. */
  role: string;
}

const isLiteral = (template: string) => placeholdersIn(template).length === 0;

/** `"master" (c.yml:4:3) deploys to`: who names it, and what for. */
export function describeNaming(named: NamedByConfig): string {
  return `"${named.owner.key}" (${formatLocation(named.owner.location)}) ${named.role}`;
}

/**
 * The deployment groups and GitHub environments the config names outright. The groups of `except`
 * (the mapping a ref matched) are left out: its ref deploys there anyway; its template and dispatch
 * groups are not. A group's environment is the group's name unless the mapping names one.
 */
export function namedByConfig(
  config: Config,
  except?: Mapping,
): { groups: NamedByConfig[]; environments: NamedByConfig[] } {
  const groups: NamedByConfig[] = [];
  const environments: NamedByConfig[] = [];
  for (const owner of deployMappings(config)) {
    if (owner !== except) {
      for (const group of owner.groups.filter(isLiteral)) {
        groups.push({ name: group, owner, role: 'deploys to' });
        if (!owner.environment) environments.push({ name: group, owner, role: 'records its deployments in' });
      }
      if (owner.environment && isLiteral(owner.environment))
        environments.push({ name: owner.environment, owner, role: 'records its deployments in' });
    }
    if (owner.create) groups.push({ name: owner.create.from, owner, role: 'creates groups from' });
    for (const group of owner.dispatch?.groups ?? []) {
      groups.push({ name: group, owner, role: 'may be dispatched to' });
      if (!literalMapping(config, group))
        environments.push({ name: group, owner, role: 'may be dispatched to' });
    }
  }
  return { groups, environments };
}

/**
 * A deployment group or GitHub environment that a ref chose through a placeholder must not be one the
 * config names outright: with `'*': '{branch}'`, a branch called "production" would deploy to the group
 * `master` deploys to; with `feature-{name}` created from `feature-template`, the branch
 * `feature/template` would deploy into the template; with `environment: '{name}'`, a branch could
 * record its deployment in production's environment (its secrets, its protection rules). Compared
 * without case: GitHub environment names have none, and CodeDeploy's may not where it matters.
 */
function refuseChosenNames(
  config: Config,
  mapping: Mapping,
  deployments: PlannedDeployment[],
  matched: string,
  siblings: readonly Config[],
): void {
  const own = namedByConfig(config, mapping);
  // Deployment groups belong to their application; environments to the whole repository.
  const named = {
    groups: own.groups,
    environments: [
      ...own.environments,
      ...siblings.flatMap((sibling) => namedByConfig(sibling).environments),
    ],
  };
  const ownerOf = (list: NamedByConfig[], chosen: string) =>
    list.find(({ name }) => name.toLowerCase() === chosen.toLowerCase());
  const rename = `or rename the ${mapping.key === 'pullRequests' ? 'pull request branch' : 'ref'}`;
  const problems: Problem[] = [];
  mapping.groups.forEach((template, index) => {
    const { deploymentGroup, environment } = deployments[index]!;
    const group = isLiteral(template) ? undefined : ownerOf(named.groups, deploymentGroup);
    if (group) {
      problems.push(
        problem(
          `${matched}: its template "${template}" makes deployment group "${deploymentGroup}", which ${describeNaming(group)}; refused, so that a ref's name cannot choose a group the config names`,
          mapping.location,
          `give the template a fixed part ("feature-{name}" rather than "{name}") that no named group starts with, ${rename}`,
        ),
      );
      return;
    }
    const environmentTemplate = mapping.environment ?? template;
    const env = isLiteral(environmentTemplate) ? undefined : ownerOf(named.environments, environment);
    if (env) {
      problems.push(
        problem(
          `${matched}: ${mapping.environment ? 'its environment' : 'its template (the environment by default)'} "${environmentTemplate}" makes GitHub environment "${environment}", which ${describeNaming(env)}; refused, so that a ref's name cannot choose an environment a config names`,
          mapping.location,
          `give ${mapping.environment ? 'the environment' : 'the mapping an "environment:" with'} a fixed part ("preview-{name}" rather than "{name}") that no named environment starts with, ${rename}`,
        ),
      );
    }
  });
  if (problems.length > 0) throw new UserError(problems);
}

function resolve(
  config: Config,
  mapping: Mapping | undefined,
  template: string,
  placeholderValues: PlaceholderValues,
  label: string,
  options: PlanOptions,
): PlannedDeployment {
  const fill = (text: string, make: (t: string) => string): string => {
    try {
      return make(text);
    } catch (error) {
      if (!(error instanceof PlaceholderError)) throw error;
      const missing = options.missingValues?.[error.placeholder as PlaceholderName];
      throw new UserError(
        problem(error.message, mapping?.location, missing ?? 'remove the placeholder from this mapping'),
      );
    }
  };
  const deploymentGroup = fill(template, (t) => groupName(t, placeholderValues));
  const environment = mapping?.environment
    ? fill(mapping.environment, (t) => fillPlaceholders(t, placeholderValues))
    : deploymentGroup;
  const environmentUrl = mapping?.environmentUrl
    ? fill(mapping.environmentUrl, (t) => fillPlaceholders(t, urlValues(placeholderValues)))
    : undefined;
  return {
    deploymentGroup,
    create: mapping?.create !== undefined,
    ...(mapping?.create ? { createFrom: mapping.create.from } : {}),
    environment,
    ...(environmentUrl ? { environmentUrl } : {}),
    mapping: label,
    ...config.defaults,
    ...mapping?.settings,
  };
}

function values(trigger: Trigger, key?: string): PlaceholderValues {
  const common = {
    sha: trigger.sha,
    shortSha: trigger.sha.slice(0, 7),
    repo: trigger.repository.name,
  };
  if (isPullRequest(trigger)) {
    const branch = trigger.headRef;
    return { ...common, branch, name: branch, ref: branch, pr: String(trigger.number) };
  }
  const ref: GitRef = trigger.ref;
  const name = key ? matchedPart(key, ref.name) : ref.name;
  return {
    ...common,
    ref: ref.name,
    name,
    ...(ref.type === 'branch' ? { branch: ref.name } : { tag: ref.name }),
  };
}

/** The ref without the pattern's literal leading folders: 'feature/*' + 'feature/login' → 'login'. */
export function matchedPart(pattern: string, refName: string): string {
  const literal: string[] = [];
  for (const segment of pattern.split('/')) {
    if (new Minimatch(segment).hasMagic()) break;
    literal.push(segment);
  }
  const prefix =
    literal.length > 0 && literal.length < pattern.split('/').length ? `${literal.join('/')}/` : '';
  return prefix && refName.startsWith(prefix) && refName.length > prefix.length
    ? refName.slice(prefix.length)
    : refName;
}

/** In URLs (often host names), values become lower-case DNS labels: feature/Login_v2 → feature-login-v2. */
function urlValues(placeholderValues: PlaceholderValues): PlaceholderValues {
  return Object.fromEntries(
    Object.entries(placeholderValues).map(([key, value]) => [
      key,
      String(value)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    ]),
  );
}

function describeRef(ref: GitRef): string {
  return `${ref.type} "${ref.name}"`;
}

/** A plan that deploys nothing, and why. */
/**
 * What stands for the plan of an application whose map refused the trigger (`unmatched: fail`, a
 * name a template may not make), beside the others' plans in a run of several applications.
 */
export function notPlanned(error: unknown): Plan {
  return skip('no-match', `not planned: ${errorMessage(error)}`);
}

export function skip(code: SkipCode, reason: string): Plan {
  return { skipped: true, code, reason };
}

/** The plan as the CLI's --json and the action's outputs show it. */
export interface PlanJson {
  /** Every application's plan skipped it. */
  skipped: boolean;
  /** Why, when skipped. */
  reason: string | null;
  action?: 'deploy' | 'teardown';
  strategy?: DeploymentSettings['strategy'];
  /** Every application's deployments, in config order, each naming its application. */
  deployments: Array<PlannedDeployment & { application: string }>;
  applications: Array<{ application: string; skipped: boolean; reason: string | null }>;
}

/**
 * The plans of a run as one JSON object (the `plan` output, `plan --json`): the deployments of every
 * application, each naming it, and what each application's plan was.
 */
export function plansToJson(
  plans: ReadonlyArray<{ config: Pick<Config, 'application'>; plan: Plan }>,
): PlanJson {
  const live = plans.filter((entry) => !entry.plan.skipped);
  const first = live[0]?.plan;
  const applications = plans.map(({ config, plan }) => ({
    application: config.application,
    skipped: plan.skipped,
    reason: plan.skipped ? plan.reason : null,
  }));
  if (!first || first.skipped) {
    const reasons = applications.map((a) =>
      plans.length === 1 ? a.reason : `${a.application}: ${a.reason}`,
    );
    return { skipped: true, reason: reasons.join(' · '), deployments: [], applications };
  }
  return {
    skipped: false,
    reason: null,
    action: first.action,
    strategy: first.strategy,
    deployments: live.flatMap(({ config, plan }) =>
      plan.skipped ? [] : plan.deployments.map((d) => ({ ...d, application: config.application })),
    ),
    applications,
  };
}
