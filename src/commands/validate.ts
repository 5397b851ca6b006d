import { predictFailure } from '../bundle/appspec/index.js';
import { loadAppSpecFromTree } from '../bundle/appspec-fs.js';
import { displayRootOf } from '../bundle/bundle.js';
import { walkSource } from '../bundle/walk.js';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/load.js';
import { formatProblem } from '../core/problems.js';
import { parseFlags } from './args.js';
import { stderrLogger } from './cli-logger.js';
import { type CommandHandler, UsageError } from './command.js';

/**
 * `validate [--config FILE] [--source DIR]`: checks the appspec of what would be archived (the
 * folder, excludes applied) as the CodeDeploy agent reads it, and says where the agent would fail
 * the deployment.
 */
const validate: CommandHandler = async (argv) => {
  const options = parseFlags(argv, { config: { type: 'string' }, source: { type: 'string' } });
  if (options.config !== undefined && options.source !== undefined) {
    throw new UsageError(
      'pass --config or --source, not both: --source replaces the config’s revision.source',
    );
  }

  // What would be archived: the config's excludes (and the folder's .codedeployignore) applied.
  const { source, exclude } = options.source
    ? { source: options.source, exclude: [] }
    : (await loadConfigFile(options.config ?? DEFAULT_CONFIG_PATH)).config.revision;
  const workspace = process.cwd();
  const tree = await walkSource({ workspace, source, exclude, log: stderrLogger() });
  const { problems, file } = await loadAppSpecFromTree(tree, displayRootOf(workspace, source));
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const counts = [plural(errors, 'error'), plural(warnings, 'warning')].filter(Boolean).join(', ');
  const failure = predictFailure(problems);
  // Where it fails tells what else of the deployment would have run first (ApplicationStop, the copies…).
  const fails = failure
    ? `; on an instance the deployment fails at ${failure.event} (${failure.errorCode})`
    : '';
  process.stdout.write(`${file ?? source}: ${counts === '' ? 'ok' : counts}${fails}\n`);
  return errors > 0 ? 1 : 0;
};
export default validate;

function plural(count: number, noun: string): string {
  return count === 0 ? '' : `${count} ${noun}${count === 1 ? '' : 's'}`;
}
