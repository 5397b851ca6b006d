import { describe, expect, it } from 'vitest';
import { parseConfigOrThrow } from '../../src/config/load.js';
import { UserError } from '../../src/core/problems.js';
import { matchedPart, type Plan, planDeployments } from '../../src/plan/plan.js';
import { deleted, dispatch, pullRequest, push, release, SHA, workflowRun } from '../helpers/triggers.js';

const CONFIG = `application: product-catalog
revision:
  bucket: acme-deploy-artifacts
defaults:
  deploymentConfig: CodeDeployDefault.OneAtATime
  fileExistsBehavior: OVERWRITE
  autoRollback: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST]
  wait: 30m
branches:
  'release/**':
    deploymentGroups: [production]
    deploymentConfig: CodeDeployDefault.HalfAtATime
    strategy: sequential
  master: production
  develop: [staging, test1, test2]
  'feature/*':
    deploymentGroup: feature-{name}
    create: { from: staging }
    environmentUrl: https://{name}.preview.example.com
  'feature/**': feature-deep-{shortSha}
  'release/1.0': legacy
  'experimental/**': ~
  'hotfix/*': ['hotfix-{name}', 'hotfix-{name}']
tags:
  'v0.*': ~
  'v*': [production]
pullRequests:
  deploymentGroup: pr-{pr}
  create: { from: staging }
  environment: preview-{pr}
  environmentUrl: https://pr-{pr}.preview.example.com
  deleteOnClose: true
  wait: 10m
`;

const { config } = parseConfigOrThrow(CONFIG, '.github/codedeploy.yml');
const groups = (plan: Plan) => (plan.skipped ? [] : plan.deployments.map((d) => d.deploymentGroup));

describe('branch mapping', () => {
  it.each([
    ['master', ['production'], 'master'],
    ['develop', ['staging', 'test1', 'test2'], 'develop'],
    ['feature/login', ['feature-login'], 'feature/*'],
    ['feature/a/b', ['feature-deep-0123456'], 'feature/**'],
    ['release/2.0', ['production'], 'release/**'],
    ['release/2.0/rc1', ['production'], 'release/**'],
    ['release/1.0', ['legacy'], 'release/1.0'],
    ['hotfix/x', ['hotfix-x'], 'hotfix/*'],
  ])('push to %s deploys to %j (entry %s)', (branch, expected, entry) => {
    const plan = planDeployments(config, push(`refs/heads/${branch}`));
    expect(groups(plan)).toEqual(expected);
    expect(plan.skipped ? '' : plan.deployments[0]?.mapping).toBe(entry);
  });

  it('an exact name beats an earlier pattern that also matches', () => {
    const plan = planDeployments(config, push('refs/heads/release/1.0'));
    expect(groups(plan)).toEqual(['legacy']);
  });

  it('among patterns the first in file order wins', () => {
    const { config: reordered } = parseConfigOrThrow(
      'application: a\nrevision: {bucket: bucket-x}\nbranches:\n  "f/**": deep\n  "f/*": shallow\n',
      'c.yml',
    );
    expect(groups(planDeployments(reordered, push('refs/heads/f/x')))).toEqual(['deep']);
  });

  it('~ is an explicit skip, with the entry named', () => {
    const plan = planDeployments(config, push('refs/heads/experimental/ai'));
    expect(plan).toMatchObject({ skipped: true, code: 'explicit-skip' });
    expect(plan.skipped && plan.reason).toContain('"experimental/**"');
  });

  it('no match is a skip that lists the entries tried', () => {
    const plan = planDeployments(config, push('refs/heads/chore/deps'));
    expect(plan).toMatchObject({ skipped: true, code: 'no-match' });
    expect(plan.skipped && plan.reason).toContain('"master", "develop", "feature/*"');
  });

  it('no match fails with unmatched: fail', () => {
    const { config: strict } = parseConfigOrThrow(`${CONFIG}unmatched: fail\n`, 'c.yml');
    expect(() => planDeployments(strict, push('refs/heads/chore/deps'))).toThrow(UserError);
  });

  it('a branch deletion is a skip', () => {
    const plan = planDeployments(config, push('refs/heads/master', { deleted: true }));
    expect(plan).toMatchObject({ skipped: true, code: 'ref-deleted' });
  });

  it('the same group listed twice through placeholders is deployed once', () => {
    expect(groups(planDeployments(config, push('refs/heads/hotfix/x')))).toEqual(['hotfix-x']);
  });

  it('matches dots in branch names', () => {
    const { config: dotted } = parseConfigOrThrow(
      'application: a\nrevision: {bucket: bucket-x}\nbranches:\n  "user/*": u-{name}\n',
      'c.yml',
    );
    expect(groups(planDeployments(dotted, push('refs/heads/user/.hidden')))).toEqual(['u-.hidden']);
  });
});

