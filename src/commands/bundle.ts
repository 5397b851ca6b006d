import { existsSync } from 'node:fs';
import {
  type BundleFileResult,
  type BundleSettings,
  writeBundleToFile,
  writeRevision,
} from '../bundle/bundle.js';
import { preparePrebuilt } from '../bundle/prebuilt.js';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/load.js';
import { BUNDLE_TYPES, type RevisionSettings } from '../config/types.js';
import { formatBytes } from '../core/format.js';
import { oneOf, parseFlags } from './args.js';
import { stderrLogger } from './cli-logger.js';
import { type CommandHandler, UsageError } from './command.js';

/**
 * `bundle [--config FILE] [--source DIR] [--bundle-type zip|tgz|tar] --out FILE [--json]`: the archive,
 * locally. With `revision.archive` in the config (and no --source), the build's archive is checked
 * as the action checks it and its digest printed; --out then copies it.
 */
const bundle: CommandHandler = async (argv) => {
  const values = parseFlags(argv, {
    config: { type: 'string' },
    source: { type: 'string' },
    'bundle-type': { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const bundleType = oneOf('bundle-type', values['bundle-type'], BUNDLE_TYPES);
  // The default config is used when it exists; --source alone bundles a folder without one.
  const configPath = values.config ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  const fromConfig = configPath ? (await loadConfigFile(configPath)).config.revision : undefined;
  const log = stderrLogger();
  const workspace = process.cwd();
  let result: BundleFileResult;
  let checked: string;
  if (fromConfig?.type === 's3' && fromConfig.content.kind === 'archive' && values.source === undefined) {
    if (bundleType !== undefined)
      throw new UsageError(
        '--bundle-type applies to a folder: the archive is as revision.archive and bundleType say',
      );
    const { content } = fromConfig;
    result = await writeRevision(
      await preparePrebuilt(workspace, content, fromConfig.bundleType, log),
      values.out,
    );
    checked = values.out ? `${content.archive}, copied to ${values.out}` : content.archive;
  } else {
    if (!values.out) throw new UsageError('--out FILE is required');
    result = await writeBundleToFile({
      workspace,
      revision: folderSettings(fromConfig, values.source, bundleType),
      out: values.out,
      log,
    });
    checked = `wrote ${values.out}`;
  }
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ digest: result.digest, bytes: result.bytes, files: result.files, bundleType: result.bundleType })}\n`
      : `${checked}: ${result.bundleType}, ${result.files} files, ${formatBytes(result.bytes)}, digest ${result.digest}\n`,
  );
  return 0;
};
export default bundle;

/** The folder to archive: --source, else the config's folder, else the current folder. */
function folderSettings(
  revision: RevisionSettings | undefined,
  source: string | undefined,
  bundleType: BundleSettings['bundleType'] | undefined,
): BundleSettings {
  if (revision?.type === 'github' && source === undefined) {
    throw new UsageError(
      'the config deploys GitHub revisions: GitHub makes the archive from the commit (check it with validate), or pass --source DIR',
    );
  }
  const s3 = revision?.type === 's3' ? revision : undefined;
  const folder = s3?.content.kind === 'folder' ? s3.content : undefined;
  return {
    source: source ?? folder?.source ?? '.',
    exclude: folder?.exclude ?? [],
    ...(folder?.allowSecretFiles ? { allowSecretFiles: folder.allowSecretFiles } : {}),
    bundleType: bundleType ?? s3?.bundleType ?? 'zip',
  };
}
