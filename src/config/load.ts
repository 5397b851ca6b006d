import { readFile } from 'node:fs/promises';
import { isAbsolute, normalize } from 'node:path';
import { braceExpand, Minimatch } from 'minimatch';
import { byLocation, type Problem, problem, throwIfErrors, UserError, warning } from '../core/problems.js';
import { closest, didYouMean } from '../core/suggest.js';
import { parseYamlSource, type YamlPath, type YamlSource } from '../core/yaml-source.js';
import { isZeroDuration, parseDuration } from './duration.js';
import { isPlaceholderName, PLACEHOLDERS, type PlaceholderName, placeholdersIn } from './naming.js';
import { checkSchema, describePath } from './schema.js';
import type {
  BundleType,
  Config,
  DeploymentSettings,
  MapEntry,
  Mapping,
  PullRequestSettings,
  RevisionSettings,
} from './types.js';

export const DEFAULT_CONFIG_PATH = '.github/codedeploy.yml';

/** Built-in settings; `deploymentConfig` and `autoRollback` default to the group's own. */
export const BUILTIN_DEFAULTS: DeploymentSettings = {
  fileExistsBehavior: 'DISALLOW',
  ignoreApplicationStopFailures: false,
  wait: 30 * 60,
  onActiveDeployment: 'wait',
  strategy: 'parallel',
};

// Files larger than this are not configuration; refuse before parsing.
const MAX_CONFIG_BYTES = 1024 * 1024;

type Section = 'branches' | 'tags' | 'pullRequests';

const GROUP_KEYS = ['deploymentGroup', 'deploymentGroups'];

const PLACEHOLDER_TOKENS = PLACEHOLDERS.map((name) => `{${name}}`);

/** Placeholders with no value in each section (a push has no {pr}, a pull request no {tag}). */
const UNAVAILABLE: Record<Section, PlaceholderName[]> = {
  branches: ['pr', 'tag'],
  tags: ['pr', 'branch'],
  pullRequests: ['tag'],
};

export interface ParsedConfig {
  config?: Config;
  /** Errors and warnings, in file order. `config` is set only when there is no error. */
  problems: Problem[];
}

export async function loadConfigFile(
  path: string,
  displayName = path,
): Promise<{ config: Config; warnings: Problem[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      problem(
        code === 'ENOENT'
          ? 'config file not found'
          : `cannot read the config file (${code ?? String(error)})`,
        { file: displayName },
        code === 'ENOENT'
          ? `create ${DEFAULT_CONFIG_PATH} as docs/config.md shows, or pass its path with --config or the "config" input`
          : undefined,
      ),
    );
  }
  return parseConfigOrThrow(text, displayName);
}

export function parseConfigOrThrow(text: string, file: string): { config: Config; warnings: Problem[] } {
  const { config, problems } = parseConfig(text, file);
  throwIfErrors(problems);
  return { config: config!, warnings: problems.filter((p) => p.severity === 'warning') };
}

export function parseConfig(text: string, file: string): ParsedConfig {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
    return {
      problems: [
        problem('the config file is larger than 1 MiB', { file }, 'point "config" at the mapping file'),
      ],
    };
  }
  const parsed = parseYamlSource(text, file, { placeholders: true });
  const { source } = parsed;
  // A syntax error leaves no value to check. Unquoted placeholders are read as the text they were
  // meant to be, so the other checks still run.
  if (source.value === undefined) return { problems: parsed.problems };
  if (source.value === null) {
    return {
      problems: [
        problem(
          'the config file is empty',
          { file, line: 1, col: 1 },
          'start with "application:", "revision:" and "branches:"; see docs/config.md',
        ),
      ],
    };
  }
  if (typeof source.value !== 'object' || Array.isArray(source.value)) {
    return {
      problems: [
        problem(
          'the config file must be a mapping of keys such as application, revision and branches',
          source.locate([]),
          'start with "application: <name>" on the first line; see docs/config.md',
        ),
      ],
    };
  }
  const problems = [...parsed.problems, ...checkSchema(source), ...checkSemantics(source)].sort(byLocation);
  if (problems.some((p) => p.severity === 'error')) return { problems };
  return { config: normalizeConfig(source), problems };
}