describe('settings', () => {
  it('defaults apply, and a mapping overrides them', () => {
    const master = planDeployments(config, push('refs/heads/master'));
    const release = planDeployments(config, push('refs/heads/release/2.0'));
    expect(master).toMatchObject({
      strategy: 'parallel',
      deployments: [
        {
          deploymentConfig: 'CodeDeployDefault.OneAtATime',
          fileExistsBehavior: 'OVERWRITE',
          autoRollback: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'],
          wait: 1800,
          onActiveDeployment: 'wait',
          ignoreApplicationStopFailures: false,
          create: false,
        },
      ],
    });
    expect(release).toMatchObject({
      strategy: 'sequential',
      deployments: [{ deploymentConfig: 'CodeDeployDefault.HalfAtATime' }],
    });
  });

  it('create, environment and a DNS-safe environment URL', () => {
    const plan = planDeployments(config, push('refs/heads/feature/Login_Page'));
    expect(plan).toMatchObject({
      deployments: [
        {
          deploymentGroup: 'feature-Login_Page',
          create: true,
          createFrom: 'staging',
          environment: 'feature-Login_Page',
          environmentUrl: 'https://login-page.preview.example.com',
        },
      ],
    });
  });
});

describe('tags', () => {
  it.each([
    ['v1.2.0', ['production']],
    ['v0.9.0', []],
  ])('tag %s deploys to %j', (tag, expected) => {
    expect(groups(planDeployments(config, push(`refs/tags/${tag}`)))).toEqual(expected);
  });

  it('the first matching tag pattern wins', () => {
    expect(planDeployments(config, push('refs/tags/v0.9.0'))).toMatchObject({
      skipped: true,
      code: 'explicit-skip',
    });
  });

  it('a tag looks only at tags, not branches', () => {
    expect(planDeployments(config, push('refs/tags/master'))).toMatchObject({
      skipped: true,
      code: 'no-match',
    });
  });
});

