import { existsSync, lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expandPath, type InstanceView } from '../../bundle/appspec/index.js';

/**
 * An instance's filesystem: absolute paths of the appspec (`/var/www/app`) map under the instance
 * directory, the instance's `/`. A relative path is resolved from `/`, the agent's working
 * directory, and `..` stops at `/` as it does on any Linux system. What reaches outside through a
 * symlink already on the instance is refused rather than followed: an absolute link written on
 * the instance names a place on this machine, not on the instance.
 */
export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxError';
  }
}

export interface Sandbox extends InstanceView {
  /** Where an instance path is on this machine. */
  path(instancePath: string): string;
}

export function instanceSandbox(root: string): Sandbox {
  const realRoot = realpathSync(root);
  const path = (instancePath: string) => {
    const resolved = join(root, ...expandPath(instancePath).split('/'));
    assertInside(realRoot, resolved, instancePath);
    return resolved;
  };
  return {
    path,
    exists: (instancePath) => existsSync(path(instancePath)),
    isDirectory: (instancePath) => {
      try {
        return statSync(path(instancePath)).isDirectory();
      } catch (error) {
        if (error instanceof SandboxError) throw error;
        return false;
      }
    },
  };
}

/**
 * The path, or its nearest existing ancestor, symlinks resolved, must still be inside the instance.
 * A dangling link is judged by where it points: writing through it would create its target.
 */
function assertInside(realRoot: string, path: string, shown: string, hops = 0): void {
  for (let probe = path; ; probe = dirname(probe)) {
    let real: string | undefined;
    try {
      real = realpathSync(probe);
    } catch {
      const link = lstatSync(probe, { throwIfNoEntry: false });
      if (link?.isSymbolicLink() && hops < 40) {
        assertInside(realRoot, resolve(dirname(probe), readlinkSync(probe)), shown, hops + 1);
        return;
      }
      if (dirname(probe) === probe) return;
      continue;
    }
    if (!isWithin(realRoot, real)) {
      throw new SandboxError(
        `${shown} leads outside the instance through a symbolic link (to ${real}): refused`,
      );
    }
    return;
  }
}

export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/** The appspec-facing path of a sandboxed one (`<root>/var/www/app` → `/var/www/app`), for messages. */
export function displayPath(root: string, path: string): string {
  const rel = relative(root, path);
  return `/${rel.split(sep).join('/')}`.replace(/\/$/, '') || '/';
}
