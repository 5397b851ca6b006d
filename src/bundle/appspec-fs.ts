import { lstatSync, readdirSync, readlinkSync, realpathSync, type Stats, statSync } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errorMessage, formatProblem, problem } from '../core/problems.js';
import {
  APPSPEC_MAX_BYTES,
  type AppSpec,
  type AppSpecProblem,
  appSpecTooLarge,
  type BundleNode,
  type BundleOrigin,
  type BundleTree,
  checkFoundAppSpec,
  findAppSpec,
  refusedOnRead,
} from './appspec/index.js';
import type { Tree } from './walk.js';
import { walkedTree } from './walked-tree.js';

/** The file-system edge of the appspec checks: the bundle as a BundleTree, the appspec's text. */

export interface LoadedAppSpec {
  problems: AppSpecProblem[];
  /** What the agent reads, when it reads it (see validateAppSpec). */
  appspec?: AppSpec;
  /** Display path of the appspec, when one was found. */
  file?: string;
}

/**
 * Finds, reads and checks the appspec at the root of `sourceDir` (the folder that becomes the bundle).
 * `displayRoot` names that folder in messages; by default it is relative to the working directory (the
 * workspace) when the folder is inside it.
 */
export async function loadAppSpecFromDir(
  sourceDir: string,
  displayRoot = displayPath(sourceDir),
): Promise<LoadedAppSpec> {
  let root: string;
  try {
    root = await realpath(sourceDir);
    if (!(await stat(root)).isDirectory()) {
      return { problems: [problem(`${displayRoot} is not a folder`, { file: displayRoot }, SOURCE_HINT)] };
    }
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      problems: [
        problem(
          missing
            ? `folder ${displayRoot} does not exist`
            : `cannot open ${displayRoot}: ${errorMessage(error)}`,
          { file: displayRoot },
          SOURCE_HINT,
        ),
      ],
    };
  }

  return loadFrom(fileSystemTree(root), fromDisk(root), displayRoot);
}

/**
 * The same checks on what the archive will hold: the walked tree, excludes applied (an appspec or a
 * script an exclude drops is missing, as it will be on the instance). A problem the folder itself
 * does not have comes from an exclude, and its fix says so.
 */
export async function loadAppSpecFromTree(tree: Tree, displayRoot: string): Promise<LoadedAppSpec> {
  const [archived, folder] = await Promise.all([
    loadFrom(walkedTree(tree), fromDisk(tree.root), displayRoot),
    loadFrom(fileSystemTree(tree.root), fromDisk(tree.root), displayRoot),
  ]);
  const inFolder = new Set(folder.problems.map(formatProblem));
  return {
    ...archived,
    problems: archived.problems.map((p) =>
      inFolder.has(formatProblem(p)) ? p : { ...p, hint: `${p.hint ? `${p.hint}; ` : ''}${EXCLUDED_HINT}` },
    ),
  };
}

const EXCLUDED_HINT =
  'the folder has it, but revision.exclude or .codedeployignore leaves it out of the archive: stop excluding it';

/**
 * The same checks on an archive's listing (a pre-built archive, or `git archive` of a commit): the
 * appspec's bytes are read from the archive, never unpacked. `displayRoot` names the archive ('.' for
 * a commit: its files are the checkout's).
 */
export async function loadAppSpecFromListing(
  listing: { tree: BundleTree; read: ReadText },
  displayRoot: string,
  origin: BundleOrigin,
): Promise<LoadedAppSpec> {
  return loadFrom(listing.tree, listing.read, displayRoot, origin);
}

/** The appspec's text at a bundle path, shown as `file` in messages; or why it cannot be read. */
export type ReadText = (path: string, file: string) => Promise<AppSpecText>;
type AppSpecText = { text: string } | { problem: AppSpecProblem };

async function loadFrom(
  bundle: BundleTree,
  read: ReadText,
  displayRoot: string,
  origin: BundleOrigin = 'folder',
): Promise<LoadedAppSpec> {
  const found = findAppSpec(bundle, displayRoot, origin);
  if (found.path === undefined) return { problems: found.problems };
  const file = displayRoot === '.' ? found.path : `${displayRoot}/${found.path}`;
  const text = await read(found.path, file);
  if ('problem' in text) return { problems: [...found.problems, text.problem], file };
  const { problems, appspec } = checkFoundAppSpec(found, text.text, file);
  return { problems, ...(appspec ? { appspec } : {}), file };
}

function fromDisk(root: string): ReadText {
  return (path, file) => readAppSpecText(join(root, path), file);
}

const SOURCE_HINT = 'revision.source in the config (or --source) is a folder relative to the workspace';

/** The appspec's text; the size is checked on the open file before reading, so a huge file is never loaded. */
export async function readAppSpecText(path: string, file: string): Promise<AppSpecText> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return cannotRead(file, `cannot read the appspec: ${errorMessage(error)}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > APPSPEC_MAX_BYTES) return { problem: appSpecTooLarge(file, size) };
    return appSpecText(await handle.readFile(), file);
  } catch (error) {
    return cannotRead(file, `cannot read the appspec: ${errorMessage(error)}`);
  } finally {
    await handle.close();
  }
}

/** The appspec's bytes as text: UTF-8, or a problem the agent fails on too. */
export function appSpecText(bytes: Buffer, file: string): AppSpecText {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return cannotRead(file, 'the appspec is not UTF-8 text', 'save it as UTF-8 (or plain ASCII)');
  }
}

export function cannotRead(file: string, message: string, hint?: string): { problem: AppSpecProblem } {
  return { problem: { ...problem(message, { file }, hint), agent: refusedOnRead(message) } };
}

function displayPath(dir: string): string {
  const absolute = resolve(dir);
  const fromCwd = relative(process.cwd(), absolute);
  if (fromCwd === '') return '.';
  if (fromCwd.startsWith('..') || isAbsolute(fromCwd)) return absolute;
  return fromCwd.split(sep).join('/');
}

/**
 * A BundleTree over a real folder. Synchronous because the checks are: they ask about the paths the
 * appspec names and, for its permissions, what the files section installs. Symlinks are judged by
 * where they lead, never followed out of the bundle.
 */
export function fileSystemTree(root: string): BundleTree {
  const insideRoot = (path: string) => path === root || path.startsWith(root + sep);
  return {
    node(path: string): BundleNode | undefined {
      const absolute = join(root, path);
      let own: Stats;
      try {
        own = lstatSync(absolute);
      } catch {
        return undefined;
      }
      const type = own.isSymbolicLink() ? 'symlink' : kind(own);
      let real: string;
      try {
        real = realpathSync(absolute);
      } catch {
        // A dangling symlink: judge where it would lead by its text.
        const leadsTo = own.isSymbolicLink() ? resolve(dirname(absolute), readlinkSync(absolute)) : absolute;
        return { type, inside: insideRoot(leadsTo) };
      }
      const target = statSync(real);
      return {
        type,
        target: kind(target),
        inside: insideRoot(real),
        ...(process.platform === 'win32' ? {} : { executable: (target.mode & 0o111) !== 0 }),
      };
    },
    list(path: string): string[] | undefined {
      const absolute = join(root, path);
      try {
        // A folder linked from inside the bundle is listed; one outside it is not the bundle's.
        if (!insideRoot(realpathSync(absolute))) return undefined;
        return readdirSync(absolute).sort();
      } catch {
        return undefined;
      }
    },
  };
}

function kind(stats: Stats): 'file' | 'directory' | 'other' {
  if (stats.isDirectory()) return 'directory';
  return stats.isFile() ? 'file' : 'other';
}
