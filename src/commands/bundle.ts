import { existsSync } from 'node:fs';
import { writeBundleToFile } from '../bundle/bundle.js';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/load.js';
import { BUNDLE_TYPES, type RevisionSettings } from '../config/types.js';
import { formatBytes } from '../core/format.js';
import { oneOf, parseFlags } from './args.js';
import { stderrLogger } from './cli-logger.js';
import { type CommandHandler, UsageError } from './command.js';

type BundleSettings = Pick<RevisionSettings, 'source' | 'exclude' | 'bundleType' | 'allowSecretFiles'>;

/** `bundle [--config FILE] [--source DIR] [--bundle-type zip|tgz|tar] --out FILE [--json]`: the archive, locally. */
const bundle: CommandHandler = async (argv) => {
  const values = parseFlags(argv, {
    config: { type: 'string' },
    source: { type: 'string' },
    'bundle-type': { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.out) throw new UsageError('--out FILE is required');
  const bundleType = oneOf('bundle-type', values['bundle-type'], BUNDLE_TYPES);
  // The default config is used when it exists; --source alone bundles a folder without one.
  const configPath = values.config ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  const fromConfig: Partial<BundleSettings> = configPath
    ? (await loadConfigFile(configPath)).config.revision
    : {};
  const revision: BundleSettings = {
    source: values.source ?? fromConfig.source ?? '.',
    exclude: fromConfig.exclude ?? [],
    ...(fromConfig.allowSecretFiles ? { allowSecretFiles: fromConfig.allowSecretFiles } : {}),
    bundleType: bundleType ?? fromConfig.bundleType ?? 'zip',
  };
  const result = await writeBundleToFile({
    workspace: process.cwd(),
    revision,
    out: values.out,
    log: stderrLogger(),
  });
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ digest: result.digest, bytes: result.bytes, files: result.files, bundleType: result.bundleType })}\n`
      : `wrote ${values.out}: ${result.bundleType}, ${result.files} files, ${formatBytes(result.bytes)}, digest ${result.digest}\n`,
  );
  return 0;
};
export default bundle;
