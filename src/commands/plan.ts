import { formatDuration } from '../config/duration.js';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/load.js';
import { formatProblem } from '../core/problems.js';
import {
  type GitRef,
  PULL_REQUEST_ACTIONS,
  parseRef,
  SUPPORTED_EVENTS,
  type Trigger,
} from '../event/trigger.js';
import { type Plan, planDeployments, planToJson } from '../plan/plan.js';
import { oneOf, parseFlags } from './args.js';
import { type CommandHandler, UsageError } from './command.js';

const plan: CommandHandler = async (argv) => {
  const flags = parseFlags(argv, {
    config: { type: 'string', default: DEFAULT_CONFIG_PATH },
    event: { type: 'string' },
    ref: { type: 'string' },
    pr: { type: 'string' },
    'pr-action': { type: 'string' },
    sha: { type: 'string' },
    groups: { type: 'string' },
    repo: { type: 'string' },
    fork: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const trigger = triggerFromFlags(flags);
  const { config, warnings } = await loadConfigFile(flags.config);
  for (const w of warnings) process.stderr.write(`${formatProblem(w)}\n`);
  const groups = flags.groups
    ?.split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const result = planDeployments(config, trigger, groups ? { groups } : {});
  process.stdout.write(flags.json ? `${JSON.stringify(planToJson(result))}\n` : renderPlan(result));
  return 0;
};
export default plan;

interface PlanFlags {
  event?: string;
  ref?: string;
  pr?: string;
  'pr-action'?: string;
  sha?: string;
  repo?: string;
  fork?: boolean;
}

function triggerFromFlags(flags: PlanFlags): Trigger {
  const event = oneOf('event', flags.event, SUPPORTED_EVENTS);
  if (!event) throw new UsageError(`--event is required (${SUPPORTED_EVENTS.join(', ')})`);
  if (!flags.ref) throw new UsageError('--ref is required (a branch such as develop, or refs/tags/v1.2.0)');
  const [owner = 'local', name = 'repo'] = (flags.repo ?? 'local/repo').split('/');
  const common = { sha: flags.sha ?? '', repository: { owner, name } };
  if (event === 'pull_request' || event === 'pull_request_target') {
    if (!flags.pr || !/^[1-9]\d*$/.test(flags.pr))
      throw new UsageError('--pr N (a pull request number) is required');
    const headRef = refFromFlag(flags.ref);
    return {
      ...common,
      event,
      action: oneOf('pr-action', flags['pr-action'], PULL_REQUEST_ACTIONS) ?? 'opened',
      number: Number(flags.pr),
      headRef: headRef.name,
      headSha: common.sha,
      baseRef: 'main',
      fork: flags.fork === true,
    };
  }
  if (flags.pr || flags['pr-action'])
    throw new UsageError('--pr and --pr-action only apply to --event pull_request');
  return event === 'push'
    ? { ...common, event, ref: refFromFlag(flags.ref), deleted: false }
    : { ...common, event, ref: refFromFlag(flags.ref) };
}

/** `develop` is a branch; `refs/heads/…` and `refs/tags/…` say what they are. */
function refFromFlag(ref: string): GitRef {
  if (ref.startsWith('refs/')) {
    const parsed = parseRef(ref);
    if (!parsed) throw new UsageError(`--ref "${ref}" is neither refs/heads/… nor refs/tags/…`);
    return parsed;
  }
  return { type: 'branch', name: ref };
}

export function renderPlan(result: Plan): string {
  if (result.skipped) return `skip: ${result.reason}\n`;
  const verb = result.action === 'teardown' ? 'tear down' : 'deploy to';
  const count = `${result.deployments.length} deployment group${result.deployments.length === 1 ? '' : 's'}`;
  const header = `${verb} ${count} (${result.strategy}): ${result.matched}`;
  const rows = result.deployments.map((d) => [
    d.deploymentGroup,
    d.create ? `if missing, from ${d.createFrom}` : 'no',
    d.deploymentConfig ?? "(group's)",
    d.autoRollback === undefined ? "(group's)" : d.autoRollback === false ? 'off' : d.autoRollback.join(','),
    d.wait === false ? 'no' : formatDuration(d.wait),
    d.onActiveDeployment,
    d.fileExistsBehavior,
  ]);
  const table = [
    ['GROUP', 'CREATE', 'DEPLOYMENT CONFIG', 'AUTO ROLLBACK', 'WAIT', 'IF ACTIVE', 'FILE EXISTS'],
    ...rows,
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const lines = table.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  return `${header}\n\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}
