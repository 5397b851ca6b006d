import { readdir, stat } from 'node:fs/promises';
import { posix, resolve } from 'node:path';
import { loadConfigFile, parseConfigOrThrow } from '../config/load.js';
import { chooseConfigSource } from '../config/source.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../core/log.js';
import { problem, UserError } from '../core/problems.js';
import type { Trigger } from '../event/trigger.js';
import type { RunEdges } from './ports.js';

export interface ConfigLocation {
  /**
   * Relative to the repository root: config files, or folders whose every `*.yml` is one (one
   * application each).
   */
  paths: string[];
  /** trusted: from the default branch unless the run is on it; workspace: the checked-out copy. */
  source: 'trusted' | 'workspace';
}

const CONFIG_FILE = /\.ya?ml$/;

/**
 * The maps the run may trust (src/config/source.ts decides which copy), one per application, in the
 * order given (a folder's files by name), with their warnings logged. Two files may not name the same
 * application: which one's map would count?
 */
export async function loadTrustedConfigs(
  location: ConfigLocation,
  workspace: string,
  trigger: Trigger,
  edges: Pick<RunEdges, 'log' | 'fetchConfig'>,
): Promise<Config[]> {
  const source = chooseConfigSource(trigger, location.source);
  const shown = location.paths.join(', ');
  if (source.kind === 'workspace') {
    edges.log.info(`Config: ${shown} from the workspace (${source.why})`);
    return loadWorkspaceConfigs(workspace, location.paths, edges.log);
  }
  edges.log.info(`Config: ${shown} from the default branch "${source.branch}" (${source.why})`);
  const { owner, name } = trigger.repository;
  const fetch = (path: string) => edges.fetchConfig({ owner, repo: name, path, branch: source.branch });
  const configs: Config[] = [];
  const seen = new Set<string>();
  for (const path of location.paths) {
    const found = await fetch(path);
    const files =
      typeof found === 'string'
        ? [{ path, text: found }]
        : await Promise.all(
            folderFiles(path, found.folder, `${path}@${source.branch}`).map(async (file) => ({
              path: file,
              text: await fetch(file),
            })),
          );
    for (const file of files) {
      // A file named and also in a named folder is one application, loaded once.
      if (!firstTime(seen, posix.normalize(file.path))) continue;
      if (typeof file.text !== 'string') throw notAFile(`${file.path}@${source.branch}`);
      const loaded = parseConfigOrThrow(file.text, `${file.path}@${source.branch}`);
      for (const warning of loaded.warnings) edges.log.warn(warning);
      configs.push(loaded.config);
    }
  }
  refuseTwice(configs);
  return configs;
}

/**
 * The checked-out maps (`local`, `plan`, `config-source: workspace`): each path a config file or a
 * folder of them, relative to the workspace; warnings logged.
 */
export async function loadWorkspaceConfigs(
  workspace: string,
  paths: readonly string[],
  log: Pick<Logger, 'warn'>,
): Promise<Config[]> {
  const configs: Config[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    for (const file of await workspaceFiles(workspace, path)) {
      if (!firstTime(seen, resolve(workspace, file))) continue;
      const loaded = await loadConfigFile(resolve(workspace, file), file);
      for (const warning of loaded.warnings) log.warn(warning);
      configs.push(loaded.config);
    }
  }
  refuseTwice(configs);
  return configs;
}

function firstTime(seen: Set<string>, file: string): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  return true;
}

/** `a.yml,b.yml` or one per line, as the `config` input and `--config` take them; each once. */
export function configPaths(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((path) => path.trim())
        .filter(Boolean),
    ),
  ];
}

async function workspaceFiles(workspace: string, path: string): Promise<string[]> {
  const isFolder = await stat(resolve(workspace, path)).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isFolder) return [path];
  // Files only, as GitHub's listing of the trusted folder has them: not folders, not symlinks.
  const entries = await readdir(resolve(workspace, path), { withFileTypes: true });
  return folderFiles(
    path,
    entries.filter((entry) => entry.isFile()).map((entry) => entry.name),
    path,
  );
}

/** A folder's config files: every `*.yml` (or `*.yaml`) in it, by name; none is an error. */
function folderFiles(folder: string, names: string[], shown: string): string[] {
  const files = names.filter((name) => CONFIG_FILE.test(name)).sort();
  if (files.length === 0) {
    throw new UserError(
      problem(
        'the config folder holds no *.yml file',
        { file: shown },
        'put one config file per application in it, or point "config" at a file',
      ),
    );
  }
  return files.map((name) => posix.join(folder, name));
}

function notAFile(shown: string): UserError {
  return new UserError(
    problem(
      'is a folder inside the config folder',
      { file: shown },
      'keep the config files at its top level',
    ),
  );
}

function refuseTwice(configs: Config[]): void {
  const seen = new Map<string, Config>();
  for (const config of configs) {
    const earlier = seen.get(config.application);
    if (earlier) {
      throw new UserError(
        problem(
          `application "${config.application}" is mapped twice, here and in ${earlier.file}`,
          { file: config.file },
          'keep one config file per application',
        ),
      );
    }
    seen.set(config.application, config);
  }
}
