import { join } from 'node:path';
import { loadConfigFile, parseConfigOrThrow } from '../config/load.js';
import { chooseConfigSource } from '../config/source.js';
import type { Config } from '../config/types.js';
import type { Trigger } from '../event/trigger.js';
import type { RunEdges } from './ports.js';

export interface ConfigLocation {
  /** Relative to the repository root. */
  path: string;
  /** trusted: from the default branch unless the run is on it; workspace: the checked-out copy. */
  source: 'trusted' | 'workspace';
}

/** The branch→group map the run may trust (src/config/source.ts decides which copy), with its warnings logged. */
export async function loadTrustedConfig(
  location: ConfigLocation,
  workspace: string,
  trigger: Trigger,
  edges: Pick<RunEdges, 'log' | 'fetchConfig'>,
): Promise<Config> {
  const source = chooseConfigSource(trigger, location.source);
  const { path } = location;
  let loaded: Awaited<ReturnType<typeof loadConfigFile>>;
  if (source.kind === 'workspace') {
    edges.log.info(`Config: ${path} from the workspace (${source.why})`);
    loaded = await loadConfigFile(join(workspace, path), path);
  } else {
    edges.log.info(`Config: ${path} from the default branch "${source.branch}" (${source.why})`);
    const { owner, name } = trigger.repository;
    const text = await edges.fetchConfig({ owner, repo: name, path, branch: source.branch });
    loaded = parseConfigOrThrow(text, `${path}@${source.branch}`);
  }
  for (const warning of loaded.warnings) edges.log.warn(warning);
  return loaded.config;
}
