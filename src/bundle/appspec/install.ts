import { posix } from 'node:path';
import type { FileExistsBehavior } from '../../config/types.js';
import type { AppSpec, AppSpecPermission, BundleTree } from './model.js';

/**
 * The Install event as the agent plans it (installer.rb generate_instructions, install_instruction.rb
 * CommandBuilder): the `files` section becomes mkdir and copy commands, then each `permissions` entry
 * is matched against what they create. Pure: the bundle is a BundleTree, the instance an
 * InstanceView. `validate` plans against a fresh instance to predict what fails; the local agent
 * plans against its instance directory and executes the plan.
 */

/** The instance's file system as the planner asks about it: File.exist? and File.directory?, links followed. */
export interface InstanceView {
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
}

/** Folders nested deeper than this go through a link loop (the kernel's own limit is 40 links a path). */
const MAX_DEPTH = 64;

/** Nothing installed yet: what a first deployment to a new instance finds. */
export const FRESH_INSTANCE: InstanceView = { exists: () => false, isDirectory: (path) => path === '/' };

export type InstallCommand =
  | { type: 'mkdir'; path: string }
  /** `source` is a bundle path; `symlink` when it is a link the agent copies as a link. */
  | { type: 'copy'; source: string; destination: string; symlink: boolean }
  | { type: 'permissions'; path: string; permission: AppSpecPermission };

/** Where the agent fails the Install event: its message (the diagnostics), and what to tell a person. */
export class InstallRefusal extends Error {
  constructor(
    message: string,
    /** The appspec entry it comes from, e.g. ['files', 1] or ['permissions', 0]. */
    readonly where: ReadonlyArray<string | number>,
    readonly explanation: { message: string; hint: string },
  ) {
    super(message);
    this.name = 'InstallRefusal';
  }
}

export interface InstallPlan {
  commands: InstallCommand[];
  /** Per `permissions` entry: how many installed objects it applies to (0: it does nothing). */
  applied: number[];
}

/**
 * The agent's permission patterns (linux_permission_info.rb matches_simple_glob): `*` is any run of
 * characters, every other character is itself, and a name with a "/" never matches, so a pattern
 * only looks at the names directly in the object's folder. Only the whole pattern `**` is special:
 * everything below the object.
 */
export function matchesSimpleGlob(name: string, pattern: string): boolean {
  if (name.includes('/')) return false;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(name);
}

/** File.expand_path from the agent's working directory, `/`: how it names an object or a destination. */
export function expandPath(path: string): string {
  return posix.resolve('/', path.replace(/^~(?=\/|$)/, '/root'));
}

/** matches_pattern? and not matches_except? of linux_permission_info.rb, for a path below the object. */
export function selects(permission: AppSpecPermission, path: string): boolean {
  const base = expandPath(permission.object);
  const prefix = base.endsWith('/') ? base : `${base}/`;
  if (!path.startsWith(prefix)) return false;
  const name = path.slice(prefix.length);
  const matched = permission.pattern === '**' || matchesSimpleGlob(name, permission.pattern);
  return matched && !permission.except.some((glob) => matchesSimpleGlob(name, glob));
}

const rubyList = (items: readonly string[]) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;

/**
 * validate_file_permission and validate_file_acl (linux_permission_info.rb): what the agent refuses
 * on an object it installs as a file, with its message.
 */
export function filePermissionRefusal(
  permission: AppSpecPermission,
): { message: string; what: string } | undefined {
  if (permission.pattern !== '**') {
    return {
      what: 'a pattern',
      message:
        `The deployment failed because the application specification file includes an object (${permission.object}) ` +
        `with an invalid pattern (${permission.pattern}), such as a pattern for a file applied to a directory. ` +
        'Correct the permissions section of the AppSpec file, and then try again.',
    };
  }
  if (permission.except.length > 0) {
    return {
      what: 'except',
      message:
        `The deployment failed because the except parameter for a pattern in the permissions section (${rubyList(permission.except)}) ` +
        `for the object named ${permission.object} contains an invalid format. Update the AppSpec file, and then try again.`,
    };
  }
  return fileAclRefusal(permission);
}

export function fileAclRefusal(permission: AppSpecPermission): { message: string; what: string } | undefined {
  if (!permission.acls?.some((entry) => entry.default)) return undefined;
  return {
    what: 'a default (d:) ACL',
    message:
      'The deployment failed because the -d parameter has been specified to apply an acl setting to a file. ' +
      'This parameter is supported for directories only. Update the AppSpec file, and then try again.',
  };
}

