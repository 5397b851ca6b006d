import { posix } from 'node:path';
import { byLocation, problem } from '../../core/problems.js';
import { Context, describe, isMapping } from './context.js';
import { checkFiles } from './files.js';
import { ARCHIVE_ON_INSTANCE, type FoundAppSpec, miscasedAppSpec, missingAppSpecMessage } from './find.js';
import {
  checkFileExistsBehavior,
  checkOs,
  checkVersion,
  TOP_KEYS,
  unsupportedOsMessage,
  versionMessage,
} from './header.js';
import { checkHooks } from './hooks.js';
import { FRESH_INSTANCE, InstallRefusal, planInstall } from './install.js';
import {
  type AgentFailure,
  type AppSpec,
  type AppSpecOs,
  type AppSpecProblem,
  type BundleTree,
  FAILS_INSTALL,
  refusedOnRead,
} from './model.js';
import { checkPermissions } from './permissions.js';
import { otherPlatform } from './platform.js';
import { NOT_AN_INDEX } from './ruby.js';
import { readAppSpecYaml } from './yaml.js';

/**
 * The AppSpec of an EC2/on-premises revision, checked as the CodeDeploy agent reads it. One set of
 * rules for `validate`, the action's check before anything is uploaded (CodeDeploy never opens the
 * bundle, so a broken appspec otherwise fails on the instances, minutes later) and the local agent.
 * An error is what makes the agent fail the deployment, and says where (AgentFailure); what the
 * agent tolerates but is probably a mistake is a warning. Pure: the bundle is a BundleTree.
 */

export {
  APPSPEC_FILE,
  type BundleOrigin,
  type FoundAppSpec,
  findAppSpec,
  missingAppSpecMessage,
  topFolderToStrip,
} from './find.js';
export { unsupportedOsMessage } from './header.js';
export * from './install.js';
export * from './model.js';

/** An appspec is a few kilobytes; a file this large is a mistake, refused before parsing. */
export const APPSPEC_MAX_BYTES = 1024 * 1024;

const EMPTY =
  "The deployment failed because the application specification file was empty. Make sure your AppSpec file defines at minimum the 'version' and 'os' properties.";
const MINIMAL_APPSPEC = 'a minimal appspec is "version: 0.0" and "os: linux" on two lines';

