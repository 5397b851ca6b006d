import { posix } from 'node:path';
import { isScalar } from 'yaml';
import type { FileExistsBehavior } from '../config/types.js';
import { byLocation, type Problem, problem, type SourceLocation, warning } from '../core/problems.js';
import { closest } from '../core/suggest.js';
import { parseYamlSource, type YamlPath, type YamlSource } from '../core/yaml-source.js';

/**
 * AppSpec (EC2/on-premises) checks, run before anything leaves the machine: CodeDeploy never opens the
 * bundle, so a broken appspec otherwise fails on the instances, minutes later, as an `UnknownError`.
 * Pure: the bundle's files are known through a `BundleTree`.
 */

/** An appspec is a few kilobytes; a file this large is a mistake, refused before parsing. */
export const APPSPEC_MAX_BYTES = 1024 * 1024;

export const APPSPEC_NAMES: readonly string[] = ['appspec.yml', 'appspec.yaml'];

/** Lifecycle events that run the appspec's scripts, in the order a deployment runs them. */
export const HOOK_EVENTS = [
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'ApplicationStop',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Events that exist in the lifecycle but are CodeDeploy's own work (a hook there never runs), and where to hook instead. */
const SCRIPTLESS_EVENTS: Record<string, { during: string; instead: string }> = {
  Start: { during: 'the deployment starts', instead: 'BeforeBlockTraffic or ApplicationStop' },
  DownloadBundle: {
    during: 'the agent copies the bundle from S3',
    instead: 'ApplicationStop or BeforeInstall',
  },
  Install: {
    during: 'the agent copies the files section to the instance',
    instead: 'BeforeInstall or AfterInstall',
  },
  BlockTraffic: {
    during: 'the load balancer stops sending traffic',
    instead: 'BeforeBlockTraffic or AfterBlockTraffic',
  },
  AllowTraffic: {
    during: 'the load balancer starts sending traffic',
    instead: 'BeforeAllowTraffic or AfterAllowTraffic',
  },
  End: { during: 'the deployment ends', instead: 'ValidateService or AfterAllowTraffic' },
};

/** Names the load balancer events had before CodeDeploy renamed them. */
const RENAMED_EVENTS: Record<string, HookEvent> = {
  BeforeELBRemove: 'BeforeBlockTraffic',
  AfterELBRemove: 'AfterBlockTraffic',
  BeforeELBAdd: 'BeforeAllowTraffic',
  AfterELBAdd: 'AfterAllowTraffic',
};

/** CodeDeploy stops a lifecycle event after this long, whatever the scripts' own timeouts say. */
export const MAX_EVENT_SECONDS = 3600;

const FILE_EXISTS_BEHAVIORS: readonly FileExistsBehavior[] = ['DISALLOW', 'OVERWRITE', 'RETAIN'];
const TOP_KEYS = ['version', 'os', 'files', 'file_exists_behavior', 'permissions', 'hooks'];
const FILE_KEYS = ['source', 'destination'];
const PERMISSION_KEYS = ['object', 'pattern', 'except', 'owner', 'group', 'mode', 'acls', 'context', 'type'];
// The AWS docs spell the SELinux user `user`; the agent's parser reads `name`. Both are accepted.
const CONTEXT_KEYS = ['user', 'name', 'type', 'range'];
const HOOK_KEYS = ['location', 'timeout', 'runas'];
const PERMISSION_TYPES = ['file', 'directory'] as const;

// A login name as useradd accepts it (POSIX portable characters, at most 32).
const USER_NAME = /^[A-Za-z_][A-Za-z0-9._-]{0,30}\$?$/;
// [d[efault]:][u[ser]|g[roup]|m[ask]|o[ther]:][name]:permissions, as the agent's ACL parser takes it.
const ACL_ENTRY = /^(?:(?:d|default):)?(?:(?:u|user|g|group|m|mask|o|other):)?[^:\s]*:(?:[0-7]|[rwx-]{1,3})$/;
// SELinux MLS range: s0[-s0][:c0[.c1023][,c5…]].
const SELINUX_RANGE = /^s\d+(?:-s\d+)?(?::c\d+(?:\.c\d+)?(?:,c\d+(?:\.c\d+)?)*)?$/;

/** What the bundle holds at a path. */
export interface BundleEntry {
  /** The path itself, not following a final symlink. */
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** What the path resolves to once symlinks are followed; undefined for a dangling symlink. */
  target?: 'file' | 'directory' | 'other';
  /** False when the path, symlinks followed, lies outside the bundle. */
  inside: boolean;
  /** Any execute bit on the resolved file; undefined where the file system cannot tell (Windows). */
  executable?: boolean;
}

/** The bundle's files, by bundle-relative path ('/'-separated, no leading slash; '' is the root). */
export interface BundleTree {
  entry(path: string): BundleEntry | undefined;
  /** Names in a folder of the bundle; undefined when the path is not a folder. */
  list(path: string): string[] | undefined;
}

export type AppSpecOs = 'linux' | 'windows';

export interface AppSpecFile {
  /** Bundle-relative path, normalized; '' copies the whole bundle. */
  source: string;
  /** Absolute path on the instance, as written. */
  destination: string;
}

export interface AppSpecPermission {
  /** Path on the instance the permissions apply to, as written. */
  object: string;
  pattern: string;
  except: string[];
  type: Array<(typeof PERMISSION_TYPES)[number]>;
  owner?: string;
  group?: string;
  /** Octal digits as chmod takes them ('644', '4755'). */
  mode?: string;
  acls?: string[];
  context?: { user?: string; type: string; range?: string };
}

export interface AppSpecHook {
  /** Bundle-relative path of the script, normalized. */
  location: string;
  /** Seconds; 3600 when not written. */
  timeout: number;
  runas?: string;
}

export interface AppSpec {
  version: '0.0';
  os: AppSpecOs;
  files: AppSpecFile[];
  /** Overrides the deployment's fileExistsBehavior when written. */
  fileExistsBehavior?: FileExistsBehavior;
  permissions: AppSpecPermission[];
  /** Scripts of each event, in the order they run. */
  hooks: Partial<Record<HookEvent, AppSpecHook[]>>;
}

export interface AppSpecInput {
  text: string;
  /** Display path of the appspec, e.g. 'app/appspec.yml'. */
  file: string;
  tree: BundleTree;
}

export interface AppSpecResult {
  /** Errors and warnings in file order. */
  problems: Problem[];
  /** Set when there is no error. */
  appspec?: AppSpec;
}

export function appSpecTooLarge(file: string, bytes: number): Problem {
  return problem(
    `the appspec is ${(bytes / 1024 / 1024).toFixed(1)} MiB; an appspec is a few kilobytes, so this is refused unread`,
    { file },
    `check that ${posix.basename(file)} is the AppSpec file and not generated data; the limit is ${APPSPEC_MAX_BYTES / 1024 / 1024} MiB`,
  );
}

const MINIMAL_APPSPEC = 'a minimal appspec is "version: 0.0" and "os: linux" on two lines';

export function validateAppSpec({ text, file, tree }: AppSpecInput): AppSpecResult {
  const bytes = Buffer.byteLength(text);
  if (bytes > APPSPEC_MAX_BYTES) return { problems: [appSpecTooLarge(file, bytes)] };
  if (text.trim() === '') return { problems: [problem('the appspec is empty', { file }, MINIMAL_APPSPEC)] };

  const parsed = parseYamlSource(text, file);
  if (parsed.problems.length > 0) return { problems: parsed.problems };
  const root = parsed.source.value;
  if (root === null || root === undefined) {
    return {
      problems: [problem('the appspec has only comments', { file, line: 1, col: 1 }, MINIMAL_APPSPEC)],
    };
  }
  if (!isMapping(root)) {
    return {
      problems: [
        problem(
          `the appspec must be a mapping of keys (version, os, files, hooks…), found ${describe(root)}`,
          parsed.source.locate([]),
          MINIMAL_APPSPEC,
        ),
      ],
    };
  }

  const check = new Checker(parsed.source, text, tree);
  const appspec = check.appspec(root);
  const problems = check.problems.sort(byLocation);
  return problems.some((p) => p.severity === 'error') ? { problems } : { problems, appspec };
}

/**
 * Finds the appspec at the root of the bundle. `source` names the folder in messages. Returns the file
 * name when there is exactly one readable appspec there.
 */
export function findAppSpec(tree: BundleTree, source: string): { name?: string; problems: Problem[] } {
  const where: SourceLocation = { file: source };
  const names = tree.list('') ?? [];
  const found = names.filter((name) => APPSPEC_NAMES.includes(name));
  if (found.length > 1) {
    return {
      problems: [
        problem(
          `both appspec.yml and appspec.yaml are at the root of ${source}`,
          where,
          'delete one of them: the agent reads only one, and nothing says which',
        ),
      ],
    };
  }
  const [name] = found;
  if (name !== undefined) {
    const entry = tree.entry(name);
    const fault =
      entry?.inside === false
        ? 'is a symlink to a file outside the bundle'
        : entry?.target === undefined
          ? 'is a symlink to nothing'
          : entry.target !== 'file'
            ? 'is not a file'
            : undefined;
    if (fault === undefined) return { name, problems: [] };
    return {
      problems: [problem(`${name} at the root of ${source} ${fault}`, where, `commit ${name} itself there`)],
    };
  }

  const miscased = names.find((candidate) => APPSPEC_NAMES.includes(candidate.toLowerCase()));
  if (miscased !== undefined) {
    return {
      problems: [
        problem(
          `no appspec.yml at the root of ${source}, but there is ${miscased}`,
          where,
          `rename it to ${miscased.toLowerCase()}: the agent looks for the lower-case name`,
        ),
      ],
    };
  }

  const nested = names.filter(
    (dir) =>
      tree.entry(dir)?.target === 'directory' &&
      APPSPEC_NAMES.some((appspec) => tree.entry(`${dir}/${appspec}`)?.target === 'file'),
  );
  const hint =
    nested.length > 0
      ? `it is in ${nested.map((dir) => posix.join(source, dir)).join(' and ')}: set revision.source to that ` +
        'folder in the config, or pass --source, so that every path in the appspec is relative to it'
      : 'CodeDeploy needs appspec.yml or appspec.yaml at the root of the bundle: add one, or set ' +
        'revision.source in the config to the folder that holds it';
  return { problems: [problem(`no appspec.yml at the root of ${source}`, where, hint)] };
}

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}

