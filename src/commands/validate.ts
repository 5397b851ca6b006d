import { predictFailure } from '../bundle/appspec/index.js';
import { type LoadedAppSpec, loadAppSpecFromTree } from '../bundle/appspec-fs.js';
import { displayRootOf } from '../bundle/bundle.js';
import { loadCommit } from '../bundle/commit.js';
import { loadArchive } from '../bundle/prebuilt.js';
import { walkSource } from '../bundle/walk.js';
import { bundleTypeOfName, DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/load.js';
import {
  type ArchiveContent,
  BUNDLE_TYPES,
  type BundleType,
  type FolderContent,
  type RevisionSettings,
} from '../config/types.js';
import type { Logger } from '../core/log.js';
import { formatProblem } from '../core/problems.js';
import { oneOf, parseFlags } from './args.js';
import { stderrLogger } from './cli-logger.js';
import { type CommandHandler, UsageError } from './command.js';

/**
 * `validate [--config FILE | --source DIR | --archive FILE [--bundle-type T]]`: checks the appspec of
 * what would be deployed as the CodeDeploy agent reads it, and says where the agent would fail the
 * deployment: the folder (excludes applied), the build's archive (read, not unpacked), or, for GitHub
 * revisions, the checked-out commit as GitHub serves it.
 */
const validate: CommandHandler = async (argv) => {
  const options = parseFlags(argv, {
    config: { type: 'string' },
    source: { type: 'string' },
    archive: { type: 'string' },
    'bundle-type': { type: 'string' },
  });
  const given = (['config', 'source', 'archive'] as const).filter((name) => options[name] !== undefined);
  if (given.length > 1) {
    throw new UsageError(
      `pass one of --config, --source and --archive, not ${given.map((name) => `--${name}`).join(' and ')}: --source and --archive replace the config's revision`,
    );
  }
  const bundleType = oneOf('bundle-type', options['bundle-type'], BUNDLE_TYPES);
  if (bundleType !== undefined && options.archive === undefined)
    throw new UsageError('--bundle-type goes with --archive: it says the archive’s format');
  const what: WhatDeploys = options.source
    ? { kind: 'folder', source: options.source, exclude: [] }
    : options.archive
      ? {
          kind: 'archive',
          archive: options.archive,
          bundleType:
            bundleType ??
            bundleTypeOfName(options.archive) ??
            usage(`say the format of ${options.archive} with --bundle-type zip|tgz|tar`),
        }
      : whatConfigDeploys((await loadConfigFile(options.config ?? DEFAULT_CONFIG_PATH)).config.revision);
  const { problems, file } = await loadWhatDeploys(what, process.cwd(), stderrLogger());
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const counts = [plural(errors, 'error'), plural(warnings, 'warning')].filter(Boolean).join(', ');
  const failure = predictFailure(problems);
  // Where it fails tells what else of the deployment would have run first (ApplicationStop, the copies…).
  const fails = failure
    ? `; on an instance the deployment fails at ${failure.event} (${failure.errorCode})`
    : '';
  process.stdout.write(`${file ?? describe(what)}: ${counts === '' ? 'ok' : counts}${fails}\n`);
  return errors > 0 ? 1 : 0;
};
export default validate;

/** What a revision holds: a folder, the build's archive, or the checked-out commit (GitHub revisions). */
type WhatDeploys =
  | FolderContent
  | (ArchiveContent & { bundleType: BundleType })
  | { kind: 'commit'; allowSecretFiles?: string[] };

function whatConfigDeploys(revision: RevisionSettings): WhatDeploys {
  if (revision.type === 'github') return { kind: 'commit', ...revision };
  const { content, bundleType } = revision;
  return content.kind === 'archive' ? { ...content, bundleType } : content;
}

/** The appspec checks on what the revision holds, wherever it comes from. */
async function loadWhatDeploys(what: WhatDeploys, workspace: string, log: Logger): Promise<LoadedAppSpec> {
  if (what.kind === 'commit')
    return loadCommit(workspace, {
      log,
      ...(what.allowSecretFiles ? { allowSecretFiles: what.allowSecretFiles } : {}),
    });
  if (what.kind === 'archive') {
    const { listing, path: _, ...loaded } = await loadArchive(workspace, what, what.bundleType, log);
    listing.close();
    return loaded;
  }
  // What would be archived: the config's excludes (and the folder's .codedeployignore) applied.
  const { source, exclude } = what;
  const tree = await walkSource({ workspace, source, exclude, log });
  return loadAppSpecFromTree(tree, displayRootOf(workspace, source));
}

function describe(what: WhatDeploys): string {
  if (what.kind === 'commit') return 'the checked-out commit';
  return what.kind === 'archive' ? what.archive : what.source;
}

function usage(message: string): never {
  throw new UsageError(message);
}

function plural(count: number, noun: string): string {
  return count === 0 ? '' : `${count} ${noun}${count === 1 ? '' : 's'}`;
}
