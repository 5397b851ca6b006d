import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatBytes, writeBundleToFile } from '../bundle/bundle.js';
import type { BundleType, RevisionSettings } from '../config/types.js';
import type { Logger } from '../core/log.js';
import { formatProblem, problem, throwIfErrors, UserError } from '../core/problems.js';
import { parseYamlSource } from '../core/yaml-source.js';
import { type CommandHandler, UsageError } from './command.js';

const BUNDLE_TYPES: readonly BundleType[] = ['zip', 'tgz', 'tar'];

type BundleSettings = Pick<RevisionSettings, 'source' | 'exclude' | 'bundleType'>;

/** `bundle [--config FILE] [--source DIR] [--bundle-type zip|tgz|tar] --out FILE [--json]`: the archive, locally. */
const bundle: CommandHandler = async (argv) => {
  let values: { config?: string; source?: string; 'bundle-type'?: string; out?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        source: { type: 'string' },
        'bundle-type': { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.out) throw new UsageError('--out FILE is required');
  const bundleType = values['bundle-type'];
  if (bundleType !== undefined && !BUNDLE_TYPES.includes(bundleType as BundleType)) {
    throw new UsageError(`--bundle-type must be one of ${BUNDLE_TYPES.join(', ')}, not "${bundleType}"`);
  }
  const fromConfig = values.config ? await readRevisionSettings(values.config) : {};
  const revision: BundleSettings = {
    source: values.source ?? fromConfig.source ?? '.',
    exclude: fromConfig.exclude ?? [],
    bundleType: (bundleType as BundleType | undefined) ?? fromConfig.bundleType ?? 'zip',
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

/**
 * Reads `revision.source`, `revision.exclude` and `revision.bundleType` from the config file.
 * Stand-in until the config loader (src/config/load.ts) lands: then this becomes `(await loadConfigFile(path)).revision`.
 */
async function readRevisionSettings(path: string): Promise<Partial<BundleSettings>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(problem(`cannot read the config file: ${(error as Error).message}`, { file: path }));
  }
  const { source, problems } = parseYamlSource(text, path);
  throwIfErrors(problems);
  const revision = (source.value as { revision?: Record<string, unknown> } | undefined)?.revision ?? {};
  const { source: dir, exclude, bundleType } = revision;
  const wrong = (field: string, expected: string) =>
    problem(`revision.${field} must be ${expected}`, source.locate(['revision', field]));
  throwIfErrors([
    ...(dir !== undefined && typeof dir !== 'string' ? [wrong('source', 'a folder path')] : []),
    ...(exclude !== undefined &&
    !(Array.isArray(exclude) && exclude.every((item) => typeof item === 'string'))
      ? [wrong('exclude', 'a list of patterns')]
      : []),
    ...(bundleType !== undefined && !BUNDLE_TYPES.includes(bundleType as BundleType)
      ? [wrong('bundleType', BUNDLE_TYPES.join(' | '))]
      : []),
  ]);
  return {
    ...(typeof dir === 'string' ? { source: dir } : {}),
    ...(Array.isArray(exclude) ? { exclude: exclude as string[] } : {}),
    ...(typeof bundleType === 'string' ? { bundleType: bundleType as BundleType } : {}),
  };
}

/** Progress and warnings go to stderr so stdout stays the result (parseable with --json). */
function stderrLogger(): Logger {
  const write = (line: string) => process.stderr.write(`${line}\n`);
  return {
    info: write,
    debug: () => undefined,
    warn: (message) => write(typeof message === 'string' ? `warning: ${message}` : formatProblem(message)),
    error: (message) => write(typeof message === 'string' ? `error: ${message}` : formatProblem(message)),
    group: (title, body) => {
      write(title);
      return body();
    },
  };
}