export interface PlanInput {
  appspec: Pick<AppSpec, 'files' | 'permissions'>;
  tree: BundleTree;
  instance: InstanceView;
  fileExistsBehavior: FileExistsBehavior;
  /** Bundle paths visited at most; beyond it the plan is abandoned (undefined). */
  budget?: number;
}

/** Plans the Install event; throws InstallRefusal where the agent fails it. */
export function planInstall(input: PlanInput): InstallPlan | undefined {
  const builder = new CommandBuilder();
  const { tree, instance, fileExistsBehavior } = input;
  let budget = input.budget ?? Number.POSITIVE_INFINITY;

  const normalCopy = (source: string, destination: string, where: ReadonlyArray<string | number>) => {
    const symlink = tree.node(source)?.type === 'symlink';
    if (!instance.exists(destination)) return builder.copy(source, destination, symlink, where);
    if (fileExistsBehavior === 'OVERWRITE') return builder.copy(source, destination, symlink, where);
    if (fileExistsBehavior === 'RETAIN') return;
    throw new InstallRefusal(
      `The deployment failed because a specified file already exists at this location: ${destination}`,
      where,
      {
        message: `${destination} is already on the instance, and the deployment's fileExistsBehavior is DISALLOW`,
        hint: 'set file_exists_behavior: OVERWRITE or RETAIN, or remove the file from the instance',
      },
    );
  };
  // File.directory? follows links: a link to a folder is copied as the folder's contents.
  const isDirectory = (path: string) => {
    const node = tree.node(path);
    return path === '' || (node?.target === 'directory' && node.inside);
  };
  const directoryCopy = (
    source: string,
    destination: string,
    where: ReadonlyArray<string | number>,
    depth: number,
  ): boolean => {
    // Links to folders are followed, so a link to an ancestor nests without end: the system gives
    // up on such a path (ELOOP), and so does the agent.
    if (depth > MAX_DEPTH) {
      throw new InstallRefusal(
        `The deployment failed: ${shown(source)}: Too many levels of symbolic links`,
        where,
        {
          message: `${shown(source)} nests folders through a symlink loop, which the agent follows without end`,
          hint: 'point the link elsewhere than at a folder holding it',
        },
      );
    }
    if (!instance.isDirectory(destination)) builder.mkdir(destination, source, where);
    for (const name of [...(tree.list(source) ?? [])].sort()) {
      if (--budget < 0) return false;
      const from = source === '' ? name : `${source}/${name}`;
      const to = posix.join(destination, name);
      if (!isDirectory(from)) normalCopy(from, to, where);
      else if (!directoryCopy(from, to, where, depth + 1)) return false;
    }
    return true;
  };
  const fillInMissingAncestors = (path: string, where: ReadonlyArray<string | number>) => {
    const missing: string[] = [];
    for (let parent = posix.dirname(path); parent !== '/' && !instance.exists(parent); ) {
      missing.unshift(parent);
      parent = posix.dirname(parent);
    }
    for (const dir of missing) builder.mkdir(dir, undefined, where);
  };

  for (const [index, file] of input.appspec.files.entries()) {
    const where = ['files', index];
    const destination = expandPath(file.destination);
    if (isDirectory(file.source)) {
      fillInMissingAncestors(destination, where);
      if (!directoryCopy(file.source, destination, where, 0)) return undefined;
    } else {
      const target = posix.join(destination, posix.basename(file.source));
      fillInMissingAncestors(target, where);
      normalCopy(file.source, target, where);
    }
  }

  const applied = input.appspec.permissions.map((permission, index) => {
    const where = ['permissions', index];
    const object = expandPath(permission.object);
    if (builder.copying(object)) {
      if (!permission.type.includes('file')) return 0;
      const refusal = filePermissionRefusal(permission);
      if (refusal !== undefined) {
        throw new InstallRefusal(refusal.message, where, {
          message: `object ${permission.object} is a file the files section installs, and the agent refuses ${refusal.what} on a file: the Install event fails`,
          hint:
            refusal.what === 'a pattern' || refusal.what === 'except'
              ? 'remove pattern and except, or set object to the folder and keep pattern for the names in it'
              : 'remove the default ACL entries: they are for folders',
        });
      }
      builder.setPermissions(object, permission, where);
      return 1;
    }
    if (!builder.making(object) && !instance.isDirectory(object)) return 0;
    const matches = builder.matches(permission);
    for (const match of matches) {
      const refusal = match.file ? fileAclRefusal(permission) : undefined;
      if (refusal !== undefined) {
        throw new InstallRefusal(refusal.message, where, {
          message: `this entry's default (d:) ACL applies to the file ${match.path}, which the agent refuses: the Install event fails`,
          hint: 'add type: [directory], so that the default ACL goes to the folders only',
        });
      }
      builder.setPermissions(match.path, permission, where);
    }
    return matches.length;
  });
  return { commands: builder.commands, applied };
}