describe('workflow_dispatch', () => {
  it('follows the branch mapping', () => {
    expect(groups(planDeployments(config, dispatch('develop')))).toEqual(['staging', 'test1', 'test2']);
  });

  it('explicit groups pick among the groups the map gives the ref, with their settings', () => {
    const plan = planDeployments(config, dispatch('feature/login'), { groups: ['feature-login'] });
    expect(plan).toMatchObject({
      deployments: [
        {
          deploymentGroup: 'feature-login',
          mapping: 'deployment-groups input',
          create: true,
          createFrom: 'staging',
          environmentUrl: 'https://login.preview.example.com',
        },
      ],
    });
    expect(groups(planDeployments(config, dispatch('develop'), { groups: ['test2'] }))).toEqual(['test2']);
  });

  describe('a group the map gives another ref', () => {
    const { config: allowing } = parseConfigOrThrow(
      `application: a
revision: {bucket: bucket-x}
branches:
  main: { deploymentGroup: production, deploymentConfig: CodeDeployDefault.HalfAtATime }
  develop:
    deploymentGroups: [staging]
    dispatch: { groups: [production, adhoc] }
  'feature/*': feature-{name}
  'experimental/**': ~
`,
      'c.yml',
    );

    it('is refused, naming the entries that deploy there and how to allow it', () => {
      const plan = () => planDeployments(allowing, dispatch('feature/x'), { groups: ['production'] });
      expect(plan).toThrow(UserError);
      expect(plan).toThrow(
        /^c\.yml:8:3: deployment-groups: the map does not give branch "feature\/x" the deployment group "production" \(it matches "feature\/\*", which deploys it to feature-x\); refused/,
      );
      expect(plan).toThrow(
        'run the workflow on a ref "main" (c.yml:4:3) matches, or list "production" under "dispatch: { groups: [...] }" of "feature/*"',
      );
    });

    it('is refused on a ref the map skips or does not match, every group at once', () => {
      const skipped = () =>
        planDeployments(allowing, dispatch('experimental/a'), { groups: ['staging', 'production'] });
      expect(skipped).toThrow('(it matches "experimental/**", which skips it)');
      expect(skipped).toThrow(/staging[\s\S]*production/);
      expect(() => planDeployments(allowing, dispatch('other'), { groups: ['staging'] })).toThrow(
        '(no entry of the map matches it)',
      );
    });

    it("is allowed when the ref's entry lists it under dispatch, with the settings of the mapping that names it", () => {
      const plan = planDeployments(allowing, dispatch('develop'), { groups: ['production', 'adhoc'] });
      expect(plan).toMatchObject({
        deployments: [
          {
            deploymentGroup: 'production',
            mapping: 'deployment-groups input',
            deploymentConfig: 'CodeDeployDefault.HalfAtATime',
          },
          { deploymentGroup: 'adhoc', create: false, environment: 'adhoc' },
        ],
      });
      expect(
        (plan as { deployments: Array<{ deploymentConfig?: string }> }).deployments[1]!.deploymentConfig,
      ).toBeUndefined();
    });
  });

  it('explicit groups are refused on a push', () => {
    expect(() => planDeployments(config, push('refs/heads/develop'), { groups: ['production'] })).toThrow(
      'only honoured on workflow_dispatch',
    );
  });

  it('explicit groups must be valid names', () => {
    expect(() => planDeployments(config, dispatch('develop'), { groups: ['bad/name'] })).toThrow(
      'not a valid',
    );
  });
});

describe('pull requests', () => {
  it.each(['opened', 'synchronize', 'reopened'])('%s deploys the preview', (action) => {
    const plan = planDeployments(config, pullRequest(action));
    expect(plan).toMatchObject({
      skipped: false,
      action: 'deploy',
      deployments: [
        {
          deploymentGroup: 'pr-42',
          create: true,
          createFrom: 'staging',
          environment: 'preview-42',
          environmentUrl: 'https://pr-42.preview.example.com',
          wait: 600,
        },
      ],
    });
  });

  it('closed is a teardown of the preview group', () => {
    const plan = planDeployments(config, pullRequest('closed'));
    expect(plan).toMatchObject({
      skipped: false,
      action: 'teardown',
      cause: 'pull-request-closed',
      deleteGroups: true,
      deployments: [{ deploymentGroup: 'pr-42' }],
    });
  });

  it('other actions neither deploy nor tear down', () => {
    expect(planDeployments(config, pullRequest('labeled'))).toMatchObject({
      skipped: true,
      code: 'pr-action',
    });
  });

  it('a fork is refused by default', () => {
    expect(planDeployments(config, pullRequest('opened', { fork: true }))).toMatchObject({
      skipped: true,
      code: 'fork',
    });
  });

  it('a fork is deployed with forks: allow', () => {
    const { config: open } = parseConfigOrThrow(
      CONFIG.replace('deleteOnClose: true', 'deleteOnClose: true\n  forks: allow'),
      'c.yml',
    );
    expect(groups(planDeployments(open, pullRequest('opened', { fork: true })))).toEqual(['pr-42']);
  });

  it('pull_request_target is refused unless allowed', () => {
    const target = pullRequest('opened', { event: 'pull_request_target' });
    expect(() => planDeployments(config, target)).toThrow('pull_request_target');
    const { config: allowing } = parseConfigOrThrow(
      CONFIG.replace('deleteOnClose: true', 'deleteOnClose: true\n  pullRequestTarget: allow'),
      'c.yml',
    );
    expect(groups(planDeployments(allowing, target))).toEqual(['pr-42']);
  });

  it('no pullRequests section is a skip', () => {
    const { config: none } = parseConfigOrThrow('application: a\nrevision: {bucket: bucket-x}\n', 'c.yml');
    expect(planDeployments(none, pullRequest('opened'))).toMatchObject({
      skipped: true,
      code: 'no-pull-requests',
    });
  });
});

