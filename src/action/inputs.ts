import { posix } from 'node:path';
import { parseDuration } from '../config/duration.js';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { safeGroupName } from '../config/naming.js';
import { type Problem, problem, throwIfErrors } from '../core/problems.js';
import { configPaths } from '../deploy/load-config.js';

/** The action's inputs, typed and checked once at the edge; action.yml documents each. */
export interface ActionInputs {
  /** Config files, or folders of them (one application per file), relative to the repository root. */
  config: string[];
  configSource: 'trusted' | 'workspace';
  githubToken: string;
  deploymentGroups: string[];
  awsRegion?: string;
  /** Seconds, false (do not follow), or undefined (the config decides). */
  wait?: number | false;
  dryRun: boolean;
  /** A commit sha whose revision is already in S3: redeploy it without archiving. */
  revision?: string;
  rollback: boolean;
  onReady: 'wait' | 'continue' | 'stop';
  githubDeployments: boolean;
  /** Keep one comment on a pull-request preview up to date. */
  prComment: boolean;
}

export type InputReader = (name: string) => string;

/** Reads and checks every input, reporting all bad ones at once. */
export function readInputs(read: InputReader): ActionInputs {
  const problems: Problem[] = [];
  const get = (name: string) => read(name).trim();
  const bad = (name: string, value: string, expected: string) =>
    problems.push(problem(`input "${name}" is "${value}"`, { file: 'action inputs' }, `write ${expected}`));
  const bool = (name: string, fallback: boolean): boolean => {
    const value = get(name);
    if (value === '') return fallback;
    if (/^(true|True|TRUE)$/.test(value)) return true;
    if (/^(false|False|FALSE)$/.test(value)) return false;
    bad(name, value, 'true or false');
    return fallback;
  };
  const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = get(name);
    if (value === '') return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    bad(name, value, `one of ${allowed.join(', ')}`);
    return fallback;
  };

  const waitText = get('wait');
  let wait: number | false | undefined;
  if (/^(false|False|FALSE)$/.test(waitText)) wait = false;
  else if (waitText !== '') {
    wait = parseDuration(waitText);
    if (wait === undefined) bad('wait', waitText, 'a duration such as 30m, 1h30m or 90s, or false');
  }

  // A group named twice is deployed once.
  const deploymentGroups = [
    ...new Set(
      get('deployment-groups')
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  ];
  for (const group of deploymentGroups) {
    if (safeGroupName(group) !== group)
      bad('deployment-groups', group, 'group names of A-Za-z0-9._+=,@- separated by commas');
  }

  const revision = get('revision');
  if (revision !== '' && !/^[0-9a-f]{7,40}$/i.test(revision))
    bad('revision', revision, 'a commit sha (7 to 40 hex digits)');
  const config = configPaths(get('config'));
  for (const path of config) {
    const normal = posix.normalize(path);
    if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../'))
      bad(
        'config',
        path,
        'a path inside the repository, such as .github/codedeploy.yml or the folder .github/codedeploy/',
      );
  }
  const awsRegion = get('aws-region');
  if (awsRegion !== '' && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(awsRegion))
    bad('aws-region', awsRegion, 'a region such as eu-west-1');

  const inputs: ActionInputs = {
    config: config.length > 0 ? config : [DEFAULT_CONFIG_PATH],
    configSource: choice('config-source', ['trusted', 'workspace'] as const, 'trusted'),
    githubToken: get('github-token'),
    deploymentGroups,
    ...(awsRegion ? { awsRegion } : {}),
    ...(wait !== undefined ? { wait } : {}),
    dryRun: bool('dry-run', false),
    ...(revision ? { revision: revision.toLowerCase() } : {}),
    rollback: bool('rollback', false),
    onReady: choice('on-ready', ['wait', 'continue', 'stop'] as const, 'wait'),
    githubDeployments: bool('github-deployments', true),
    prComment: bool('pr-comment', true),
  };
  if (inputs.rollback && inputs.revision) {
    problems.push(
      problem(
        'inputs "rollback" and "revision" both set',
        { file: 'action inputs' },
        'use one: rollback redeploys the last good revision',
      ),
    );
  }
  throwIfErrors(problems);
  return inputs;
}