// The rules JSON Schema cannot say well. They run beside the schema check (so every error is
// listed at once) and therefore must not assume the shape is right.
function checkSemantics(source: YamlSource): Problem[] {
  const raw = source.value as Record<string, unknown>;
  const problems: Problem[] = [];
  problems.push(...checkRevision(source, asObject(raw.revision), raw.pullRequests, raw.branches));
  problems.push(...checkPaths(source, raw.paths));
  problems.push(...checkWait(source, ['defaults'], raw.defaults));
  for (const section of ['branches', 'tags'] as const) {
    for (const { key, value } of source.entries([section])) {
      problems.push(...checkWait(source, [section, key], value));
      problems.push(...checkRefKey(source, section, key));
      if (value !== null) problems.push(...checkMapping(source, section, [section, key], value));
    }
  }
  for (const { key, value } of source.entries(['branches'])) {
    if (isObject(value) && value.deleteOnBranchDelete === true)
      problems.push(...checkBranchTeardown(source, key, value));
  }
  if (isObject(raw.pullRequests)) {
    const pr = raw.pullRequests;
    problems.push(...checkMapping(source, 'pullRequests', ['pullRequests'], pr));
    problems.push(...checkWait(source, ['pullRequests'], pr));
    if (pr.deleteOnClose === true && pr.create === undefined) {
      problems.push(
        warning(
          'pullRequests › deleteOnClose only deletes groups that codedeploy-gitops created, and this mapping creates none',
          source.locate(['pullRequests', 'deleteOnClose']),
          'add "create: { from: <template group> }" or remove deleteOnClose',
        ),
      );
    }
  }
  return problems;
}

/** The archive formats an extension names, as `aws deploy push` and the agent know them. */
const EXTENSION_TYPES: Array<[string, BundleType]> = [
  ['.zip', 'zip'],
  ['.tar.gz', 'tgz'],
  ['.tgz', 'tgz'],
  ['.tar', 'tar'],
];

/** The format an archive's name says, if it says one. */
export function bundleTypeOfName(name: string): BundleType | undefined {
  const lower = name.toLowerCase();
  return EXTENSION_TYPES.find(([extension]) => lower.endsWith(extension))?.[1];
}

