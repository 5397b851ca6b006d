import { posix } from 'node:path';
import type { BundleNode, BundleTree } from '../../src/bundle/appspec/index.js';

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

  /** Where a path leads once links are followed: a path in the bundle, or null when it leaves it. */
  const resolve = (path: string, hops = 0): string | null | undefined => {
    const kind = kinds.get(path);
    if (kind === undefined || !kind.startsWith('-> ')) return kind === undefined ? undefined : path;
    const to = posix.normalize(posix.join(posix.dirname(path), kind.slice(3)));
    if (to === '..' || to.startsWith('../')) return null;
    return hops > 40 ? undefined : resolve(to === '.' ? '' : to, hops + 1);
  };

  return {
    node(path) {
      const kind = kinds.get(path);
      if (kind === undefined) return undefined;
      const type = kind.startsWith('-> ') ? 'symlink' : kind === 'dir' ? 'directory' : 'file';
      const to = resolve(path);
      // Outside the bundle the tree cannot see: such a link is taken to point at an existing file.
      if (to === null) return { type, target: 'file', inside: false, executable: true };
      if (to === undefined) return { type, inside: true };
      const target = kinds.get(to) === 'dir' ? 'directory' : 'file';
      const node: BundleNode = { type, target, inside: true };
      return target === 'file' ? { ...node, executable: kinds.get(to) === 'exec' } : node;
    },
    list(path) {
      const folder = resolve(path);
      if (folder === null || folder === undefined || kinds.get(folder) !== 'dir') return undefined;
      const prefix = folder === '' ? '' : `${folder}/`;
      return [...kinds.keys()]
        .filter((key) => key !== folder && key.startsWith(prefix) && !key.slice(prefix.length).includes('/'))
        .map((key) => key.slice(prefix.length))
        .sort();
    },
  };
}