/** install_instruction.rb CommandBuilder: the commands, and the conflicts the agent refuses. */
class CommandBuilder {
  readonly commands: InstallCommand[] = [];
  private readonly copyTargets = new Map<string, string>();
  private readonly mkdirTargets = new Map<string, string | undefined>();
  private readonly permissionTargets = new Set<string>();

  copy(source: string, destination: string, symlink: boolean, where: ReadonlyArray<string | number>): void {
    const existing = this.copyTargets.get(destination);
    if (existing !== undefined) {
      throw new InstallRefusal(
        `The deployment failed because the application specification file specifies two source files named ${shown(source)} ` +
          `and ${shown(existing)} for the same destination (${destination}). Remove one of the source file paths from the ` +
          'AppSpec file, and then try again.',
        where,
        {
          message: `${shown(source)} and ${shown(existing)} are both installed as ${destination}: the Install event fails`,
          hint: 'give them different destinations, or copy only one of them',
        },
      );
    }
    if (this.mkdirTargets.has(destination)) {
      throw new InstallRefusal(
        `The deployment failed because the application specification file calls for installing the file ${shown(source)}, ` +
          `but a file with that name already exists at the location (${destination}). Update your AppSpec file or ` +
          'directory structure, and then try again.',
        where,
        {
          message: `the file ${shown(source)} is installed as ${destination}, where another entry makes a folder: the Install event fails`,
          hint: 'give the file or the folder another destination',
        },
      );
    }
    this.commands.push({ type: 'copy', source, destination, symlink });
    this.copyTargets.set(destination, source);
  }

  mkdir(path: string, source: string | undefined, where: ReadonlyArray<string | number>): void {
    const copied = this.copyTargets.get(path);
    if (copied !== undefined) {
      throw new InstallRefusal(
        'The deployment failed because the application specification file includes an mkdir command more than once for ' +
          `the same destination path (${path}) from (${shown(copied)}). Update the files section of the AppSpec file, and then try again.`,
        where,
        {
          message: `a folder is installed as ${path}, where another entry installs the file ${shown(copied)}: the Install event fails`,
          hint: 'give the file or the folder another destination',
        },
      );
    }
    if (!this.mkdirTargets.has(path)) this.commands.push({ type: 'mkdir', path });
    this.mkdirTargets.set(path, source);
  }

  copying(path: string): boolean {
    return this.copyTargets.has(path);
  }

  making(path: string): boolean {
    return this.mkdirTargets.has(path);
  }

  /** find_matches: the copied files, then the made folders, that the entry selects below its object. */
  matches(permission: AppSpecPermission): Array<{ path: string; file: boolean }> {
    const files = permission.type.includes('file') ? [...this.copyTargets.keys()] : [];
    const folders = permission.type.includes('directory') ? [...this.mkdirTargets.keys()] : [];
    return [
      ...files.filter((path) => selects(permission, path)).map((path) => ({ path, file: true })),
      ...folders.filter((path) => selects(permission, path)).map((path) => ({ path, file: false })),
    ];
  }

  setPermissions(path: string, permission: AppSpecPermission, where: ReadonlyArray<string | number>): void {
    if (this.permissionTargets.has(path)) {
      throw new InstallRefusal(
        `The deployment failed because the permissions setting for (${path}) is specified more than once in the ` +
          'application specification file. Update the files section of the AppSpec file, and then try again.',
        where,
        {
          message: `${path} gets permissions from two entries, which the agent refuses: the Install event fails`,
          hint: 'make the entries select different objects (object, pattern, except, type)',
        },
      );
    }
    this.permissionTargets.add(path);
    this.commands.push({ type: 'permissions', path, permission });
  }
}

/** A bundle path as the agent's messages show it: the whole revision is "/". */
function shown(source: string): string {
  return source === '' ? '/' : source;
}