/** Which keys of `revision` go together: a folder or an archive for S3, nothing of either for GitHub. */
function checkRevision(
  source: YamlSource,
  revision: Record<string, unknown>,
  pullRequests: unknown,
  branches: unknown,
): Problem[] {
  const problems: Problem[] = [];
  const at = (key: string) => source.locateKey(['revision', key]);
  const value = (key: string) => source.locate(['revision', key]);
  if (revision.type === 'github') {
    for (const key of ['source', 'archive', 'exclude', 'bundleType']) {
      if (revision[key] === undefined) continue;
      problems.push(
        problem(
          `revision › ${key} does not apply to GitHub revisions`,
          at(key),
          'CodeDeploy downloads the whole repository at the commit from GitHub, whose root must hold appspec.yml: remove the key, or use "type: s3" to upload a folder or an archive',
        ),
      );
    }
    if (revision.prefix !== undefined && revision.bucket === undefined) {
      problems.push(
        problem(
          'revision › prefix without a bucket',
          at('prefix'),
          'remove prefix, or name the bucket where codedeploy-gitops records the groups it creates',
        ),
      );
    }
    if (revision.bucket === undefined) {
      // The ledger of created groups lives in the bucket: without it a teardown could delete nothing.
      const teardowns: YamlPath[] = [
        ...(isObject(pullRequests) && pullRequests.deleteOnClose === true
          ? [['pullRequests', 'deleteOnClose'] as YamlPath]
          : []),
        ...Object.entries(asObject(branches)).flatMap(([key, mapping]) =>
          isObject(mapping) && mapping.deleteOnBranchDelete === true
            ? [['branches', key, 'deleteOnBranchDelete'] as YamlPath]
            : [],
        ),
      ];
      for (const path of teardowns) {
        problems.push(
          problem(
            `${describePath(path)} needs revision › bucket with GitHub revisions`,
            source.locateKey(path),
            'name a bucket under revision: codedeploy-gitops records there the groups it creates, and a teardown deletes only those (no revision is stored there)',
          ),
        );
      }
    }
    return problems;
  }
  const inWorkspace = (key: 'source' | 'archive', example: string) => {
    const path = revision[key];
    if (typeof path !== 'string') return;
    const normalized = normalize(path);
    if (!isAbsolute(path) && normalized !== '..' && !normalized.startsWith('../')) return;
    problems.push(
      problem(
        `revision › ${key} "${path}" leaves the workspace`,
        value(key),
        `write a path relative to the repository root, such as ${example}`,
      ),
    );
  };
  inWorkspace('source', '"." or "app"');
  inWorkspace('archive', '"build/app.zip"');
  if (typeof revision.archive !== 'string') return problems;
  if (revision.source !== undefined) {
    problems.push(
      problem(
        'revision has both source and archive',
        at('archive'),
        'keep one: source for a folder codedeploy-gitops archives, archive for an archive your build made',
      ),
    );
  }
  if (revision.exclude !== undefined) {
    problems.push(
      problem(
        'revision › exclude does not apply to an archive: it is uploaded as the build made it',
        at('exclude'),
        'leave those files out when the build makes the archive, and remove exclude',
      ),
    );
  }
  const archive = revision.archive;
  const named = bundleTypeOfName(archive);
  const given = typeof revision.bundleType === 'string' ? revision.bundleType : undefined;
  if (named === undefined && given === undefined) {
    problems.push(
      problem(
        `revision › archive "${archive}" does not say its format`,
        value('archive'),
        'name it .zip, .tgz, .tar.gz or .tar, or set revision › bundleType to zip, tgz or tar',
      ),
    );
  } else if (named === 'tgz' && given === 'tar') {
    // linux_util.rb extract_tar runs `tar -xpsf`, and GNU tar detects a gzipped file itself.
    problems.push(
      warning(
        `revision › bundleType tar contradicts the archive's name "${archive}" (tgz): the agent unpacks it with tar -xpsf, which detects gzip itself, so a tgz deploys; a plain tar named like a tgz would deploy too`,
        value('bundleType'),
        'remove bundleType, or rename the archive to say what it is',
      ),
    );
  } else if (named !== undefined && given !== undefined && named !== given) {
    problems.push(
      problem(
        `revision › bundleType ${given} contradicts the archive's name "${archive}" (${named})`,
        value('bundleType'),
        `the agent unpacks the archive as bundleType says (${AGENT_UNPACKS[given]}), which fails on a ${named} if that is what it is: remove bundleType, or fix it`,
      ),
    );
  }
  return problems;
}