export function appSpecTooLarge(file: string, bytes: number): AppSpecProblem {
  const size = `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return {
    ...problem(
      `the appspec is ${size}; an appspec is a few kilobytes, so this is refused unread`,
      { file },
      `check that ${posix.basename(file)} is the AppSpec file and not generated data; the limit is ${APPSPEC_MAX_BYTES / 1024 / 1024} MiB`,
    ),
    agent: refusedOnRead(`The appspec is ${size}: the local CodeDeploy does not read an appspec over 1 MiB.`),
  };
}

export interface AppSpecInput {
  text: string;
  /** Display path of the appspec, e.g. 'app/appspec.yml'. */
  file: string;
  tree: BundleTree;
  /**
   * Plan the Install event against a fresh instance to predict where it fails (default). The local
   * agent, which installs on a real instance directory, plans there instead.
   */
  predictInstall?: boolean;
}

export interface AppSpecResult {
  /** Errors and warnings in file order. */
  problems: AppSpecProblem[];
  /** What the agent reads, when it reads it: set when no error is one the agent refuses the appspec for. */
  appspec?: AppSpec;
  /** When the agent refuses the appspec: its message for the first error it meets. */
  refusal?: string;
  /** `os` as written, when it is linux or windows. */
  os?: AppSpecOs;
}

/**
 * The order the agent reads the sections in, so that its refusal is the first it meets:
 * application_specification.rb reads version, os, hooks, files, permissions; the agent 2.x reads
 * file_exists_behavior after os (src/application_specification/parse.rs).
 */
const AGENT_ORDER = ['version', 'os', 'file_exists_behavior', 'hooks', 'files', 'permissions'] as const;

export function validateAppSpec({ text, file, tree, predictInstall = true }: AppSpecInput): AppSpecResult {
  const bytes = Buffer.byteLength(text);
  if (bytes > APPSPEC_MAX_BYTES) return refused([appSpecTooLarge(file, bytes)]);
  const empty = (message: string, location: { file: string; line?: number; col?: number }) =>
    refused([{ ...problem(message, location, MINIMAL_APPSPEC), agent: refusedOnRead(EMPTY) }]);
  if (text.trim() === '') return empty('the appspec is empty', { file });

  const yaml = readAppSpecYaml(text, file);
  if (yaml.problems.some((p) => p.severity === 'error')) {
    // Psych names the problem and the place much as the yaml package does.
    return refused(
      yaml.problems.map((p) => ({
        ...p,
        agent: refusedOnRead(
          `(<unknown>): ${p.message.replace(/^YAML syntax: /, '')} at line ${p.location?.line} column ${p.location?.col}`,
        ),
      })),
    );
  }
  const root = yaml.source.value;
  if (root === null || root === undefined)
    return empty('the appspec has only comments', { file, line: 1, col: 1 });
  if (!isMapping(root)) {
    return refused([
      {
        ...problem(
          `the appspec must be a mapping of keys (version, os, files, hooks…), found ${describe(root)}`,
          yaml.source.locate([]),
          MINIMAL_APPSPEC,
        ),
        // `yaml_hash['version']`: a list wants an index, a text has no such substring (nil).
        agent: refusedOnRead(typeof root === 'string' ? versionMessage('') : NOT_AN_INDEX),
      },
    ]);
  }
  const other = otherPlatform(root);
  if (other !== undefined) {
    return refused([
      {
        ...problem(
          `this is the AppSpec of an ${other.platform} deployment (Resources of type ${other.type}), which this tool does not deploy: it deploys EC2/on-premises revisions`,
          yaml.source.locateKey(['Resources']),
          `${other.platform} deployments take their AppSpec in the deployment itself; an EC2/on-premises appspec has version, os, files and hooks`,
        ),
        agent: refusedOnRead(unsupportedOsMessage('')),
      },
    ]);
  }

  const ctx = new Context(yaml.source, text, tree);
  const readOrder = new Map<AppSpecProblem, number>();
  const section = <T>(name: (typeof AGENT_ORDER)[number], check: () => T): T => {
    const before = ctx.problems.length;
    const result = check();
    for (const p of ctx.problems.slice(before)) readOrder.set(p, AGENT_ORDER.indexOf(name));
    return result;
  };
  section('version', () =>
    ctx.unknownKeys([], 'at the top of the appspec', TOP_KEYS, { required: ['version', 'os'] }),
  );
  section('version', () => checkVersion(ctx, root.version));
  ctx.os = section('os', () => checkOs(ctx, root.os));
  const fileExistsBehavior = section('file_exists_behavior', () =>
    checkFileExistsBehavior(ctx, root.file_exists_behavior),
  );
  const files = section('files', () => checkFiles(ctx, root.files));
  const permissions = section('permissions', () => checkPermissions(ctx, root.permissions));
  const hooks = section('hooks', () => checkHooks(ctx, root.hooks, files));

  const readErrors = ctx.problems
    .filter((p) => p.agent?.at === 'read')
    .sort((a, b) => (readOrder.get(a) ?? 0) - (readOrder.get(b) ?? 0));
  const appspec: AppSpec = {
    version: '0.0',
    os: ctx.os ?? 'linux',
    files,
    ...(fileExistsBehavior ? { fileExistsBehavior } : {}),
    permissions,
    hooks,
  };
  // An entry with an error is left out of the model: the plan needs them all, and the agent fails
  // on that error anyway.
  const complete = !ctx.problems.some((p) => p.agent?.at === 'read' || p.agent?.at === 'install');
  const installs = files.length > 1 || permissions.length > 0;
  if (predictInstall && complete && appspec.os === 'linux' && installs) checkInstall(ctx, appspec);
  const problems = [...yaml.problems, ...ctx.problems].sort(byLocation);
  const os = ctx.os ? { os: ctx.os } : {};
  const [first] = readErrors;
  if (first?.agent?.at === 'read') return { problems, refusal: first.agent.message, ...os };
  return { problems, appspec, ...os };
}

/**
 * The appspec findAppSpec found (at `found.path`, shown as `file`), checked: what finding it said,
 * then what its text says, then whether its name works on the platform it names.
 */
export function checkFoundAppSpec(found: FoundAppSpec, text: string, file: string): AppSpecResult {
  const result = validateAppSpec({ text, file, tree: found.tree });
  const problems = [...found.problems, ...result.problems];
  if (!found.miscased) return { ...result, problems };
  const name = miscasedAppSpec(file, result.os);
  if (name.severity === 'warning') return { ...result, problems: [...problems, name] };
  // The hooks find no appspec.yml: whatever the text says, nothing of it is read.
  return { problems: [...problems, name], refusal: missingAppSpecMessage(ARCHIVE_ON_INSTANCE) };
}

/**
 * The events a first in-place deployment to a group without a load balancer runs, in order, the
 * Install event among them: ApplicationStop has no earlier revision to take scripts from, and the
 * traffic events do not run.
 */
const FIRST_DEPLOYMENT: ReadonlyArray<string> = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
];

/**
 * Where the agent fails a first deployment of the revision, as its errors say: the first event
 * that fails and its diagnostics' error code; undefined when it deploys.
 */
export function predictFailure(
  problems: readonly AppSpecProblem[],
): { event: string; errorCode: string } | undefined {
  const failures = problems.flatMap(({ agent }) => {
    if (agent === undefined) return [];
    if (agent.at === 'read') return [{ event: 'BeforeInstall', errorCode: 'UnknownError', rank: -1 }];
    if (agent.at === 'install')
      return [{ event: 'Install', errorCode: 'UnknownError', rank: FIRST_DEPLOYMENT.indexOf('Install') }];
    const rank = FIRST_DEPLOYMENT.indexOf(agent.event);
    return rank === -1 ? [] : [{ event: agent.event, errorCode: agent.errorCode, rank }];
  });
  const [first] = failures.sort((a, b) => a.rank - b.rank);
  return first && { event: first.event, errorCode: first.errorCode };
}

function refused(problems: AppSpecProblem[]): AppSpecResult {
  const agent = problems.find((p) => p.agent?.at === 'read')?.agent as Extract<AgentFailure, { at: 'read' }>;
  return { problems, refusal: agent.message };
}

/** Bundle entries planned at most for these checks; a larger revision is installed unchecked. */
const PLAN_BUDGET = 100_000;

/**
 * What the Install event does with the files and permissions, planned against a fresh instance:
 * the conflicts the agent refuses, and the permissions entries that apply to nothing.
 */
function checkInstall(ctx: Context, appspec: AppSpec): void {
  try {
    const plan = planInstall({
      appspec,
      tree: ctx.tree,
      instance: FRESH_INSTANCE,
      fileExistsBehavior: 'DISALLOW',
      budget: PLAN_BUDGET,
    });
    plan?.applied.forEach((count, index) => {
      if (count > 0) return;
      const permission = appspec.permissions[index]!;
      const path = ['permissions', index];
      ctx.warn(
        permission.pattern === '**' ? path : [...path, 'pattern'],
        `this permissions entry applies to nothing the files section installs (object ${permission.object}${permission.pattern === '**' ? '' : `, pattern ${permission.pattern}`})`,
        permission.pattern.includes('/')
          ? `the agent's patterns match names directly in the object's folder, never a path with "/": set object to the folder holding the files and pattern to their names, e.g. "*.sh"`
          : 'the agent applies permissions to what this revision installs at or below object: check object against the destinations of files, and pattern and type',
      );
    });
  } catch (error) {
    if (!(error instanceof InstallRefusal)) throw error;
    ctx.refuse(error.where, error.explanation.message, error.explanation.hint, FAILS_INSTALL);
  }
}