describe('workflow_run: a finished run of a push deploys as that push', () => {
  it.each(['develop', 'feature/login', 'release/2.0', 'experimental/ai', 'chore/deps'])(
    'the run of %s plans exactly as the push of that branch at that commit',
    (branch) => {
      expect(planDeployments(config, workflowRun(branch))).toEqual(
        planDeployments(config, push(`refs/heads/${branch}`)),
      );
    },
  );

  it.each([
    ['a failed run', { run: { conclusion: 'failure' } }, 'run-not-successful', 'ended "failure"'],
    ['a cancelled run', { run: { conclusion: 'cancelled' } }, 'run-not-successful', 'ended "cancelled"'],
    [
      'a run still going',
      { action: 'in_progress', run: { conclusion: null } },
      'run-not-successful',
      'is "in_progress"',
    ],
    ['a pull request’s run', { run: { event: 'pull_request' } }, 'run-not-push', 'started by "pull_request"'],
    ['a scheduled run', { run: { event: 'schedule' } }, 'run-not-push', 'not by a push'],
    ['a fork’s run', { fork: true, run: { event: 'pull_request' } }, 'fork', 'came from another repository'],
  ] as const)('%s deploys nothing', (_, extra, code, reason) => {
    const plan = planDeployments(config, workflowRun('develop', extra));
    expect(plan).toMatchObject({ skipped: true, code });
    expect(plan.skipped && plan.reason).toContain(reason);
    expect(plan.skipped && plan.reason).toContain('the "ci" run of branch "develop" at 0123456');
  });

  it('the guards hold: a branch named after another mapping’s group is refused', () => {
    const { config: loose } = parseConfigOrThrow(
      "application: a\nrevision: {bucket: bucket-x}\nbranches:\n  master: production\n  '*': '{branch}'\n",
      'c.yml',
    );
    expect(() => planDeployments(loose, workflowRun('production'))).toThrow(
      'makes deployment group "production", which "master" (c.yml:4:3) deploys to; refused',
    );
  });

  it('deployment-groups is refused, as on every event but workflow_dispatch', () => {
    expect(() => planDeployments(config, workflowRun('develop'), { groups: ['staging'] })).toThrow(
      'only honoured on workflow_dispatch, not on workflow_run',
    );
  });
});

describe('release: a published release deploys its tag through "tags:"', () => {
  const { config: releases } = parseConfigOrThrow(
    `application: a
revision: {bucket: bucket-x}
tags:
  'v0.*': ~
  'v*-rc.*': { deploymentGroup: canary, prereleases: true }
  'v*': production
`,
    'c.yml',
  );

  it.each(['published', 'released'])('%s: as the push of the tag', (action) => {
    expect(planDeployments(releases, release('v1.2.0', { action }))).toEqual(
      planDeployments(releases, push('refs/tags/v1.2.0')),
    );
    expect(groups(planDeployments(releases, release('v1.2.0', { action })))).toEqual(['production']);
  });

  it.each(['created', 'edited', 'prereleased', 'unpublished', 'deleted'])('%s deploys nothing', (action) => {
    expect(planDeployments(releases, release('v1.2.0', { action }))).toEqual({
      skipped: true,
      code: 'release-action',
      reason: `release "v1.2.0" was "${action}", which does not deploy (published and released do)`,
    });
  });

  it.each([
    ['v1.3.0-beta.1', 'v*', { skipped: true, code: 'prerelease' }],
    ['v1.3.0-rc.1', 'v*-rc.*', { skipped: false, deployments: [{ deploymentGroup: 'canary' }] }],
    ['v0.9.0', 'v0.*', { skipped: true, code: 'explicit-skip' }],
  ])('the pre-release %s under "%s"', (tag, _, expected) => {
    expect(planDeployments(releases, release(tag, { prerelease: true }))).toMatchObject(expected);
  });

  it('a skipped pre-release says which entry and how to deploy it', () => {
    const plan = planDeployments(releases, release('v1.3.0-beta.1', { prerelease: true }));
    expect(plan.skipped && plan.reason).toBe(
      'release "v1.3.0-beta.1" is a pre-release, and "v*" (c.yml:6:3) does not deploy pre-releases ("prereleases: true" would)',
    );
  });

  it('a full release under an entry for pre-releases deploys too; a tag no entry matches is skipped', () => {
    expect(groups(planDeployments(releases, release('v2.0.0-rc.2')))).toEqual(['canary']);
    expect(planDeployments(releases, release('nightly'))).toMatchObject({ skipped: true, code: 'no-match' });
  });
});

