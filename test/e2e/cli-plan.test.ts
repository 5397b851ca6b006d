import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
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
    deleteOnBranchDelete: true
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

  it("accepts a pull_request run's GITHUB_REF (refs/pull/N/merge), and its head branch as --head-ref", () => {
    const plan = (...args: string[]) =>
      cli(['plan', '--config', config, '--event', 'pull_request', '--ref', 'refs/pull/42/merge', ...args]);
    const merge = plan('--json');
    expect(merge.code).toBe(0);
    expect(
      JSON.parse(merge.stdout).deployments.map((d: { deploymentGroup: string }) => d.deploymentGroup),
    ).toEqual(['pr-42']);
    expect(plan('--pr', '42').code).toBe(0);
    const other = plan('--pr', '7');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--pr 7 and --ref refs/pull/42/merge name different pull requests');
    const { stdout } = plan('--head-ref', 'feature/x', '--json');
    expect(JSON.parse(stdout).deployments[0].deploymentGroup).toBe('pr-42');
  });

  it('skips a pull request action that neither deploys nor tears down, as docs/config.md says', () => {
    const args = ['plan', '--config', config, '--event', 'pull_request', '--ref', 'feature/x', '--pr', '9'];
    const labeled = cli([...args, '--pr-action', 'labeled']);
    expect(labeled.code).toBe(0);
    expect(labeled.stdout).toBe(
      'skip: pull request #9 was "labeled", which neither deploys nor tears down a preview\n',
    );
    expect(cli([...args, '--pr-action', 'ready_for_review']).code).toBe(0);
    expect(cli([...args, '--pr-action', 'Labeled!']).code).toBe(2);
  });

  it('a teardown shows what happens to each group, not deployment settings', () => {
    const result = cli([
      'plan',
      ...['--config', config, '--event', 'pull_request', '--ref', 'feature/x', '--pr', '9'],
      ...['--pr-action', 'closed'],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'tear down 1 deployment group: pull request #9 (closed)',
        '',
        '  GROUP  ENVIRONMENT  ON CLOSE',
        '  pr-9   pr-9         stop its deployments, delete it if codedeploy-gitops created it',
        '',
      ].join('\n'),
    );
  });

  describe('--event-file: a saved event payload, planned as the action plans it', () => {
    const planOf = (file: string, ...args: string[]) => {
      const result = cli(['plan', '--config', config, '--event-file', file, '--json', ...args]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout);
    };
    const groupsOf = (plan: { deployments: Array<{ deploymentGroup: string }> }) =>
      plan.deployments.map((d) => d.deploymentGroup);

    it.each([
      ['push-develop.json', ['staging', 'test1', 'test2']],
      ['workflow-run-develop.json', ['staging', 'test1', 'test2']],
      ['release-v1.2.0.json', ['production']],
    ])('examples/events/%s (its event guessed from its shape) deploys to %j', (file, groups) => {
      const plan = planOf(`examples/events/${file}`);
      expect(plan).toMatchObject({ skipped: false, reason: null, action: 'deploy' });
      expect(groupsOf(plan)).toEqual(groups);
    });

    it('a deleted branch whose entry says deleteOnBranchDelete: a teardown, as JSON and as a table', () => {
      const file = 'examples/events/delete-feature-login.json';
      expect(planOf(file)).toMatchObject({
        skipped: false,
        action: 'teardown',
        deployments: [{ deploymentGroup: 'feature-login', create: true }],
      });
      expect(cli(['plan', '--config', config, '--event-file', file]).stdout).toBe(
        [
          'tear down 1 deployment group: branch "feature/login" (deleted) matches "feature/*" (' +
            `${config}:10:3)`,
          '',
          '  GROUP          ENVIRONMENT    ON DELETE',
          '  feature-login  feature-login  stop its deployments, delete it if codedeploy-gitops created it',
          '',
        ].join('\n'),
      );
    });

    it('the event named, the commit and the repository given: a pull_request_target is refused, {shortSha} filled', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cdg-cli-'));
      const pr = join(dir, 'pr.json');
      await writeFile(
        pr,
        JSON.stringify({
          action: 'opened',
          number: 5,
          pull_request: {
            number: 5,
            head: { ref: 'feature/x', sha: 'c'.repeat(40), repo: { full_name: 'acme/shop' } },
            base: { ref: 'master', repo: { full_name: 'acme/shop' } },
          },
        }),
      );
      expect(groupsOf(planOf(pr, '--repo', 'acme/shop'))).toEqual(['pr-5']);
      const target = cli([
        'plan',
        '--config',
        config,
        '--event-file',
        pr,
        '--event',
        'pull_request_target',
        '--repo',
        'acme/shop',
      ]);
      expect(target.code).toBe(1);
      expect(target.stderr).toContain(
        "arrived through pull_request_target, which runs with this repository's secrets: refused",
      );
      const values = join(dir, 'values.yml');
      await writeFile(
        values,
        "application: shop\nrevision: { bucket: acme-artifacts }\ntags:\n  'v*': release-{shortSha}\n",
      );
      const release = (...args: string[]) =>
        cli([
          'plan',
          '--config',
          values,
          '--event-file',
          'examples/events/release-v1.2.0.json',
          '--json',
          ...args,
        ]);
      expect(release().stderr).toContain('has no value for this event (pass --sha with the commit)');
      expect(JSON.parse(release('--sha', 'abcdef0123').stdout).deployments[0].deploymentGroup).toBe(
        'release-abcdef0',
      );
    });

    it('a finished run that failed, or came from a fork, is a skip', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cdg-cli-'));
      const saved = JSON.parse(await readFile('examples/events/workflow-run-develop.json', 'utf8'));
      const variant = async (name: string, run: Record<string, unknown>) => {
        const file = join(dir, name);
        await writeFile(file, JSON.stringify({ ...saved, workflow_run: { ...saved.workflow_run, ...run } }));
        return planOf(file);
      };
      expect((await variant('failed.json', { conclusion: 'failure' })).reason).toContain('ended "failure"');
      expect(
        (await variant('fork.json', { event: 'pull_request', head_repository: { full_name: 'x/y' } })).reason,
      ).toContain('came from another repository (a fork)');
    });

    it('a payload that is not an event is an error naming the file', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cdg-cli-'));
      const file = join(dir, 'create.json');
      await writeFile(
        file,
        JSON.stringify({
          ref: 'x',
          ref_type: 'branch',
          master_branch: 'main',
          repository: { full_name: 'a/b' },
        }),
      );
      const result = cli(['plan', '--config', config, '--event-file', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `${file}: the "create" event is not supported (trigger the workflow with push, workflow_dispatch, pull_request, pull_request_target, workflow_run, release, delete)\n`,
      );
    });
  });

  it('--ref quick forms of the other events: a successful push run, a published release, a deletion', () => {
    const plan = (...args: string[]) =>
      JSON.parse(cli(['plan', '--config', config, '--json', ...args]).stdout);
    expect(plan('--event', 'workflow_run', '--ref', 'develop').deployments).toHaveLength(3);
    expect(plan('--event', 'release', '--ref', 'v2.0.0').deployments[0].deploymentGroup).toBe('production');
    expect(plan('--event', 'delete', '--ref', 'feature/x')).toMatchObject({
      action: 'teardown',
      deployments: [{ deploymentGroup: 'feature-x' }],
    });
    expect(plan('--event', 'delete', '--ref', 'refs/tags/v2.0.0')).toMatchObject({ skipped: true });
  });

  it('a template needing the commit, the repository or the head branch says which flag gives it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cdg-cli-'));
    const file = join(dir, 'values.yml');
    await writeFile(
      file,
      "application: shop\nrevision: { bucket: acme-artifacts }\nbranches:\n  'build/*': b-{shortSha}\n  'repo/*': r-{repo}\npullRequests:\n  deploymentGroup: pr-{branch}\n",
    );
    const plan = (...args: string[]) => cli(['plan', '--config', file, '--json', ...args]);
    const noSha = plan('--event', 'push', '--ref', 'build/x');
    expect(noSha.code).toBe(1);
    expect(noSha.stderr).toBe(
      `${file}:4:3: "{shortSha}" in "b-{shortSha}" has no value for this event (pass --sha with the commit)\n`,
    );
    const withSha = plan('--event', 'push', '--ref', 'build/x', '--sha', 'abcdef0123456789');
    expect(JSON.parse(withSha.stdout).deployments[0].deploymentGroup).toBe('b-abcdef0');
    // Without --repo, {repo} is not made up.
    expect(plan('--event', 'push', '--ref', 'repo/x').stderr).toContain('(pass --repo OWNER/NAME)');
    const withRepo = plan('--event', 'push', '--ref', 'repo/x', '--repo', 'acme/shop');
    expect(JSON.parse(withRepo.stdout).deployments[0].deploymentGroup).toBe('r-shop');
    expect(plan('--event', 'push', '--ref', 'repo/x', '--repo', 'shop').code).toBe(2);
    const noBranch = plan('--event', 'pull_request', '--ref', 'refs/pull/3/merge');
    expect(noBranch.stderr).toContain("(pass --head-ref with the pull request's head branch");
    const { stdout } = plan('--event', 'pull_request', '--ref', 'refs/pull/3/merge', '--head-ref', 'feat/a');
    expect(JSON.parse(stdout).deployments[0].deploymentGroup).toBe('pr-feat-a');
  });

  it.each([
    [
      "  'feature/*': {branch}-preview\n",
      "5:24: YAML syntax: Unexpected scalar at node end (quote values that hold {placeholders}: write 'feature/*': '{branch}-preview')",
    ],
    [
      "  'feature/*': {branch}\n",
      `5:16: {branch} is not quoted, so YAML reads it as a mapping, not as the text "{branch}" (quote values that hold {placeholders}: write 'feature/*': '{branch}')`,
    ],
    [
      '  master: "production\n  develop: staging\n',
      '5:11: YAML syntax: the " opened here is never closed, so the value runs to the end of the file (end the value with " on this line)',
    ],
  ])('a YAML mistake in %j is reported where it is, with the fix', async (branches, expected) => {
    const dir = await mkdtemp(join(tmpdir(), 'cdg-cli-'));
    const file = join(dir, 'codedeploy.yml');
    await writeFile(
      file,
      `application: shop\nrevision: { bucket: acme-artifacts }\nbranches:\n  other: x\n${branches}`,
    );
    const result = cli(['plan', '--config', file, '--event', 'push', '--ref', 'feature/x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${file}:${expected}\n`);
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
    [['plan', '--event', 'schedule', '--ref', 'x'], '--event must be one of'],
    [['plan', '--event', 'release', '--ref', 'refs/heads/x'], '--event release deploys a tag'],
    [['plan', '--event', 'workflow_run', '--ref', 'refs/tags/v1'], '--ref names a branch'],
    [
      ['plan', '--event-file', 'examples/events/push-develop.json', '--ref', 'develop'],
      '--ref goes with --ref',
    ],
    [['plan', '--event-file', 'examples/events/push-develop.json', '--fork'], '--fork goes with --ref'],
    [
      ['plan', '--event-file', 'examples/events/push-develop.json', '--event', 'schedule'],
      '--event must be one of',
    ],
    [
      ['plan', '--event-file', 'examples/events/push-develop.json', '--repo', 'x'],
      '--repo "x" is not OWNER/NAME',
    ],
    [['plan', '--event', 'pull_request', '--ref', 'x'], '--pr N'],
    [['plan', '--event', 'push', '--ref', 'x', '--pr', '3'], 'only apply to --event pull_request'],
    [['plan', '--event', 'push', '--ref', 'refs/pull/4/merge'], 'use it with --event pull_request'],
    [
      ['plan', '--event', 'pull_request', '--ref', 'x', '--pr', '4', '--head-ref', 'y'],
      '--head-ref goes with',
    ],
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
    expect(result.stdout).toContain('plan [--config CONFIG] [--event EVENT] --event-file FILE');
    expect(result.stdout).toContain('plan [--config CONFIG] --event EVENT --ref REF');
    expect(result.stdout).toContain('[--changed a.ts,b/c.ts]');
    expect(result.stdout).toContain(
      'EVENT: push, workflow_dispatch, pull_request, pull_request_target, workflow_run, release, delete',
    );
    for (const command of ['plan', 'validate', 'bundle', 'local', 'emulator']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(cli(['plan', '--help']).stdout).toContain('--pr-action');
  });
});

describe('codedeploy-gitops plan, several applications', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'cdg-cli-mono-'));
    const app = (name: string, paths: string) =>
      `application: ${name}\npaths: ${paths}\nrevision: { bucket: acme-artifacts, source: ${name} }\nbranches:\n  main: ${name}-production\n`;
    await writeFile(join(folder, 'shop.yml'), app('shop', '["shop/**", "shared/**"]'));
    await writeFile(join(folder, 'api.yml'), app('api', '["api/**", "!api/**/*.md"]'));
    await writeFile(join(folder, 'notes.txt'), 'not a config');
  });

  const plan = (...extra: string[]) =>
    cli(['plan', '--config', folder, '--event', 'push', '--ref', 'main', ...extra]);

  it('--changed deploys only the applications whose paths a changed file matches; JSON names each application', () => {
    const result = plan('--changed', 'api/docs/x.md,shared/money.ts', '--json');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.deployments.map((d: { application: string; deploymentGroup: string }) => d)).toEqual([
      expect.objectContaining({ application: 'shop', deploymentGroup: 'shop-production' }),
    ]);
    expect(json.applications).toEqual([
      {
        application: 'api',
        skipped: true,
        reason: `no file the push changed (2) matches the paths of ${join(folder, 'api.yml')} ("api/**", "!api/**/*.md")`,
      },
      { application: 'shop', skipped: false, reason: null },
    ]);
    expect(json.skipped).toBe(false);
  });

  it('every application skipped is a skip, each reason named after its application', () => {
    const json = JSON.parse(plan('--changed', 'README.md', '--json').stdout);
    expect(json.skipped).toBe(true);
    expect(json.reason).toMatch(/^api: no file the push changed \(1\).* · shop: no file the push changed/);
  });

  it('the table heads each application; without --changed it says the paths were not checked', () => {
    const result = plan();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`api (${join(folder, 'api.yml')})\ndeploy to 1 deployment group`);
    expect(result.stdout).toContain(`note: ${join(folder, 'shop.yml')} has paths; pass --changed`);
  });

  it('several files by comma, in the order given', () => {
    const files = `${join(folder, 'shop.yml')},${join(folder, 'api.yml')}`;
    const json = JSON.parse(
      cli(['plan', '--config', files, '--event', 'push', '--ref', 'main', '--json']).stdout,
    );
    expect(json.applications.map((a: { application: string }) => a.application)).toEqual(['shop', 'api']);
  });

  it('--changed is refused outside a push, and for a path outside the repository', () => {
    const dispatch = cli([
      'plan',
      '--config',
      folder,
      '--event',
      'workflow_dispatch',
      '--ref',
      'main',
      '--changed',
      'a',
    ]);
    expect(dispatch.code).toBe(2);
    expect(dispatch.stderr).toContain('--changed only applies to a push of a branch (or a workflow_run)');
    const outside = plan('--changed', '../secrets.txt');
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(`--changed "../secrets.txt" is not a file's path inside the repository`);
    const root = plan('--changed', '.');
    expect(root.code).toBe(2);
    expect(root.stderr).toContain(`--changed "." is not a file's path inside the repository`);
  });

  it('the same application in two files is refused, naming both', async () => {
    const twice = await mkdtemp(join(tmpdir(), 'cdg-cli-twice-'));
    const text = 'application: shop\nrevision: { bucket: acme-artifacts }\nbranches: { main: production }\n';
    await writeFile(join(twice, 'a.yml'), text);
    await writeFile(join(twice, 'b.yml'), text);
    const result = cli(['plan', '--config', twice, '--event', 'push', '--ref', 'main']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `application "shop" is mapped twice, here and in ${join(twice, 'a.yml')}`,
    );
  });
});
