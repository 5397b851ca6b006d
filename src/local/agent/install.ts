import { execFile } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import {
  chmod,
  chown,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  rmdir,
  stat,
  symlink,
  unlink,
  utimes,
} from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { minimatch } from 'minimatch';
import type { FileExistsBehavior } from '../model.js';
import type { AppSpec, PermissionSpec } from './appspec.js';
import { displayPath, isWithin, SandboxError, sandboxPath } from './sandbox.js';

const execFileAsync = promisify(execFile);

/**
 * The Install event as the agent runs it: first remove what the previous install of this deployment
 * group wrote (its cleanup list, newest first; directories only when empty), then plan every copy
 * and mkdir of `files` (failing before touching anything when a file exists and the behaviour is
 * DISALLOW), then execute the plan while recording each path in the new cleanup list, then apply
 * `permissions`. DISALLOW / OVERWRITE / RETAIN only concern files the previous install did not write.
 */
export class InstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallError';
  }
}

export interface InstallOptions {
  archiveDir: string;
  /** The instance's filesystem root. */
  root: string;
  /** Where the cleanup list lives (the agent's deployment-instructions folder). */
  instructionsDir: string;
  deploymentGroupId: string;
  appspec: AppSpec;
  fileExistsBehavior: FileExistsBehavior;
  note: (message: string) => void;
}

type Command =
  | { type: 'mkdir'; path: string }
  | { type: 'copy'; source: string; destination: string; replace: boolean }
  | { type: 'permissions'; path: string; permission: PermissionSpec };

export async function install(options: InstallOptions): Promise<void> {
  const cleanupFile = join(options.instructionsDir, `${options.deploymentGroupId}-cleanup`);
  await mkdir(options.instructionsDir, { recursive: true });
  await removePreviousInstall(cleanupFile);
  const plan = await planInstall(options);
  // Each path is listed before it is created, so an interrupted install is still cleaned up next time.
  const cleanup = createWriteStream(cleanupFile);
  try {
    for (const command of plan) await execute(command, options, cleanup);
  } finally {
    cleanup.end();
    await finished(cleanup);
  }
}

async function removePreviousInstall(cleanupFile: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(cleanupFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const lines = text.split('\n');
  // The last line is unfinished (an interrupted install) or empty: skip it either way, as the agent does.
  lines.pop();
  for (const path of lines.reverse()) {
    if (path === '') continue;
    const info = await lstat(path).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) {
      await rmdir(path).catch((error: NodeJS.ErrnoException) => {
        // A directory that now holds files the install did not write stays, like the agent's rmdir.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST' && error.code !== 'ENOENT') throw error;
      });
    } else {
      await unlink(path);
    }
  }
  await rm(cleanupFile, { force: true });
}

class Planner {
  readonly commands: Command[] = [];
  private readonly copyTargets = new Map<string, string>();
  private readonly mkdirTargets = new Set<string>();
  private readonly permissionTargets = new Set<string>();

  constructor(private readonly options: InstallOptions) {}

  shown(path: string): string {
    return displayPath(this.options.root, path);
  }

  copy(source: string, destination: string, replace: boolean): void {
    const existing = this.copyTargets.get(destination);
    if (existing !== undefined) {
      throw new InstallError(
        `The deployment failed because the application specification file specifies two source files named ` +
          `${this.source(source)} and ${this.source(existing)} for the same destination (${this.shown(destination)}). ` +
          'Remove one of the source file paths from the AppSpec file, and then try again.',
      );
    }
    if (this.mkdirTargets.has(destination)) {
      throw new InstallError(
        `The deployment failed because the application specification file calls for installing the file ` +
          `${this.source(source)}, but a file with that name already exists at the location (${this.shown(destination)}). ` +
          'Update your AppSpec file or directory structure, and then try again.',
      );
    }
    this.commands.push({ type: 'copy', source, destination, replace });
    this.copyTargets.set(destination, source);
  }

  mkdir(path: string): void {
    if (this.copyTargets.has(path)) {
      throw new InstallError(
        `The deployment failed because the application specification file includes an mkdir command more than once ` +
          `for the same destination path (${this.shown(path)}). Update the files section of the AppSpec file, and then try again.`,
      );
    }
    if (!this.mkdirTargets.has(path)) this.commands.push({ type: 'mkdir', path });
    this.mkdirTargets.add(path);
  }

  copying(path: string): boolean {
    return this.copyTargets.has(path);
  }

  making(path: string): boolean {
    return this.mkdirTargets.has(path);
  }

  setPermissions(path: string, permission: PermissionSpec): void {
    if (this.permissionTargets.has(path)) {
      throw new InstallError(
        `The deployment failed because the permissions setting for (${this.shown(path)}) is specified more than once ` +
          'in the application specification file. Update the files section of the AppSpec file, and then try again.',
      );
    }
    this.permissionTargets.add(path);
    this.commands.push({ type: 'permissions', path, permission });
  }

  /** Paths this install creates under `object` that the permission's pattern, except and type select. */
  matches(object: string, permission: PermissionSpec): string[] {
    const candidates = [
      ...(permission.type.includes('file') ? this.copyTargets.keys() : []),
      ...(permission.type.includes('directory') ? this.mkdirTargets : []),
    ];
    return candidates.filter((path) => {
      if (path === object || !isWithin(object, path)) return false;
      const rel = relative(object, path);
      const selected = permission.pattern === '**' || minimatch(rel, permission.pattern, { dot: true });
      return selected && !permission.except.some((glob) => minimatch(rel, glob, { dot: true }));
    });
  }