describe('a deleted branch: deleteOnBranchDelete tears its groups down', () => {
  const { config: branches } = parseConfigOrThrow(
    `application: a
revision: {bucket: bucket-x}
branches:
  master: production
  develop: staging
  'feature/*':
    deploymentGroup: feature-{name}
    create: { from: staging }
    environment: preview-{name}
    deleteOnBranchDelete: true
  'keep/*': { deploymentGroup: 'keep-{name}', create: { from: staging } }
  'experimental/**': ~
  '*': { deploymentGroup: '{branch}', create: { from: staging }, deleteOnBranchDelete: true }
tags:
  'v*': production
`,
    'c.yml',
  );

  it.each([
    ['a delete event', deleted('feature/login'), 'branch "feature/login" (deleted)'],
    [
      'a push that deleted it',
      push('refs/heads/feature/login', { deleted: true }),
      'branch "feature/login" (deleted by a push)',
    ],
  ])('%s: a teardown of the groups its entry gives the branch', (_, trigger, matched) => {
    expect(planDeployments(branches, trigger)).toMatchObject({
      skipped: false,
      action: 'teardown',
      cause: 'branch-deleted',
      deleteGroups: true,
      matched: `${matched} matches "feature/*" (c.yml:6:3)`,
      deployments: [{ deploymentGroup: 'feature-login', environment: 'preview-login', create: true }],
    });
  });

  it.each([
    ['develop', 'its entry "develop" (c.yml:5:3) has no "deleteOnBranchDelete: true"'],
    ['keep/x', 'its entry "keep/*" (c.yml:11:3) has no "deleteOnBranchDelete: true"'],
    ['experimental/x', 'it matches "experimental/**", which is set to skip (~)'],
    ['refs/tags/v1.0.0', 'tags are never torn down'],
  ])('the deletion of %s tears nothing down', (ref, why) => {
    for (const trigger of [
      deleted(ref),
      push(ref.startsWith('refs/') ? ref : `refs/heads/${ref}`, { deleted: true }),
    ]) {
      const plan = planDeployments(branches, trigger);
      expect(plan).toMatchObject({ skipped: true, code: 'ref-deleted' });
      expect(plan.skipped && plan.reason).toContain(`there is nothing to deploy, nor to tear down (${why})`);
    }
  });

  it('a branch no entry matches tears nothing down', () => {
    const { config: none } = parseConfigOrThrow(
      'application: a\nrevision: {bucket: bucket-x}\nbranches:\n  main: web\n',
      'c.yml',
    );
    expect(planDeployments(none, deleted('other'))).toMatchObject({
      skipped: true,
      reason:
        'branch "other" was deleted: there is nothing to deploy, nor to tear down (no entry of "branches" matches it)',
    });
  });

  it('the guards hold: deleting a branch named after another mapping’s group cannot tear that group down', () => {
    for (const trigger of [deleted('production'), push('refs/heads/staging', { deleted: true })]) {
      expect(() => planDeployments(branches, trigger)).toThrow(UserError);
      expect(() => planDeployments(branches, trigger)).toThrow(
        /which "(master|develop)" \(c\.yml:\d:3\) (deploys to|creates groups from); refused/,
      );
    }
    expect(groups(planDeployments(branches, deleted('scratch')))).toEqual(['scratch']);
  });

  it('a group the entry names outright, which another mapping uses, is never torn down', () => {
    const { config: shared } = parseConfigOrThrow(
      `application: a
revision: {bucket: bucket-x}
branches:
  develop: staging
  demo: { deploymentGroups: [demo-env, staging], create: { from: tpl }, deleteOnBranchDelete: true }
  solo: { deploymentGroup: solo-env, create: { from: tpl }, deleteOnBranchDelete: true }
`,
      'c.yml',
    );
    expect(() => planDeployments(shared, deleted('demo'))).toThrow(
      'c.yml:5:3: branch "demo" (deleted) matches "demo" (c.yml:5:3): tearing down deployment group "staging" would stop what runs on a group that "develop" (c.yml:4:3) deploys to; refused',
    );
    expect(groups(planDeployments(shared, deleted('solo')))).toEqual(['solo-env']);
  });
});