/** A bundle-relative path as the agent resolves it (joined to the bundle folder); null when it leaves it. */
function toBundlePath(raw: string, os: AppSpecOs | undefined): string | null {
  const slashed = os === 'windows' ? raw.replaceAll('\\', '/') : raw;
  const normalized = posix.normalize(slashed.replace(/^\/+/, '') || '.').replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) return null;
  return normalized === '.' ? '' : normalized;
}

class Checker {
  readonly problems: Problem[] = [];
  /** Undefined while `os` is missing or wrong: platform-specific checks are then skipped. */
  private os: AppSpecOs | undefined;
  private files: AppSpecFile[] = [];
  /** Paths of required keys that a misspelt key already stands for, so they are not also reported missing. */
  private readonly misspelt = new Set<string>();

  constructor(
    private readonly source: YamlSource,
    private readonly text: string,
    private readonly tree: BundleTree,
  ) {}

  appspec(root: Mapping): AppSpec {
    this.unknownKeys([], 'at the top of the appspec', TOP_KEYS);
    this.version(root.version);
    this.os = this.operatingSystem(root.os);
    const fileExistsBehavior = this.fileExistsBehavior(root.file_exists_behavior);
    this.files = this.fileList(root.files);
    const permissions = this.permissions(root.permissions);
    const hooks = this.hooks(root.hooks);
    return {
      version: '0.0',
      os: this.os ?? 'linux',
      files: this.files,
      ...(fileExistsBehavior ? { fileExistsBehavior } : {}),
      permissions,
      hooks,
    };
  }

