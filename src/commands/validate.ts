import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadAppSpecFromDir } from '../bundle/appspec-fs.js';
import { errorMessage, formatProblem, problem, throwIfErrors, UserError } from '../core/problems.js';
import { parseYamlSource } from '../core/yaml-source.js';
import { type CommandHandler, UsageError } from './command.js';

const DEFAULT_CONFIG = '.github/codedeploy.yml';

/** `validate [--config FILE] [--source DIR]`: checks the appspec of the folder that would be archived. */
const validate: CommandHandler = async (argv) => {
  let options: { config?: string; source?: string };
  try {
    options = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, source: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (options.config !== undefined && options.source !== undefined) {
    throw new UsageError(
      'pass --config or --source, not both: --source replaces the config’s revision.source',
    );
  }

  const source = options.source ?? (await revisionSource(options.config ?? DEFAULT_CONFIG));
  const { problems, file } = await loadAppSpecFromDir(source);
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const counts = [plural(errors, 'error'), plural(warnings, 'warning')].filter(Boolean).join(', ');
  process.stdout.write(`${file ?? source}: ${counts === '' ? 'ok' : counts}\n`);
  return errors > 0 ? 1 : 0;
};
export default validate;

function plural(count: number, noun: string): string {
  return count === 0 ? '' : `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * `revision.source` of the config file (relative to the workspace; '.' when not written). Reads only
 * that key, so the command works on its own; the full config loader (src/config/load.ts) replaces it.
 */
async function revisionSource(configPath: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(
      problem(
        missing ? 'config file not found' : `cannot read the config file: ${errorMessage(error)}`,
        { file: configPath },
        'pass --config FILE, or --source DIR to check a folder without a config',
      ),
    );
  }
  const { source, problems } = parseYamlSource(text, configPath);
  throwIfErrors(problems);
  const revision = (source.value as { revision?: { source?: unknown } } | null)?.revision;
  const folder = typeof revision === 'object' && revision !== null ? revision.source : undefined;
  if (folder === undefined) return '.';
  if (typeof folder === 'string' && folder.trim() !== '') return folder;
  throw new UserError(
    problem(
      'revision.source must be a folder path relative to the workspace',
      source.locate(['revision', 'source']),
      'e.g. source: app (or leave it out to archive the whole workspace)',
    ),
  );
}
