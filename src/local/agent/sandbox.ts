import { realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/**
 * An instance's filesystem: absolute paths of the appspec (`/var/www/app`) map under the instance
 * directory. A path that climbs above `/` with `..`, or that reaches outside through a symlink
 * already on the instance, is refused rather than clamped.
 */
export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxError';
  }
}

export async function sandboxPath(root: string, path: string, what: string): Promise<string> {
  if (!path.startsWith('/')) {
    throw new SandboxError(`The ${what} ${path} must be an absolute path (such as /var/www/app)`);
  }
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) {
        throw new SandboxError(
          `The ${what} ${path} climbs above / with "..": refused, it would leave the instance`,
        );
      }
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  const resolved = join(root, ...parts);
  await assertInside(root, resolved, `The ${what} ${path}`);
  return resolved;
}

/** The nearest existing ancestor of `path`, symlinks resolved, must still be inside `root`. */
export async function assertInside(root: string, path: string, what: string): Promise<void> {
  const realRoot = await realpath(root);
  let probe = path;
  for (;;) {
    try {
      const real = await realpath(probe);
      if (!isWithin(realRoot, real)) {
        throw new SandboxError(
          `${what} leads outside the instance through a symbolic link (${probe} → ${real}): refused`,
        );
      }
      return;
    } catch (error) {
      if (error instanceof SandboxError) throw error;
      const parent = dirname(probe);
      if (parent === probe) return;
      probe = parent;
    }
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