  private error(path: YamlPath, message: string, hint?: string): void {
    this.problems.push(problem(message, this.source.locate(path), hint));
  }

  private warn(path: YamlPath, message: string, hint?: string): void {
    this.problems.push(warning(message, this.source.locate(path), hint));
  }

  private errorAtKey(path: YamlPath, message: string, hint?: string): void {
    this.problems.push(problem(message, this.source.locateKey(path), hint));
  }

  /**
   * The agent ignores keys it does not know, so a misspelt `timeout` or `runas` silently does nothing:
   * a key close to a known one is an error; any other unknown key only a warning (another tool may read it).
   */
  private unknownKeys(
    path: YamlPath,
    where: string,
    known: readonly string[],
    misplaced: Record<string, string> = {},
  ): void {
    for (const { key } of this.source.entries(path)) {
      if (known.includes(key)) continue;
      const at = [...path, key];
      const moved = misplaced[key];
      if (moved !== undefined) {
        this.errorAtKey(at, `"${key}" does not belong ${where}`, moved);
        continue;
      }
      const guess = closest(key, known);
      if (guess !== undefined) {
        this.misspelt.add(JSON.stringify([...path, guess]));
        this.errorAtKey(
          at,
          `unknown key "${key}" ${where}`,
          `did you mean "${guess}"? The agent ignores unknown keys, so this one would silently do nothing`,
        );
      } else {
        this.problems.push(
          warning(
            `unknown key "${key}" ${where} is ignored by the CodeDeploy agent`,
            this.source.locateKey(at),
            `the keys it reads here are ${known.join(', ')}`,
          ),
        );
      }
    }
  }

  /** Whether a required key is absent, and not merely misspelt (that is reported already). */
  private missing(path: YamlPath, value: unknown): boolean {
    return value === undefined && !this.misspelt.has(JSON.stringify(path));
  }

  /** The scalar at `path` as written, to tell `0644` from `"0644"` (YAML parses both). */
  private written(path: YamlPath): { text: string; plain: boolean } | undefined {
    const node = this.source.doc.getIn(path, true);
    if (!isScalar(node) || !node.range) return undefined;
    return { text: this.text.slice(node.range[0], node.range[1]), plain: node.type === 'PLAIN' };
  }

