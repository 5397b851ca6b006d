import { posix } from 'node:path';
import type { BundleEntry, BundleTree } from '../../src/bundle/appspec.js';

/**
 * An in-memory bundle for the pure AppSpec checks. Keys are bundle paths; values say what is there:
 * 'file', 'exec' (an executable file), 'dir', or '-> target' (a symlink; the target is relative to the
 * link's folder, as on disk, and may leave the bundle with '..'). Parent folders are implied.
 */
export type MemoryBundle = Record<string, string>;

export function memoryBundle(spec: MemoryBundle): BundleTree {
  const kinds = new Map<string, string>([['', 'dir']]);
  for (const [path, kind] of Object.entries(spec)) {
    kinds.set(path, kind);
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) kinds.set(dir, 'dir');
  }

  const resolved = (path: string, kind: string): Omit<BundleEntry, 'type'> => {
    if (!kind.startsWith('-> ')) {
      const target = kind === 'dir' ? 'directory' : 'file';
      return { target, inside: true, ...(target === 'file' ? { executable: kind === 'exec' } : {}) };
    }
    const to = posix.normalize(posix.join(posix.dirname(path), kind.slice(3)));
    // Outside the bundle the tree cannot see: such a link is taken to point at an existing file.
    if (to === '..' || to.startsWith('../')) return { target: 'file', inside: false, executable: true };
    const targetKind = kinds.get(to);
    return targetKind === undefined ? { inside: true } : resolved(to, targetKind);
  };

  return {
    entry(path) {
      const kind = kinds.get(path);
      if (kind === undefined) return undefined;
      const type = kind.startsWith('-> ') ? 'symlink' : kind === 'dir' ? 'directory' : 'file';
      return { type, ...resolved(path, kind) };
    },
    list(path) {
      if (kinds.get(path) !== 'dir') return undefined;
      const prefix = path === '' ? '' : `${path}/`;
      return [...kinds.keys()]
        .filter((key) => key !== path && key.startsWith(prefix) && !key.slice(prefix.length).includes('/'))
        .map((key) => key.slice(prefix.length))
        .sort();
    },
  };
}