describe('placeholders at plan time', () => {
  it('{sha} without a sha is an error naming the mapping, never "undefined"', () => {
    const plan = () => planDeployments(config, { ...push('refs/heads/feature/a/b'), sha: '' });
    expect(plan).toThrow(UserError);
    expect(plan).toThrow(
      /^\.github\/codedeploy\.yml:20:3: "\{shortSha\}" in "feature-deep-\{shortSha\}" has no value/,
    );
  });

  it('a value the caller lacks fails with the fix it gives for it', () => {
    const plan = () =>
      planDeployments(
        config,
        { ...push('refs/heads/feature/a/b'), sha: '' },
        { missingValues: { shortSha: 'pass --sha' } },
      );
    expect(plan).toThrow(/has no value for this event \(pass --sha\)$/);
  });

  it('the full sha is available', () => {
    const { config: withSha } = parseConfigOrThrow(
      'application: a\nrevision: {bucket: bucket-x}\nbranches:\n  main: build-{sha}-{repo}\n',
      'c.yml',
    );
    expect(groups(planDeployments(withSha, push('refs/heads/main')))).toEqual([`build-${SHA}-shop`]);
  });
});

describe("a ref name never chooses another mapping's group", () => {
  const { config: loose } = parseConfigOrThrow(
    `application: a
revision: {bucket: bucket-x}
branches:
  master: production
  develop: [staging]
  'team/*': ['{name}', 'team-{name}']
  '*': '{branch}'
tags:
  'v*': release
pullRequests:
  deploymentGroup: '{branch}'
`,
    'c.yml',
  );

  it.each([
    ['refs/heads/production', 'production', '"master" (c.yml:4:3)'],
    ['refs/heads/Staging', 'Staging', '"develop" (c.yml:5:3)'],
    ['refs/heads/team/release', 'release', '"v*" (c.yml:9:3)'],
  ])('%s → %s is refused', (ref, group, owner) => {
    const plan = () => planDeployments(loose, push(ref));
    expect(plan).toThrow(UserError);
    expect(plan).toThrow(`makes deployment group "${group}", which ${owner} deploys to; refused`);
    expect(plan).toThrow('give the template a fixed part');
  });

  it('names the mapping that chose it', () => {
    expect(() => planDeployments(loose, push('refs/heads/production'))).toThrow(
      /^c\.yml:7:3: branch "production" matches "\*"/,
    );
  });

  it('holds for pull requests too', () => {
    expect(() => planDeployments(loose, pullRequest('opened', { headRef: 'production' }))).toThrow(
      'which "master" (c.yml:4:3) deploys to',
    );
  });

  it('a branch cannot choose the template new groups are created from', () => {
    const { config: templated } = parseConfigOrThrow(
      "application: a\nrevision: {bucket: bucket-x}\nbranches:\n  'feature/*':\n    deploymentGroup: feature-{name}\n    create: { from: feature-template }\n",
      'c.yml',
    );
    expect(groups(planDeployments(templated, push('refs/heads/feature/login')))).toEqual(['feature-login']);
    expect(() => planDeployments(templated, push('refs/heads/feature/template'))).toThrow(
      'makes deployment group "feature-template", which "feature/*" (c.yml:4:3) creates groups from; refused',
    );
  });

  it('a ref cannot choose a group a mapping may be dispatched to', () => {
    const { config: dispatching } = parseConfigOrThrow(
      "application: a\nrevision: {bucket: bucket-x}\nbranches:\n  main: { deploymentGroup: web, dispatch: { groups: [hotfix] } }\n  '*': '{branch}'\n",
      'c.yml',
    );
    expect(() => planDeployments(dispatching, push('refs/heads/hotfix'))).toThrow(
      'makes deployment group "hotfix", which "main" (c.yml:4:3) may be dispatched to; refused',
    );
  });

  it('lets other names through, and a group two mappings name outright', () => {
    expect(groups(planDeployments(loose, push('refs/heads/fix-login')))).toEqual(['fix-login']);
    expect(groups(planDeployments(config, push('refs/heads/release/2.0')))).toEqual(['production']);
  });
});