  private source(path: string): string {
    return relative(this.options.archiveDir, path) || '/';
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isRealDirectory(path: string): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  return info?.isDirectory() ?? false;
}

async function planInstall(options: InstallOptions): Promise<Command[]> {
  const planner = new Planner(options);
  const { archiveDir, root, appspec } = options;
  const behavior = appspec.fileExistsBehavior ?? options.fileExistsBehavior;

  const fillMissingAncestors = async (path: string) => {
    const missing: string[] = [];
    let parent = dirname(path);
    while (parent !== root && isWithin(root, parent) && !(await exists(parent))) {
      missing.unshift(parent);
      parent = dirname(parent);
    }
    for (const dir of missing) planner.mkdir(dir);
  };
  const normalCopy = async (source: string, destination: string) => {
    if (!(await exists(destination))) return planner.copy(source, destination, false);
    if (behavior === 'OVERWRITE') return planner.copy(source, destination, true);
    if (behavior === 'RETAIN') return;
    throw new InstallError(
      `The deployment failed because a specified file already exists at this location: ${planner.shown(destination)}` +
        ' (it was not written by the previous deployment of this group; set fileExistsBehavior to OVERWRITE or RETAIN, or remove the file)',
    );
  };
  const directoryCopy = async (source: string, destination: string) => {
    if (!(await isRealDirectory(destination))) planner.mkdir(destination);
    const entries = (await readdir(source)).sort();
    for (const entry of entries) {
      const from = join(source, entry);
      const to = join(destination, entry);
      if (await isRealDirectory(from)) await directoryCopy(from, to);
      else await normalCopy(from, to);
    }
  };

  try {
    for (const file of appspec.files) {
      const source = await sourcePath(archiveDir, file.source);
      const destination = await sandboxPath(root, file.destination, 'destination');
      if (await isRealDirectory(source)) {
        await fillMissingAncestors(destination);
        await directoryCopy(source, destination);
      } else {
        const target = join(destination, basename(source));
        await fillMissingAncestors(target);
        await normalCopy(source, target);
      }
    }
    for (const permission of appspec.permissions) {
      const object = await sandboxPath(root, permission.object, 'permissions object');
      if (planner.copying(object)) {
        if (permission.type.includes('file')) planner.setPermissions(object, permission);
      } else if (planner.making(object) || (await isRealDirectory(object))) {
        for (const match of planner.matches(object, permission)) planner.setPermissions(match, permission);
      }
    }
  } catch (error) {
    if (error instanceof SandboxError) throw new InstallError(`The deployment failed: ${error.message}`);
    throw error;
  }
  return planner.commands;
}

async function sourcePath(archiveDir: string, source: string): Promise<string> {
  const path = join(archiveDir, source);
  if (!isWithin(archiveDir, path)) {
    throw new InstallError(
      `The deployment failed because the source ${source} in files points outside the revision`,
    );
  }
  if (!(await lstat(path).catch(() => undefined))) {
    throw new InstallError(
      `The deployment failed because the source ${source} listed in the files section of the AppSpec file does not exist in the revision`,
    );
  }
  return path;
}

async function execute(command: Command, options: InstallOptions, cleanup: WriteStream): Promise<void> {
  const { root } = options;
  if (command.type === 'mkdir') {
    cleanup.write(`${command.path}\n`);
    await mkdir(command.path);
    return;
  }
  if (command.type === 'copy') {
    const { source, destination } = command;
    if (command.replace) await rm(destination, { force: true, recursive: true });
    cleanup.write(`${destination}\n`);
    const info = await lstat(source);
    if (info.isSymbolicLink()) {
      await symlink(await readlink(source), destination);
      return;
    }
    await copyFile(source, destination);
    await chmod(destination, info.mode & 0o7777);
    await utimes(destination, info.atime, info.mtime);
    return;
  }
  const { path, permission } = command;
  const shown = displayPath(root, path);
  if ((await lstat(path)).isSymbolicLink()) {
    options.note(
      `permissions for ${shown} skipped: it is a symbolic link (changing it would change its target)`,
    );
    return;
  }
  if (permission.mode !== undefined) await chmod(path, Number.parseInt(permission.mode, 8));
  if (permission.acls !== undefined)
    options.note(`acls for ${shown} not applied: the local agent does not set ACLs`);
  if (permission.context !== undefined) {
    options.note(`context for ${shown} not applied: the local agent does not set SELinux contexts`);
  }
  if (permission.owner !== undefined || permission.group !== undefined) {
    if (process.getuid?.() !== 0) {
      options.note(`owner/group for ${shown} not applied: the local CodeDeploy is not running as root`);
      return;
    }
    const uid =
      permission.owner === undefined
        ? -1
        : await lookupId(['-u', permission.owner], 'user', permission.owner);
    const gid = permission.group === undefined ? -1 : await lookupGroup(permission.group);
    await chown(path, uid, gid);
  }
}

async function lookupId(args: string[], what: string, name: string): Promise<number> {
  try {
    return Number((await execFileAsync('id', args)).stdout.trim());
  } catch {
    throw new InstallError(
      `The deployment failed because the ${what} ${name} named in permissions does not exist`,
    );
  }
}

async function lookupGroup(name: string): Promise<number> {
  try {
    const line = (await execFileAsync('getent', ['group', name])).stdout.trim();
    return Number(line.split(':')[2]);
  } catch {
    throw new InstallError(
      `The deployment failed because the group ${name} named in permissions does not exist`,
    );
  }
}
