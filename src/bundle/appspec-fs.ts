import { lstatSync, readdirSync, readlinkSync, realpathSync, type Stats, statSync } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errorMessage, type Problem, problem } from '../core/problems.js';
import {
  APPSPEC_MAX_BYTES,
  type AppSpec,
  appSpecTooLarge,
  type BundleEntry,
  type BundleTree,
  findAppSpec,
  validateAppSpec,
} from './appspec.js';

export interface LoadedAppSpec {
  problems: Problem[];
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

  const tree = fileSystemTree(root);
  const found = findAppSpec(tree, displayRoot);
  if (found.name === undefined) return { problems: found.problems };
  const file = displayRoot === '.' ? found.name : `${displayRoot}/${found.name}`;

  const read = await readSmallText(join(root, found.name), file);
  if ('problem' in read) return { problems: [read.problem], file };
  return { ...validateAppSpec({ text: read.text, file, tree }), file };
}

const SOURCE_HINT = 'revision.source in the config (or --source) is a folder relative to the workspace';

/** The size is checked on the open file before reading, so a huge file is never loaded. */
async function readSmallText(path: string, file: string): Promise<{ text: string } | { problem: Problem }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return { problem: problem(`cannot read the appspec: ${errorMessage(error)}`, { file }) };
  }
  try {
    const { size } = await handle.stat();
    if (size > APPSPEC_MAX_BYTES) return { problem: appSpecTooLarge(file, size) };
    const bytes = await handle.readFile();
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return {
        problem: problem('the appspec is not UTF-8 text', { file }, 'save it as UTF-8 (or plain ASCII)'),
      };
    }
  } finally {
    await handle.close();
  }
}

function displayPath(dir: string): string {
  const absolute = resolve(dir);
  const fromCwd = relative(process.cwd(), absolute);
  if (fromCwd === '') return '.';
  if (fromCwd.startsWith('..') || isAbsolute(fromCwd)) return absolute;
  return fromCwd.split(sep).join('/');
}

/**
 * A BundleTree over a real folder. Synchronous because the validator is: it asks about the few paths
 * the appspec names. Symlinks are judged by where they lead, never followed out of the bundle.
 */
function fileSystemTree(root: string): BundleTree {
  const insideRoot = (path: string) => path === root || path.startsWith(root + sep);
  return {
    entry(path: string): BundleEntry | undefined {
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
      try {
        return readdirSync(join(root, path)).sort();
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