  /** A value for a message: numbers as written (1.0, 0644), since YAML turns them into other numbers. */
  private shown(path: YamlPath, value: unknown): string {
    return typeof value === 'number' ? (this.written(path)?.text ?? String(value)) : describe(value);
  }

  /** A string value, or a reported error. `example` shows the expected form. */
  private string(path: YamlPath, value: unknown, what: string, example: string): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (value === undefined) return undefined;
    const found = value === null || value === '' ? 'it is empty' : `found ${describe(value)}`;
    const quote = typeof value === 'number' || typeof value === 'boolean';
    this.error(
      path,
      `${what} must be text, ${found}`,
      quote ? `quote it, as YAML reads it as ${typeof value}: "${String(value)}"` : `e.g. ${example}`,
    );
    return undefined;
  }

  /** A list, or a reported error; `example` is the one-line form shown in the hint. */
  private list(path: YamlPath, value: unknown, what: string, example: string): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    const item = isMapping(value) ? ': put "- " before the first key of each entry' : '';
    this.error(
      path,
      `${what} must be a list, found ${describe(value)}`,
      `write it as a list${item}, e.g. ${example}`,
    );
    return undefined;
  }

  private version(value: unknown): void {
    // YAML reads `0.0` as the number 0; the agent compares with the number 0.0.
    if (value === 0) return;
    if (value === undefined) {
      if (this.missing(['version'], value))
        this.error([], 'version is missing', 'add "version: 0.0" at the top; it is the only AppSpec version');
    } else if (value === '0.0') {
      this.error(
        ['version'],
        'version is the quoted text "0.0", but the CodeDeploy agent compares it with the number 0.0 and fails the deployment',
        'write version: 0.0 without quotes',
      );
    } else {
      this.error(
        ['version'],
        `version must be 0.0, found ${this.shown(['version'], value)}`,
        'write version: 0.0, the only AppSpec version',
      );
    }
  }

  private operatingSystem(value: unknown): AppSpecOs | undefined {
    if (value === 'linux' || value === 'windows') return value;
    if (value === undefined) {
      if (this.missing(['os'], value))
        this.error([], 'os is missing', 'add "os: linux" for any Linux distribution, or "os: windows"');
      return undefined;
    }
    const lower = typeof value === 'string' ? value.toLowerCase() : '';
    const hint =
      lower === 'linux' || lower === 'windows'
        ? `write ${lower} in lower case`
        : 'linux covers every Linux distribution: Amazon Linux, Ubuntu Server, RHEL…; windows covers Windows Server';
    this.error(['os'], `os must be linux or windows, found ${describe(value)}`, hint);
    return undefined;
  }

  private fileExistsBehavior(value: unknown): FileExistsBehavior | undefined {
    if (value === undefined) return undefined;
    if (FILE_EXISTS_BEHAVIORS.includes(value as FileExistsBehavior)) return value as FileExistsBehavior;
    const upper = typeof value === 'string' ? value.toUpperCase() : '';
    this.error(
      ['file_exists_behavior'],
      `file_exists_behavior must be DISALLOW, OVERWRITE or RETAIN, found ${describe(value)}`,
      FILE_EXISTS_BEHAVIORS.includes(upper as FileExistsBehavior)
        ? `write ${upper} in capitals`
        : 'DISALLOW fails the deployment when a file is already there, OVERWRITE replaces it, RETAIN keeps it',
    );
    return undefined;
  }

  private fileList(value: unknown): AppSpecFile[] {
    if (value === undefined || value === null) return [];
    const entries = this.list(['files'], value, 'files', '"files: [{source: /, destination: /var/www/app}]"');
    if (!entries) return [];
    const files: AppSpecFile[] = [];
    entries.forEach((entry, index) => {
      const path = ['files', index];
      if (!isMapping(entry)) {
        this.error(
          path,
          `each files entry needs a source and a destination, found ${describe(entry)}`,
          'write "- source: <path in the bundle>" with "destination: <folder on the instance>" below it',
        );
        return;
      }
      this.unknownKeys(path, 'in this files entry', FILE_KEYS, {
        file_exists_behavior:
          'file_exists_behavior is a top-level key that applies to every files entry: move it to column 1',
      });
      const source = this.fileSource([...path, 'source'], entry.source);
      const destination = this.destination([...path, 'destination'], entry.destination);
      if (this.missing([...path, 'source'], entry.source)) {
        this.error(
          path,
          'this files entry has no source',
          'add "source: <path in the bundle>", or "source: /" for all of it',
        );
      }
      if (this.missing([...path, 'destination'], entry.destination)) {
        this.error(
          path,
          'this files entry has no destination',
          'add "destination: <absolute folder on the instance>"',
        );
      }
      if (source !== undefined && destination !== undefined) files.push({ source, destination });
    });
    return files;
  }

  private fileSource(path: YamlPath, value: unknown): string | undefined {
    const raw = this.string(path, value, 'source', 'source: /');
    if (raw === undefined) return undefined;
    const relative = toBundlePath(raw, this.os);
    if (relative === null) {
      this.error(
        path,
        `source "${raw}" leads out of the bundle`,
        'source is a path inside the bundle, the folder holding the appspec; "/" copies all of it',
      );
      return undefined;
    }
    if (relative === '') return relative;
    const entry = this.tree.entry(relative);
    if (!entry) {
      this.error(path, `source "${raw}" is not in the bundle`, this.missingHint(relative));
      return undefined;
    }
    if (!entry.inside || entry.target === undefined) {
      this.warn(
        path,
        `source "${raw}" is a symlink ${entry.target === undefined ? 'to nothing' : 'that leads out of the bundle'}`,
        'the bundle keeps the link itself, and on the instance it points wherever its target is there',
      );
    }
    return relative;
  }

  private destination(path: YamlPath, value: unknown): string | undefined {
    const windowsExample = 'C:\\inetpub\\wwwroot';
    const raw = this.string(
      path,
      value,
      'destination',
      this.os === 'windows' ? windowsExample : '/var/www/app',
    );
    if (raw === undefined) return undefined;
    const drive = /^[A-Za-z]:[\\/]/.test(raw);
    const absolute =
      this.os === 'windows'
        ? drive
        : this.os === 'linux'
          ? raw.startsWith('/')
          : drive || raw.startsWith('/');
    if (absolute) return raw;
    const hint =
      this.os === 'windows'
        ? `a Windows path starting with a drive, e.g. ${windowsExample}`
        : drive
          ? 'os is linux: write a Linux path such as /var/www/app, or set os: windows'
          : `an absolute path, e.g. /${raw.replace(/^[~./]+/, '')}; ~ and relative paths are not expanded`;
    this.error(path, `destination "${raw}" is not an absolute path on the instance`, hint);
    return undefined;
  }

  /** Why a bundle path is missing: a near name in the same folder, else where paths start. */
  private missingHint(relative: string): string {
    const dir = posix.dirname(relative);
    const folder = dir === '.' ? '' : dir;
    const names = this.tree.list(folder);
    const guess = names ? closest(posix.basename(relative), names) : undefined;
    const start = 'Paths are relative to the bundle root, the folder holding the appspec';
    return guess !== undefined ? `did you mean "${posix.join(folder, guess)}"? ${start}` : start;
  }

  private permissions(value: unknown): AppSpecPermission[] {
    if (value === undefined || value === null) return [];
    if (this.os === 'windows') {
      this.errorAtKey(
        ['permissions'],
        'permissions apply to Linux instances only, and os is windows',
        'remove the permissions section; set ACLs from a hook script instead, e.g. with icacls in AfterInstall',
      );
      return [];
    }
    const entries = this.list(
      ['permissions'],
      value,
      'permissions',
      '"permissions: [{object: /var/www/app, owner: web}]"',
    );
    if (!entries) return [];
    const permissions: AppSpecPermission[] = [];
    entries.forEach((entry, index) => {
      const permission = this.permission(['permissions', index], entry);
      if (permission) permissions.push(permission);
    });
    return permissions;
  }

  private permission(path: YamlPath, entry: unknown): AppSpecPermission | undefined {
    if (!isMapping(entry)) {
      this.error(
        path,
        `each permissions entry must be a mapping with an object, found ${describe(entry)}`,
        'write "- object: /var/www/app" and the settings below it',
      );
      return undefined;
    }
    this.unknownKeys(path, 'in this permissions entry', PERMISSION_KEYS);
    const at = (key: string): YamlPath => [...path, key];
    const object = this.string(at('object'), entry.object, 'object', 'object: /var/www/app');
    if (this.missing(at('object'), entry.object)) {
      this.error(
        path,
        'this permissions entry has no object',
        'add "object: <path on the instance>", a folder or file the files section installs',
      );
    } else if (object !== undefined && !object.startsWith('/')) {
      this.warn(
        at('object'),
        `object "${object}" is not an absolute path, so it matches nothing the files section installs`,
        'write the path on the instance, e.g. /var/www/app',
      );
    }
    const pattern = this.string(at('pattern'), entry.pattern, 'pattern', 'pattern: "*.sh"');
    const except = this.strings(at('except'), entry.except, 'except', 'except: ["*.log"]');
    const type = this.permissionTypes(at('type'), entry.type);
    const owner = this.string(at('owner'), entry.owner, 'owner', 'owner: www-data');
    const group = this.string(at('group'), entry.group, 'group', 'group: www-data');
    const mode = entry.mode === undefined ? undefined : this.mode(at('mode'), entry.mode);
    const acls = this.acls(at('acls'), entry.acls);
    const context = this.context(at('context'), entry.context);
    if (object === undefined) return undefined;
    return {
      object,
      pattern: pattern ?? '**',
      except: except ?? [],
      type: type ?? [...PERMISSION_TYPES],
      ...(owner !== undefined ? { owner } : {}),
      ...(group !== undefined ? { group } : {}),
      ...(mode !== undefined ? { mode } : {}),
      ...(acls !== undefined ? { acls } : {}),
      ...(context !== undefined ? { context } : {}),
    };
  }

  private strings(path: YamlPath, value: unknown, what: string, example: string): string[] | undefined {
    if (value === undefined) return undefined;
    const items = this.list(path, value, what, example);
    if (!items) return undefined;
    const texts = items.map((item, index) =>
      this.string([...path, index], item, `each ${what} entry`, example),
    );
    return texts.every((text) => text !== undefined) ? (texts as string[]) : undefined;
  }

  private permissionTypes(path: YamlPath, value: unknown): AppSpecPermission['type'] | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string') {
      this.error(path, `type must be a list, found "${value}"`, `write type: [${value}]`);
      return undefined;
    }
    const items = this.list(path, value, 'type', 'type: [file, directory]');
    if (!items) return undefined;
    let valid = true;
    items.forEach((item, index) => {
      if (PERMISSION_TYPES.includes(item as never)) return;
      valid = false;
      this.error(
        [...path, index],
        `type entries are file or directory, found ${describe(item)}`,
        'e.g. type: [file]',
      );
    });
    return valid ? (items as AppSpecPermission['type']) : undefined;
  }

  private mode(path: YamlPath, value: unknown): string | undefined {
    const written = this.written(path);
    if (typeof value === 'number' && written?.plain) {
      // The agent's YAML 1.1 parser reads an unquoted leading zero as octal: 0644 becomes 420.
      if (/^0[0-7]{3}$/.test(written.text)) {
        this.error(
          path,
          `mode ${written.text} is read by the CodeDeploy agent as the octal number ${Number.parseInt(written.text, 8)}`,
          `write mode: "${written.text}" in quotes, or mode: ${written.text.slice(1)} without the leading zero`,
        );
        return undefined;
      }
      if (/^[0-7]{3,4}$/.test(written.text)) return written.text;
    }
    if (typeof value === 'string' && /^[0-7]{3,4}$/.test(value)) return value;
    this.error(
      path,
      `mode must be 3 or 4 octal digits, found ${this.shown(path, value)}`,
      'write the digits chmod takes, e.g. 644 or "0755"; symbolic modes such as u+x are not supported',
    );
    return undefined;
  }

  private acls(path: YamlPath, value: unknown): string[] | undefined {
    const acls = this.strings(path, value, 'acls', 'acls: ["u:deploy:rwx"]');
    if (!acls) return undefined;
    let valid = true;
    acls.forEach((acl, index) => {
      if (ACL_ENTRY.test(acl)) return;
      valid = false;
      this.error(
        [...path, index],
        `"${acl}" is not an ACL entry`,
        'write [d:][u|g|m|o:]name:permissions as setfacl takes them, e.g. "u:deploy:rwx" or "d:g:web:rx"',
      );
    });
    return valid ? acls : undefined;
  }

  private context(path: YamlPath, value: unknown): AppSpecPermission['context'] | undefined {
    if (value === undefined) return undefined;
    if (!isMapping(value)) {
      this.error(
        path,
        `context must be a mapping, found ${describe(value)}`,
        'e.g. context: {type: httpd_sys_content_t}',
      );
      return undefined;
    }
    this.unknownKeys(path, 'in this context', CONTEXT_KEYS);
    const type = this.string([...path, 'type'], value.type, 'context type', 'type: httpd_sys_content_t');
    if (this.missing([...path, 'type'], value.type)) {
      this.error(
        path,
        'context has no type, and the agent rejects a context without one',
        'add the SELinux type, e.g. type: httpd_sys_content_t',
      );
    }
    const user = this.string([...path, 'user'], value.user, 'context user', 'user: system_u');
    if (user !== undefined && value.name === undefined) {
      this.warn(
        [...path, 'user'],
        'the CodeDeploy agent reads the SELinux user from "name"; "user", as the AWS docs write it, is ignored',
        `add name: ${user}`,
      );
    }
    const name = this.string([...path, 'name'], value.name, 'context name', 'name: system_u');
    const range = this.string([...path, 'range'], value.range, 'context range', 'range: s0');
    if (range !== undefined && !SELINUX_RANGE.test(range)) {
      this.error([...path, 'range'], `"${range}" is not an SELinux range`, 'e.g. s0, s0-s0 or s0:c0.c1023');
      return undefined;
    }
    if (type === undefined) return undefined;
    const selinuxUser = name ?? user;
    return {
      type,
      ...(selinuxUser !== undefined ? { user: selinuxUser } : {}),
      ...(range !== undefined ? { range } : {}),
    };
  }

  private hooks(value: unknown): AppSpec['hooks'] {
    if (value === undefined || value === null) return {};
    if (!isMapping(value)) {
      this.error(
        ['hooks'],
        `hooks must be a mapping of lifecycle events to scripts, found ${describe(value)}`,
        'e.g. hooks: {ApplicationStart: [{location: scripts/start.sh}]}',
      );
      return {};
    }
    const hooks: AppSpec['hooks'] = {};
    for (const { key: event } of this.source.entries(['hooks'])) {
      const path = ['hooks', event];
      // Scripts under a wrong event name are checked too, so renaming the event reveals nothing new.
      const known = this.hookEvent(path, event);
      const scripts = this.hookScripts(path, event, value[event]);
      if (known && scripts) hooks[event as HookEvent] = scripts;
    }
    return hooks;
  }

  private hookEvent(path: YamlPath, event: string): boolean {
    if ((HOOK_EVENTS as readonly string[]).includes(event)) return true;
    const scriptless = SCRIPTLESS_EVENTS[event];
    const renamed = RENAMED_EVENTS[event];
    if (scriptless !== undefined) {
      this.errorAtKey(
        path,
        `${event} cannot run scripts: during ${event} ${scriptless.during}`,
        `run the script in ${scriptless.instead}`,
      );
    } else if (renamed !== undefined) {
      this.errorAtKey(
        path,
        `${event} is the old name of ${renamed}, and no deployment runs it any more`,
        `rename it to ${renamed}`,
      );
    } else {
      const guess = closest(event, HOOK_EVENTS);
      this.errorAtKey(
        path,
        `"${event}" is not a lifecycle event of an EC2/on-premises deployment, so its scripts would never run`,
        guess !== undefined ? `did you mean "${guess}"?` : `the events are ${HOOK_EVENTS.join(', ')}`,
      );
    }
    return false;
  }

  private hookScripts(path: YamlPath, event: string, value: unknown): AppSpecHook[] | undefined {
    if (value === null) {
      this.errorAtKey(
        path,
        `${event} has no scripts`,
        'add "- location: <path of the script in the bundle>" below it, or remove the event',
      );
      return undefined;
    }
    if (typeof value === 'string') {
      this.error(
        path,
        `${event} must be a list of scripts, found "${value}"`,
        `write "- location: ${value}" on the line below ${event}:`,
      );
      return undefined;
    }
    const items = this.list(path, value, event, `"${event}: [{location: scripts/start.sh, timeout: 300}]"`);
    if (!items) return undefined;
    const scripts: AppSpecHook[] = [];
    let total = 0;
    items.forEach((item, index) => {
      const script = this.hookScript([...path, index], item);
      if (script === undefined) return;
      scripts.push(script.hook);
      total += script.writtenTimeout ?? 0;
    });
    if (total > MAX_EVENT_SECONDS) {
      this.errorAtKey(
        path,
        `the timeouts of ${event} add up to ${total} s, but CodeDeploy stops a lifecycle event after ${MAX_EVENT_SECONDS} s`,
        `lower the timeouts so that they add up to ${MAX_EVENT_SECONDS} or less, or move a script to another event`,
      );
    }
    return scripts.length === items.length ? scripts : undefined;
  }

  private hookScript(
    path: YamlPath,
    item: unknown,
  ): { hook: AppSpecHook; writtenTimeout?: number } | undefined {
    if (typeof item === 'string') {
      this.error(
        path,
        `each script must be a mapping with a location, found "${item}"`,
        `write "- location: ${item}"`,
      );
      return undefined;
    }
    if (!isMapping(item)) {
      this.error(
        path,
        `each script must be a mapping with a location, found ${describe(item)}`,
        'write "- location: scripts/start.sh"',
      );
      return undefined;
    }
    this.unknownKeys(path, `in this ${String(path[1])} script`, HOOK_KEYS);
    const location = this.location([...path, 'location'], item.location);
    if (this.missing([...path, 'location'], item.location)) {
      this.error(path, 'this script has no location', 'add "location: <path of the script in the bundle>"');
    }
    const timeout = this.timeout([...path, 'timeout'], item.timeout);
    const runas = this.runas([...path, 'runas'], item.runas);
    if (location === undefined || timeout === null || runas === null) return undefined;
    const hook: AppSpecHook = {
      location,
      timeout: timeout ?? MAX_EVENT_SECONDS,
      ...(runas ? { runas } : {}),
    };
    return timeout === undefined ? { hook } : { hook, writtenTimeout: timeout };
  }

  private location(path: YamlPath, value: unknown): string | undefined {
    const raw = this.string(path, value, 'location', 'location: scripts/start.sh');
    if (raw === undefined) return undefined;
    const relative = toBundlePath(raw, this.os);
    if (relative === null || relative === '') {
      this.error(
        path,
        relative === null
          ? `location "${raw}" leads out of the bundle`
          : `location "${raw}" is the bundle itself`,
        'location is the path of a script from the bundle root, the folder holding the appspec, e.g. scripts/start.sh',
      );
      return undefined;
    }
    const entry = this.tree.entry(relative);
    if (!entry) {
      const installed = this.bundlePathOfInstalled(raw);
      this.error(
        path,
        `script "${raw}" is not in the bundle`,
        installed !== undefined
          ? `location is a path in the bundle, not on the instance: write location: ${installed}`
          : this.missingHint(relative),
      );
      return undefined;
    }
    // Leaving the bundle comes first: a link out that dangles here may well resolve on the instance.
    if (!entry.inside) {
      this.error(
        path,
        `script "${raw}" is a symlink that leads out of the bundle`,
        'commit the script itself inside the bundle: the link would point wherever its target is on the instance',
      );
    } else if (entry.target === undefined) {
      this.error(
        path,
        `script "${raw}" is a symlink to nothing`,
        'point the link at a script inside the bundle, or commit the script itself',
      );
    } else if (entry.target === 'directory') {
      const [first] = this.tree.list(relative) ?? [];
      this.error(
        path,
        `location "${raw}" is a folder, not a script`,
        `name the script itself${first === undefined ? '' : `, e.g. location: ${relative}/${first}`}`,
      );
    } else if (entry.target !== 'file') {
      this.error(path, `location "${raw}" is not a regular file`, 'commit the script as a regular file');
    } else {
      if (entry.executable === false && this.os === 'linux') {
        this.warn(
          path,
          `script "${raw}" is not executable`,
          `the agent makes it executable, but commit it so: chmod +x ${relative} && git update-index --chmod=+x ${relative}`,
        );
      }
      return relative;
    }
    return undefined;
  }

  /** The bundle path of a script given by its installed path (a common mix-up), when the files section maps it. */
  private bundlePathOfInstalled(raw: string): string | undefined {
    const slashed = (path: string) =>
      (this.os === 'windows' ? path.replaceAll('\\', '/') : path).replace(/\/+$/, '');
    const location = slashed(raw);
    for (const { source, destination } of this.files) {
      const prefix = `${slashed(destination)}/`;
      if (!location.startsWith(prefix)) continue;
      const rest = location.slice(prefix.length);
      const sourceEntry = source === '' ? undefined : this.tree.entry(source);
      const candidate =
        source === '' || sourceEntry?.target === 'directory'
          ? posix.join(source, rest)
          : rest === posix.basename(source)
            ? source
            : undefined;
      if (candidate !== undefined && this.tree.entry(candidate)?.target === 'file') return candidate;
    }
    return undefined;
  }

  /** Seconds; undefined when not written, null when wrong. */
  private timeout(path: YamlPath, value: unknown): number | undefined | null {
    if (value === undefined) return undefined;
    // The agent converts with to_i, so a quoted number works too.
    const seconds = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (
      typeof seconds === 'number' &&
      Number.isInteger(seconds) &&
      seconds >= 1 &&
      seconds <= MAX_EVENT_SECONDS
    ) {
      return seconds;
    }
    this.error(
      path,
      `timeout must be a whole number of seconds from 1 to ${MAX_EVENT_SECONDS}, found ${this.shown(path, value)}`,
      typeof seconds === 'number' && seconds > MAX_EVENT_SECONDS
        ? `CodeDeploy stops a lifecycle event after ${MAX_EVENT_SECONDS} s: split the work across events`
        : 'e.g. timeout: 300; leave it out for the default, 3600',
    );
    return null;
  }

  /** A user name; undefined when not written, null when wrong. */
  private runas(path: YamlPath, value: unknown): string | undefined | null {
    if (value === undefined) return undefined;
    if (this.os === 'windows') {
      this.errorAtKey(
        path,
        'runas is not supported on Windows instances',
        'remove it: scripts run as the account of the CodeDeploy agent service',
      );
      return null;
    }
    if (typeof value === 'string' && USER_NAME.test(value.trim())) return value.trim();
    this.error(
      path,
      `runas must be a user name, found ${this.shown(path, value)}`,
      typeof value === 'number'
        ? 'write the name of the user, not its uid, e.g. runas: ec2-user'
        : 'a login name on the instance, e.g. ec2-user; it must not need a password, since CodeDeploy cannot type one',
    );
    return null;
  }
}