/** How the agent unpacks each bundle type (command_executor.rb unpack_bundle, linux_util.rb). */
const AGENT_UNPACKS: Record<string, string> = {
  zip: 'unzip, then rubyzip',
  tgz: 'tar -zxpsf',
  tar: 'tar -xpsf',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

function checkWait(source: YamlSource, path: YamlPath, settings: unknown): Problem[] {
  const wait = (settings as Record<string, unknown> | null | undefined)?.wait;
  // Only a well-formed duration can be zero; malformed ones are the schema's to report.
  if (typeof wait !== 'string' || !isZeroDuration(wait)) return [];
  return [
    problem(
      `${describePath([...path, 'wait'])} is zero`,
      source.locate([...path, 'wait']),
      'write a duration such as 30m, or false to create the deployments without following them',
    ),
  ];
}

function checkRefKey(source: YamlSource, section: 'branches' | 'tags', key: string): Problem[] {
  const where = source.locateKey([section, key]);
  const prefix = section === 'branches' ? 'refs/heads/' : 'refs/tags/';
  if (key.startsWith('refs/')) {
    return [
      problem(
        `${section} › "${key}" is a full ref`,
        where,
        `write the ${section === 'branches' ? 'branch' : 'tag'} name without "${prefix}", e.g. "${key.replace(/^refs\/(heads|tags)\//, '')}"`,
      ),
    ];
  }
  if (key.trim() !== key || key === '' || /\s/.test(key)) {
    return [
      problem(
        `${section} › "${key}" contains spaces, which git ref names cannot`,
        where,
        'remove the spaces',
      ),
    ];
  }
  if (key.startsWith('!')) {
    return [
      problem(
        `${section} › "${key}": negated patterns are not supported`,
        where,
        'map the refs to skip to ~ before a broader pattern instead',
      ),
    ];
  }
  return [];
}

/** A text of a mapping that may hold placeholders: a group name, the environment or its URL. */
interface Template {
  text: string;
  path: YamlPath;
  group: boolean;
}

/** The templates of a mapping in any of its forms (a name, a list, a mapping with settings). */
function templatesOf(path: YamlPath, value: unknown): Template[] {
  if (typeof value === 'string') return [{ text: value, path, group: true }];
  if (Array.isArray(value))
    return value.map((text, i) => ({ text: String(text), path: [...path, i], group: true }));
  if (!isObject(value)) return [];
  const groups = Array.isArray(value.deploymentGroups)
    ? templatesOf([...path, 'deploymentGroups'], value.deploymentGroups)
    : [];
  if (typeof value.deploymentGroup === 'string')
    groups.unshift({ text: value.deploymentGroup, path: [...path, 'deploymentGroup'], group: true });
  const others = (['environment', 'environmentUrl'] as const).flatMap((key) =>
    typeof value[key] === 'string' ? [{ text: value[key], path: [...path, key], group: false }] : [],
  );
  return [...groups, ...others];
}

function checkMapping(source: YamlSource, section: Section, path: YamlPath, value: unknown): Problem[] {
  const problems: Problem[] = [];
  const where = describePath(path);
  if (isObject(value)) {
    const hasOne = value.deploymentGroup !== undefined;
    const hasMany = value.deploymentGroups !== undefined;
    if (hasOne && hasMany) {
      problems.push(
        problem(
          `${where} has both deploymentGroup and deploymentGroups`,
          source.locateKey([...path, 'deploymentGroups']),
          'keep one: deploymentGroup for a single group, deploymentGroups for a list',
        ),
      );
    } else if (!hasOne && !hasMany && !Object.keys(value).some((key) => closest(key, GROUP_KEYS))) {
      problems.push(
        problem(
          `${where} does not say which deployment group to deploy to`,
          source.locate(path),
          section === 'pullRequests'
            ? 'add "deploymentGroup: pr-{pr}"'
            : 'add "deploymentGroup: <group name>", or write ~ to skip this ref',
        ),
      );
    }
  }
  for (const template of templatesOf(path, value))
    problems.push(...checkPlaceholders(source, section, template.text, template.path));
  return problems;
}

// Placeholders that name a branch: a group named without one is shared by every branch a pattern matches.
const BRANCH_PLACEHOLDERS: readonly string[] = ['branch', 'name', 'ref'] satisfies PlaceholderName[];
// A deleted branch has no commit (a delete event names none), and a group named after a commit is a new one each push.
const COMMIT_PLACEHOLDERS: readonly string[] = ['sha', 'shortSha'] satisfies PlaceholderName[];

/**
 * `paths` whose every pattern takes files out (`!x`) or is a comment (`#x`) match no file: the
 * application would never be deployed by a push, silently.
 */
function checkPaths(source: YamlSource, paths: unknown): Problem[] {
  if (!Array.isArray(paths) || paths.length === 0) return [];
  const selects = paths.some((p) => typeof p === 'string' && p.trim() !== '' && !/^[!#]/.test(p));
  if (selects) return [];
  return [
    problem(
      'paths has no pattern that selects a file (each one is a "!" exclusion or a "#" comment): no push would deploy this application',
      source.locate(['paths']),
      'list the files it is built from first ("app/**"), then the exclusions ("!app/**/*.md")',
    ),
  ];
}

/**
 * `deleteOnBranchDelete` tears down, when a branch is deleted, the groups its entry gives that branch:
 * they must be groups this project creates, named after the branch alone, or a deletion would stop
 * (or miss) the groups of other branches and commits.
 */
function checkBranchTeardown(source: YamlSource, key: string, mapping: Record<string, unknown>): Problem[] {
  const path: YamlPath = ['branches', key];
  const where = `${describePath(path)} › deleteOnBranchDelete`;
  const fix = 'name them after the branch ("feature-{name}"), or remove deleteOnBranchDelete';
  const problems: Problem[] = [];
  if (mapping.create === undefined) {
    problems.push(
      problem(
        `${where} deletes only groups that codedeploy-gitops created, and this mapping creates none`,
        source.locate([...path, 'deleteOnBranchDelete']),
        'add "create: { from: <template group> }", or remove deleteOnBranchDelete',
      ),
    );
  }
  for (const template of templatesOf(path, mapping)) {
    const names = placeholdersIn(template.text);
    const commit = names.find((name) => COMMIT_PLACEHOLDERS.includes(name));
    if (commit) {
      problems.push(
        problem(
          `${where}: "{${commit}}" in "${template.text}" names a commit, which a deleted branch does not have (and each commit would get a group of its own)`,
          source.locate(template.path),
          fix,
        ),
      );
    } else if (
      template.group &&
      isPattern(key) &&
      !names.some((name) => BRANCH_PLACEHOLDERS.includes(name))
    ) {
      problems.push(
        problem(
          `${where}: the group "${template.text}" is not named after the branch, so the deletion of any branch "${key}" matches would tear it down`,
          source.locate(template.path),
          fix,
        ),
      );
    }
  }
  return problems;
}

function checkPlaceholders(source: YamlSource, section: Section, text: string, path: YamlPath): Problem[] {
  const problems: Problem[] = [];
  for (const name of placeholdersIn(text)) {
    if (!isPlaceholderName(name)) {
      problems.push(
        problem(
          `unknown placeholder "{${name}}" in "${text}"`,
          source.locate(path),
          didYouMean(`{${name}}`, PLACEHOLDER_TOKENS) ?? `placeholders: ${PLACEHOLDER_TOKENS.join(' ')}`,
        ),
      );
    } else if (UNAVAILABLE[section].includes(name)) {
      const event = { branches: 'a branch push', tags: 'a tag push', pullRequests: 'a pull request' }[
        section
      ];
      problems.push(
        problem(
          `"{${name}}" in "${text}" has no value on ${event}`,
          source.locate(path),
          `use one of ${PLACEHOLDER_TOKENS.filter((token) => !UNAVAILABLE[section].some((n) => token === `{${n}}`)).join(' ')}`,
        ),
      );
    }
  }
  return problems;
}

function normalizeConfig(source: YamlSource): Config {
  const raw = source.value as Record<string, unknown>;
  const defaults = {
    ...BUILTIN_DEFAULTS,
    ...settingsFrom(raw.defaults as Record<string, unknown> | undefined),
  };
  const config: Config = {
    file: source.file,
    application: raw.application as string,
    createApplication: raw.createApplication === true,
    revision: revisionFrom(raw.revision as RawRevision),
    defaults,
    branches: refEntries(source, 'branches'),
    tags: refEntries(source, 'tags'),
    unmatched: (raw.unmatched as 'skip' | 'fail' | undefined) ?? 'skip',
    ...(Array.isArray(raw.paths) ? { paths: raw.paths as string[] } : {}),
  };
  if (raw.pullRequests !== undefined) {
    const pr = raw.pullRequests as Record<string, unknown>;
    const pullRequests: PullRequestSettings = {
      ...mappingFrom(source, 'pullRequests', ['pullRequests'], pr),
      deleteOnClose: pr.deleteOnClose === true,
      forks: (pr.forks as 'deny' | 'allow' | undefined) ?? 'deny',
      pullRequestTarget: (pr.pullRequestTarget as 'deny' | 'allow' | undefined) ?? 'deny',
    };
    config.pullRequests = pullRequests;
  }
  return config;
}

/** `revision` as written: the schema and checkRevision have made sure its keys go together. */
interface RawRevision {
  type?: 's3' | 'github';
  bucket?: string;
  prefix?: string;
  bundleType?: BundleType;
  source?: string;
  archive?: string;
  exclude?: string[];
  allowSecretFiles?: string[];
}

function revisionFrom(raw: RawRevision): RevisionSettings {
  const prefix = raw.prefix ?? '';
  if (raw.type === 'github') {
    return {
      type: 'github',
      ...(raw.bucket ? { records: { bucket: raw.bucket, prefix } } : {}),
      allowSecretFiles: raw.allowSecretFiles ?? [],
    };
  }
  const allowSecretFiles = raw.allowSecretFiles ?? [];
  const place = { bucket: raw.bucket!, prefix };
  if (raw.archive !== undefined) {
    return {
      type: 's3',
      ...place,
      bundleType: raw.bundleType ?? bundleTypeOfName(raw.archive)!,
      content: { kind: 'archive', archive: raw.archive, allowSecretFiles },
    };
  }
  return {
    type: 's3',
    ...place,
    bundleType: raw.bundleType ?? 'zip',
    content: { kind: 'folder', source: raw.source ?? '.', exclude: raw.exclude ?? [], allowSecretFiles },
  };
}

function refEntries(source: YamlSource, section: 'branches' | 'tags'): MapEntry[] {
  return source.entries([section]).map(({ key, value }) => {
    const location = source.locateKey([section, key]);
    if (value === null) return { kind: 'skip', key, location, pattern: isPattern(key) };
    const object = asObject(value);
    return {
      kind: 'deploy',
      pattern: isPattern(key),
      ...mappingFrom(source, key, [section, key], value),
      deleteOnBranchDelete: object.deleteOnBranchDelete === true,
      prereleases: object.prereleases === true,
    };
  });
}

/** Globs and brace lists ('release/{a,b}') are patterns; anything else is an exact name. */
function isPattern(key: string): boolean {
  return new Minimatch(key).hasMagic() || braceExpand(key).length > 1;
}

function mappingFrom(source: YamlSource, key: string, path: YamlPath, value: unknown): Mapping {
  const location = source.locateKey(path);
  if (typeof value === 'string') return { key, groups: [value], settings: {}, location };
  if (Array.isArray(value)) return { key, groups: value.map(String), settings: {}, location };
  const object = value as Record<string, unknown>;
  const groups =
    typeof object.deploymentGroup === 'string'
      ? [object.deploymentGroup]
      : (object.deploymentGroups as string[]);
  return {
    key,
    groups,
    ...(object.create ? { create: object.create as { from: string } } : {}),
    ...(typeof object.environment === 'string' ? { environment: object.environment } : {}),
    ...(typeof object.environmentUrl === 'string' ? { environmentUrl: object.environmentUrl } : {}),
    ...(object.dispatch ? { dispatch: object.dispatch as { groups: string[] } } : {}),
    settings: settingsFrom(object),
    location,
  };
}

function settingsFrom(object: Record<string, unknown> | undefined): Partial<DeploymentSettings> {
  if (!object) return {};
  const settings: Partial<DeploymentSettings> = {};
  if (typeof object.deploymentConfig === 'string') settings.deploymentConfig = object.deploymentConfig;
  if (object.fileExistsBehavior !== undefined)
    settings.fileExistsBehavior = object.fileExistsBehavior as DeploymentSettings['fileExistsBehavior'];
  if (object.autoRollback !== undefined)
    settings.autoRollback = object.autoRollback as DeploymentSettings['autoRollback'];
  if (typeof object.ignoreApplicationStopFailures === 'boolean')
    settings.ignoreApplicationStopFailures = object.ignoreApplicationStopFailures;
  if (object.wait !== undefined)
    settings.wait = object.wait === false ? false : parseDuration(String(object.wait));
  if (object.onActiveDeployment !== undefined)
    settings.onActiveDeployment = object.onActiveDeployment as DeploymentSettings['onActiveDeployment'];
  if (object.strategy !== undefined) settings.strategy = object.strategy as DeploymentSettings['strategy'];
  return settings;
}