describe("a ref name never chooses another mapping's GitHub environment", () => {
  const { config: environments } = parseConfigOrThrow(
    `application: a
revision: {bucket: bucket-x}
branches:
  main: { deploymentGroup: web-prod, environment: production }
  develop: staging
  'feature/*': { deploymentGroup: 'feature-{name}', environment: '{name}' }
  'named/*': { deploymentGroup: 'named-{name}', environment: features }
  '*': 'env-{branch}'
  'raw/*': '{name}'
pullRequests:
  deploymentGroup: pr-{pr}
  environment: '{branch}'
`,
    'c.yml',
  );

  it.each([
    ['refs/heads/feature/production', 'production', '"main" (c.yml:4:3)'],
    ['refs/heads/feature/Staging', 'Staging', '"develop" (c.yml:5:3)'],
    ['refs/heads/feature/features', 'features', '"named/*" (c.yml:7:3)'],
  ])('%s → environment %s is refused', (ref, environment, owner) => {
    const plan = () => planDeployments(environments, push(ref));
    expect(plan).toThrow(UserError);
    expect(plan).toThrow(
      `its environment "{name}" makes GitHub environment "${environment}", which ${owner} records its deployments in; refused`,
    );
    expect(plan).toThrow('give the environment a fixed part');
  });

  it('holds for the environment a group name gives by default, and for pull requests', () => {
    expect(() => planDeployments(environments, push('refs/heads/raw/production'))).toThrow(
      'its template (the environment by default) "{name}" makes GitHub environment "production", which "main" (c.yml:4:3) records its deployments in',
    );
    expect(() => planDeployments(environments, pullRequest('opened', { headRef: 'production' }))).toThrow(
      'makes GitHub environment "production", which "main"',
    );
  });

  it('lets other environments through, and a fixed environment shared by a pattern', () => {
    const plan = planDeployments(environments, push('refs/heads/feature/login'));
    expect(plan).toMatchObject({ deployments: [{ deploymentGroup: 'feature-login', environment: 'login' }] });
    expect(planDeployments(environments, push('refs/heads/named/a'))).toMatchObject({
      deployments: [{ environment: 'features' }],
    });
  });
});

describe('matchedPart', () => {
  it.each([
    ['feature/*', 'feature/login', 'login'],
    ['release/**', 'release/1.2/rc', '1.2/rc'],
    ['*', 'anything', 'anything'],
    ['master', 'master', 'master'],
    ['team/*/feature/*', 'team/a/feature/b', 'a/feature/b'],
  ])('%s + %s → %s', (pattern, ref, expected) => {
    expect(matchedPart(pattern, ref)).toBe(expected);
  });
});

describe('brace lists in keys', () => {
  it('are patterns: release/{a,b} matches release/a', () => {
    const { config: braces } = parseConfigOrThrow(
      'application: a\nrevision: {bucket: bucket-x}\nbranches:\n  "release/{a,b}": rel\n',
      'c.yml',
    );
    expect(groups(planDeployments(braces, push('refs/heads/release/a')))).toEqual(['rel']);
    expect(planDeployments(braces, push('refs/heads/release/c'))).toMatchObject({ skipped: true });
  });
});
