import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const CONFIG = `application: shop
revision: { bucket: acme-artifacts }
defaults:
  autoRollback: [DEPLOYMENT_FAILURE]
branches:
  master: production
  develop:
    deploymentGroups: [staging, test1, test2]
    dispatch: { groups: [production] }
  'feature/*':
    deploymentGroup: feature-{name}
    create: { from: staging }
  'experimental/**': ~
tags:
  'v*': production
pullRequests:
  deploymentGroup: pr-{pr}
  create: { from: staging }
  deleteOnClose: true
`;

let config: string;
let broken: string;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cdg-cli-'));
  config = join(dir, 'codedeploy.yml');
  broken = join(dir, 'broken.yml');
  await writeFile(config, CONFIG);
  await writeFile(
    broken,
    'application: shop\nrevision: { bucket: acme-artifacts }\nbranches:\n  master: 5\n  develop: [a, "b c"]\n',
  );
});

describe('codedeploy-gitops plan', () => {
  it('prints exactly one JSON object in plan order', () => {
    const result = cli(['plan', '--config', config, '--event', 'push', '--ref', 'develop', '--json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).toMatchObject({ skipped: false, reason: null });
    expect(
      plan.deployments.map((d: { deploymentGroup: string; create: boolean }) => [
        d.deploymentGroup,
        d.create,
      ]),
    ).toEqual([
      ['staging', false],
      ['test1', false],
      ['test2', false],
    ]);
  });

  it('prints a readable table', () => {
    const result = cli(['plan', '--config', config, '--event', 'push', '--ref', 'refs/heads/feature/login']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /deploy to 1 deployment group \(parallel\): branch "feature\/login" matches "feature\/\*"/,
    );
    expect(result.stdout).toMatch(/feature-login\s+if missing, from staging/);
  });

  it('a skip exits 0 with the reason', () => {
    const result = cli(['plan', '--config', config, '--event', 'push', '--ref', 'experimental/x', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ skipped: true, deployments: [] });
    expect(JSON.parse(result.stdout).reason).toContain('set to skip');
  });

  it('tags, pull requests and explicit groups', () => {
    const tag = JSON.parse(
      cli(['plan', '--config', config, '--event', 'push', '--ref', 'refs/tags/v2', '--json']).stdout,
    );
    expect(tag.deployments[0].deploymentGroup).toBe('production');
    const closed = JSON.parse(
      cli([
        'plan',
        '--config',
        config,
        '--event',
        'pull_request',
        '--ref',
        'feature/x',
        '--pr',
        '9',
        '--pr-action',
        'closed',
        '--json',
      ]).stdout,
    );
    expect(closed).toMatchObject({
      action: 'teardown',
      deployments: [{ deploymentGroup: 'pr-9', create: true }],
    });
    const groups = JSON.parse(
      cli([
        'plan',
        '--config',
        config,
        '--event',
        'workflow_dispatch',
        '--ref',
        'develop',
        '--groups',
        'test2,production',
        '--json',
      ]).stdout,
    );
    expect(groups.deployments.map((d: { deploymentGroup: string }) => d.deploymentGroup)).toEqual([
      'test2',
      'production',
    ]);
  });

  it('a config error exits 1 with every error as PATH:LINE:COL: message', () => {
    const result = cli(['plan', '--config', broken, '--event', 'push', '--ref', 'master']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${broken}:4:11: branches › master cannot be 5`);
    expect(result.stderr).toContain(`${broken}:5:16: branches › develop › [1] "b c" is not valid`);
    expect(result.stdout).toBe('');
  });

  it.each([
    [['plan', '--config', 'x.yml'], '--event is required'],
    [['plan', '--event', 'push'], '--ref is required'],
    [['plan', '--event', 'release', '--ref', 'x'], '--event must be one of'],
    [['plan', '--event', 'pull_request', '--ref', 'x'], '--pr N'],
    [['plan', '--event', 'push', '--ref', 'x', '--pr', '3'], 'only apply to --event pull_request'],
    [['plan', '--event', 'push', '--ref', 'x', '--bogus'], "Unknown option '--bogus'"],
    [['frobnicate'], 'unknown command "frobnicate"'],
  ])('bad usage %j exits 2', (args, message) => {
    const result = cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('--help documents every command', () => {
    const result = cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'plan [--config FILE] --event push|workflow_dispatch|pull_request|pull_request_target --ref REF',
    );
    for (const command of ['plan', 'validate', 'bundle', 'local', 'emulator']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(cli(['plan', '--help']).stdout).toContain('--pr-action');
  });
});
