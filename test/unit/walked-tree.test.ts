import { describe, expect, it } from 'vitest';
import type { BundleEntry, Tree } from '../../src/bundle/walk.js';
import { walkedTree } from '../../src/bundle/walked-tree.js';

const file = (path: string, mode = 0o644): BundleEntry => ({ path, type: 'file', mode, size: 1 });
const dir = (path: string): BundleEntry => ({ path, type: 'dir', mode: 0o755, size: 0 });
const link = (path: string, linkTarget: string): BundleEntry => ({
  path,
  type: 'symlink',
  mode: 0o777,
  size: 0,
  linkTarget,
});

// What the walk kept (excludes applied): scripts/excluded.sh is on disk, not in the archive.
const tree: Tree = {
  root: '/ws/app',
  prefix: 'app/',
  entries: [
    file('appspec.yml'),
    dir('scripts'),
    file('scripts/start.sh', 0o755),
    file('scripts/notes.txt'),
    link('current', 'scripts'),
    link('start', 'scripts/start.sh'),
    link('dangling', 'scripts/excluded.sh'),
  ],
};
const bundle = walkedTree(tree);

describe('the walked tree as the appspec checks see the bundle', () => {
  it('holds what the walk kept, and nothing it left out', () => {
    expect(bundle.node('appspec.yml')).toMatchObject({ type: 'file', target: 'file', inside: true });
    expect(bundle.node('scripts/excluded.sh')).toBeUndefined();
    expect(bundle.node('')).toMatchObject({ type: 'directory' });
  });

  it('tells executable files from the others by their mode', () => {
    expect(bundle.node('scripts/start.sh')?.executable).toBe(true);
    expect(bundle.node('scripts/notes.txt')?.executable).toBe(false);
  });

  it('follows links inside the bundle, through folders too; a link to what was left out dangles', () => {
    expect(bundle.node('start')).toMatchObject({ type: 'symlink', target: 'file', executable: true });
    expect(bundle.node('current')).toMatchObject({ type: 'symlink', target: 'directory' });
    expect(bundle.node('current/start.sh')).toMatchObject({ type: 'file', executable: true });
    expect(bundle.node('dangling')).toEqual({ type: 'symlink', inside: true });
  });

  it('lists folders, sorted, a linked folder as its target', () => {
    expect(bundle.list('')).toEqual(['appspec.yml', 'current', 'dangling', 'scripts', 'start']);
    expect(bundle.list('current')).toEqual(['notes.txt', 'start.sh']);
    expect(bundle.list('appspec.yml')).toBeUndefined();
    expect(bundle.list('nowhere')).toBeUndefined();
  });
});
