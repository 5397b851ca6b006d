import { execFile } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import {
  chmod,
  chown,
  copyFile,
  lstat,
  mkdir,
  readFile,
  readlink,
  realpath,
  rm,
  rmdir,
  symlink,
  unlink,
  utimes,
} from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import {
  type AppSpec,
  type InstallCommand,
  InstallRefusal,
  planInstall,
} from '../../bundle/appspec/index.js';
import { fileSystemTree } from '../../bundle/appspec-fs.js';
import type { FileExistsBehavior } from '../records.js';
import { instanceSandbox, type Sandbox, SandboxError } from './sandbox.js';

const execFileAsync = promisify(execFile);

/**
 * The Install event as the agent runs it (installer.rb install): first remove what the previous
 * install of this deployment group wrote (its cleanup list, newest first; folders only when
 * empty), then plan every mkdir and copy of `files` and every `permissions` setting as the agent
 * plans them (src/bundle/appspec/install.ts, against the instance directory), failing before
 * anything is copied where the agent does, then execute the plan while recording each path in the
 * new cleanup list.
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
  /** Whether owners can be changed: root can. */
  canChangeOwners: boolean;
  note: (message: string) => void;
}

export async function install(options: InstallOptions): Promise<void> {
  const cleanupFile = join(options.instructionsDir, `${options.deploymentGroupId}-cleanup`);
  await mkdir(options.instructionsDir, { recursive: true });
  await removePreviousInstall(cleanupFile);
  const sandbox = instanceSandbox(options.root);
  const commands = plan(options, await realpath(options.archiveDir), sandbox);
  // Each path is listed before it is created, so an interrupted install is still cleaned up next time.
  const cleanup = createWriteStream(cleanupFile);
  try {
    for (const command of commands) await execute(command, options, sandbox, cleanup);
  } catch (error) {
    if (error instanceof SandboxError) throw new InstallError(`The deployment failed: ${error.message}`);
    throw error;
  } finally {
    cleanup.end();
    await finished(cleanup);
  }
}

function plan(options: InstallOptions, archive: string, sandbox: Sandbox): InstallCommand[] {
  try {
    // The appspec's file_exists_behavior wins over the deployment's (installer.rb generate_instructions).
    const planned = planInstall({
      appspec: options.appspec,
      tree: fileSystemTree(archive),
      instance: sandbox,
      fileExistsBehavior: options.appspec.fileExistsBehavior ?? options.fileExistsBehavior,
    });
    return planned?.commands ?? [];
  } catch (error) {
    if (error instanceof InstallRefusal) throw new InstallError(error.message);
    if (error instanceof SandboxError) throw new InstallError(`The deployment failed: ${error.message}`);
    throw error;
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

async function execute(
  command: InstallCommand,
  options: InstallOptions,
  sandbox: Sandbox,
  cleanup: WriteStream,
): Promise<void> {
  if (command.type === 'mkdir') {
    const path = sandbox.path(command.path);
    cleanup.write(`${path}\n`);
    await mkdir(path);
    return;
  }
  if (command.type === 'copy') {
    const source = join(options.archiveDir, command.source);
    const destination = sandbox.path(command.destination);
    cleanup.write(`${destination}\n`);
    // install_instruction.rb CopyCommand: a link is copied as a link (failing if the destination is
    // there); a file is copied into the destination, through it when it is a link (OVERWRITE).
    if (command.symlink) {
      await symlink(await readlink(source), destination);
      return;
    }
    const info = await lstat(source).catch(() => undefined);
    if (!info) {
      throw new InstallError(
        `The deployment failed: No such file or directory @ rb_sysopen - ${command.source}`,
      );
    }
    await copyFile(source, destination);
    await chmod(destination, info.mode & 0o7777);
    await utimes(destination, info.atime, info.mtime);
    return;
  }
  const { permission } = command;
  // The agent's chmod, chown and setfacl follow links: the sandbox keeps their targets on the instance.
  const path = sandbox.path(command.path);
  if (permission.mode !== undefined) await chmod(path, Number.parseInt(permission.mode, 8));
  if (permission.acls !== undefined)
    options.note(`acls for ${command.path} not applied: the local agent does not set ACLs`);
  if (permission.context !== undefined) {
    options.note(`context for ${command.path} not applied: the local agent does not set SELinux contexts`);
  }
  if (permission.owner === undefined && permission.group === undefined) return;
  if (!options.canChangeOwners) {
    options.note(`owner/group for ${command.path} not applied: the local CodeDeploy is not running as root`);
    return;
  }
  const uid = permission.owner === undefined ? -1 : await lookup(['passwd', permission.owner], 'user');
  const gid = permission.group === undefined ? -1 : await lookup(['group', permission.group], 'group');
  await chown(path, uid, gid);
}

/** Etc.getpwnam / getgrnam: the id of a user or a group, or the agent's failure. */
async function lookup([database, name]: [string, string], what: string): Promise<number> {
  try {
    const entry = (await execFileAsync('getent', [database, name])).stdout.trim();
    return Number(entry.split(':')[2]);
  } catch {
    throw new InstallError(`The deployment failed: can't find ${what} for ${name}`);
  }
}
