import type { BundleNode, BundleTree } from './appspec/index.js';
import { type BundleEntry, resolveInBundle, type Tree } from './walk.js';

const ROOT: BundleNode = { type: 'directory', target: 'directory', inside: true };

/**
 * The walked tree (excludes applied) as the appspec checks see a bundle: exactly what the archive
 * will hold, so a script or an appspec that an exclude drops is missing here as it will be on the
 * instance. Links are followed inside the bundle; one that leaves it is judged by where it leads
 * (the walk refuses it too, in the same refusal).
 */
export function walkedTree(tree: Pick<Tree, 'entries'>): BundleTree {
  const byPath = new Map(tree.entries.map((entry) => [entry.path, entry]));
  const children = new Map<string, string[]>();
  for (const { path } of tree.entries) {
    const slash = path.lastIndexOf('/');
    const folder = slash < 0 ? '' : path.slice(0, slash);
    children.set(folder, [...(children.get(folder) ?? []), path.slice(slash + 1)]);
  }
  const described = (entry: BundleEntry): BundleNode => ({
    type: entry.type === 'dir' ? 'directory' : entry.type,
    ...(entry.type === 'symlink' ? {} : { target: entry.type === 'dir' ? 'directory' : 'file' }),
    inside: true,
    ...(entry.type === 'file' ? { executable: (entry.mode & 0o111) !== 0 } : {}),
  });
  /** What a path leads to, links followed: the root, an entry, nothing, or somewhere out of the bundle. */
  const reached = (path: string): BundleNode | 'outside' | undefined => {
    const end = resolveInBundle([], path, byPath);
    if (end.kind === 'absolute' || end.kind === 'outside') return 'outside';
    if (end.kind !== 'inside') return undefined;
    return end.path === '' ? ROOT : described(byPath.get(end.path)!);
  };
  return {
    node(path) {
      if (path === '') return ROOT;
      const slash = path.lastIndexOf('/');
      const folder = resolveInBundle([], slash < 0 ? '' : path.slice(0, slash), byPath);
      if (folder.kind === 'missing') return undefined;
      if (folder.kind !== 'inside') return { type: 'other', inside: false };
      const own = byPath.get([folder.path, path.slice(slash + 1)].filter(Boolean).join('/'));
      if (!own) return undefined;
      if (own.type !== 'symlink') return described(own);
      const target = reached(own.path);
      if (target === 'outside') return { type: 'symlink', inside: false };
      return {
        type: 'symlink',
        inside: true,
        ...(target?.target ? { target: target.target } : {}),
        ...(target?.executable !== undefined ? { executable: target.executable } : {}),
      };
    },
    list(path) {
      const folder = resolveInBundle([], path, byPath);
      if (folder.kind !== 'inside') return undefined;
      if (folder.path !== '' && byPath.get(folder.path)?.type !== 'dir') return undefined;
      return [...(children.get(folder.path) ?? [])].sort();
    },
  };
}
