import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetDeploymentCommand, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from 'vitest';
import { previewMarker } from '../../src/report/pr-comment.js';
import {
  type DeployEnv,
  type DeployEnvOptions,
  E2E_SECRETS,
  SHA,
  startDeployEnv,
  testConfig,
} from '../helpers/deploy-env.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import {
  codeDeployError,
  codeDeployFaults,
  type ProxiedRequest,
  s3Error,
  s3Faults,
} from '../helpers/fault-proxy.js';
import { createdOn, expectSafeOutcome } from '../helpers/run-checks.js';
import type { RunnerResult } from '../helpers/runner.js';
import { findLeaks } from '../helpers/secrets.js';
import { commitAll } from '../helpers/tree.js';
import { finishedRunPayload } from '../helpers/triggers.js';

/**
 * The threats of docs/security.md, each shown end to end: dist/index.js against moto S3, the
 * local CodeDeploy and a fake GitHub API. Every run of the e2e suite is also scanned for the
 * credentials by the runner (test/helpers/runner.ts).
 */
const moto = inject('motoEndpoint');
const github = new FakeGitHub();
beforeAll(() => github.start());
afterAll(() => github.stop());

async function setup(context: TestContext, options: DeployEnvOptions = {}): Promise<DeployEnv> {
  const env = await startDeployEnv(moto, options);
  context.onTestFinished(() => env.stop());
  return env;
}

const DEFAULT_BRANCH = 'main';
const pushTo = (branch: string, sha = SHA) => ({
  ref: `refs/heads/${branch}`,
  after: sha,
  deleted: false,
  repository: { full_name: 'acme/shop', default_branch: DEFAULT_BRANCH },
});

/** Serves `config` as the default branch's copy, under a path of this environment's own. */
function trustedConfig(env: DeployEnv, config: string): string {
  const path = `.github/${env.application}.yml`;
  github.setFile(
    DEFAULT_BRANCH,
    path,
    config.replaceAll('APPLICATION', env.application).replaceAll('BUCKET', env.bucket),
  );
  return path;
}

/** A push to feature/x, not the default branch: the config comes from the fake GitHub, with the token. */
function trustedRun(
  env: DeployEnv,
  workspace: string,
  config: string,
  extra: Record<string, string> = {},
  sha = SHA,
) {
  return trustedEvent(env, workspace, config, { payload: pushTo('feature/x', sha), sha, env: extra });
}

/** Any event, with the map read from the default branch of the fake GitHub through the token. */
function trustedEvent(
  env: DeployEnv,
  workspace: string,
  config: string,
  options: {
    eventName?: string;
    payload: unknown;
    sha?: string;
    inputs?: Record<string, string>;
    env?: Record<string, string>;
  },
) {
  return env.run({
    workspace,
    ...(options.eventName ? { eventName: options.eventName } : {}),
    payload: options.payload,
    sha: options.sha ?? SHA,
    inputs: {
      config,
      'config-source': 'trusted',
      'github-token': E2E_SECRETS.githubToken,
      ...options.inputs,
    },
    env: { GITHUB_API_URL: github.url, ...options.env },
  });
}

/**
 * main deploys production, feature/* feature-{name}: pushes of a version of the test app, and
 * redeploys by sha dispatched on main, whose head is `mainHead`.
 */
async function redeploys(context: TestContext, mainHead: string) {
  const env = await setup(context);
  await env.createGroups(['production', 'feature-x']);
  const trusted = testConfig("  main: production\n  'feature/*': feature-{name}\n");
  const config = trustedConfig(env, trusted);
  // On main the workspace's copy of the map is the trusted one.
  const workspace = (version: string) =>
    env.workspace(testConfig(''), { version }, { [config]: materialized(env, trusted) });
  return {
    env,
    push: async (branch: string, sha: string) =>
      trustedEvent(env, await workspace(sha), config, { payload: pushTo(branch, sha), sha }),
    redeploy: async (sha: string) =>
      trustedEvent(env, await workspace('main head'), config, {
        eventName: 'workflow_dispatch',
        payload: dispatchOn(DEFAULT_BRANCH),
        sha: mainHead,
        inputs: { revision: sha },
      }),
  };
}

/** Pushes of the test app, each under the trusted map whose `branches:` are `branches`. */
async function pushesUnder(env: DeployEnv, branches: string) {
  const config = trustedConfig(env, testConfig(branches));
  const workspace = await env.workspace(testConfig(''));
  return (branch: string) => trustedEvent(env, workspace, config, { payload: pushTo(branch) });
}

const dispatchOn = (branch: string) => ({
  ref: `refs/heads/${branch}`,
  inputs: {},
  repository: { full_name: 'acme/shop', default_branch: DEFAULT_BRANCH },
});

/** The objects the run left in the bucket: none when it was refused before the upload. */
async function objectsIn(env: DeployEnv): Promise<string[]> {
  const listed = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket }));
  return (listed.Contents ?? []).map((object) => object.Key!);
}

/** The GitHub deployments the fake recorded for this environment's application. */
const gitHubDeploymentsOf = (env: DeployEnv) =>
  github.deployments.filter(
    (d) => (d.payload as { application?: string } | undefined)?.application === env.application,
  );

/** A refused run: exit 1, nothing uploaded, nothing created, the rule's message as an annotation. */
async function expectRefused(env: DeployEnv, result: RunnerResult, groups: string[], message: string) {
  await expectSafeOutcome(env, result, {
    created: Object.fromEntries(groups.map((group) => [group, 0 as const])),
    exit: 'failed',
    status: 'failed',
  });
  expect(await objectsIn(env)).toEqual([]);
  expect(result.annotations).toContainEqual(
    expect.objectContaining({ level: 'error', message: expect.stringContaining(message) }),
  );
}

describe.concurrent('threats and their defences', () => {
  it('a branch cannot re-map itself to production: the default branch’s config decides', async (context) => {
    const env = await setup(context);
    await env.createGroups(['production', 'feature-x']);
    const trusted = testConfig("  main: production\n  'feature/*': feature-{name}\n");
    const tampered = testConfig("  main: production\n  'feature/*': production\n");
    const config = trustedConfig(env, trusted);
    const workspace = await env.workspace(tampered, {}, { [config]: materialized(env, tampered) });
    const result = await trustedRun(env, workspace, config);
    await expectSafeOutcome(env, result, { created: { 'feature-x': 1, production: 0 }, exit: 'ok' });
    expect(result.stdout).toContain('from the default branch "main"');
  });

  it('a dispatch cannot send a branch to a group the trusted map gives another ref (deployment-groups)', async (context) => {
    const env = await setup(context);
    await env.createGroups(['production', 'feature-x']);
    const config = trustedConfig(env, testConfig("  main: production\n  'feature/*': feature-{name}\n"));
    const workspace = await env.workspace(testConfig(''));
    const dispatch = (groups: string) =>
      trustedEvent(env, workspace, config, {
        eventName: 'workflow_dispatch',
        payload: dispatchOn('feature/x'),
        inputs: { 'deployment-groups': groups },
      });
    const refused = await dispatch('production');
    await expectRefused(
      env,
      refused,
      ['production', 'feature-x'],
      'deployment-groups: the map does not give branch "feature/x" the deployment group "production"',
    );
    expect(gitHubDeploymentsOf(env)).toEqual([]);
    const allowed = await dispatch('feature-x');
    await expectSafeOutcome(env, allowed, { created: { 'feature-x': 1, production: 0 }, exit: 'ok' });
  });

  it('a branch cannot record its deployment in the GitHub environment of another mapping', async (context) => {
    const env = await setup(context);
    await env.createGroups(['production', 'feature-production', 'feature-login']);
    const push = await pushesUnder(
      env,
      "  main: production\n  'feature/*': { deploymentGroup: 'feature-{name}', environment: '{name}' }\n",
    );
    const refused = await push('feature/production');
    await expectRefused(
      env,
      refused,
      ['production', 'feature-production'],
      'makes GitHub environment "production", which "main"',
    );
    expect(gitHubDeploymentsOf(env)).toEqual([]);
    const allowed = await push('feature/login');
    await expectSafeOutcome(env, allowed, { created: { 'feature-login': 1, production: 0 }, exit: 'ok' });
    expect(gitHubDeploymentsOf(env).map((d) => d.environment)).toEqual(['login']);
  });

  it("a group created from a template cannot select another group's instances through the ref's name", async (context) => {
    const env = await setup(context);
    const tag = (Key: string, Value: string) => ({ Key, Value, Type: 'KEY_AND_VALUE' as const });
    await env.createGroups(['production'], { ec2TagFilters: [tag('Environment', 'production')] });
    await env.createGroups(['feature-template'], { ec2TagFilters: [tag('Environment', '{name}')] });
    const push = await pushesUnder(
      env,
      "  main: production\n  'feature/*':\n    deploymentGroup: feature-{name}\n    create: { from: feature-template }\n",
    );
    const refused = await push('feature/production');
    await expectRefused(
      env,
      refused,
      ['production', 'feature-production'],
      'deployment group "feature-production" would be created from "feature-template" with EC2 tag "Environment=production"',
    );
    expect(refused.stdout).toContain('the group "main"');
    expect(
      env.codedeploy.calls({ operation: 'CreateDeploymentGroup', deploymentGroupName: 'feature-production' }),
    ).toEqual([]);
    const allowed = await push('feature/login');
    await expectSafeOutcome(env, allowed, { created: { 'feature-login': 1, production: 0 }, exit: 'ok' });
    const { deploymentGroupInfo } = await env.client.send(
      new GetDeploymentGroupCommand({
        applicationName: env.application,
        deploymentGroupName: 'feature-login',
      }),
    );
    expect(deploymentGroupInfo?.ec2TagFilters).toEqual([tag('Environment', 'login')]);
  });

  it('a redeploy by sha cannot send a commit to a group it never reached from the dispatched ref (revision)', async (context) => {
    const [FEATURE, MAIN_HEAD] = ['abc1', 'abc3'].map((part) => part.repeat(10)) as [string, string];
    const { env, push, redeploy } = await redeploys(context, MAIN_HEAD);
    const pushed = await push('feature/x', FEATURE);
    expect(pushed.code, pushed.stdout).toBe(0);
    github.comparisons.set(`${FEATURE}...${MAIN_HEAD}`, 'diverged');
    const refused = await redeploy(FEATURE);
    await expectSafeOutcome(env, refused, { created: { production: 0 }, exit: 'failed', status: 'failed' });
    expect(refused.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(
          'revision: commit abc1abc (deployed from refs/heads/feature/x) is not in the history of refs/heads/main (GitHub compare says diverged), and deployment group "production" never ran its revision',
        ),
      }),
    );
    // Allowed once the feature branch is merged: main's history contains the commit.
    github.comparisons.set(`${FEATURE}...${MAIN_HEAD}`, 'ahead');
    const merged = await redeploy(FEATURE);
    await expectSafeOutcome(env, merged, { created: { production: 1 }, exit: 'ok' });
    expect(merged.stdout).toContain('commit abc1abc is in the history of refs/heads/main');
    expect(merged.outputs['revision-location']).toBe(pushed.outputs['revision-location']);
  });

  it('a redeploy by sha goes to a group that ran the commit before, whatever GitHub knows of it', async (context) => {
    const [MAIN_OLD, MAIN_HEAD] = ['abd2', 'abd3'].map((part) => part.repeat(10)) as [string, string];
    const { env, push, redeploy } = await redeploys(context, MAIN_HEAD);
    const main = await push(DEFAULT_BRANCH, MAIN_OLD);
    expect(main.code, main.stdout).toBe(0);
    const again = await redeploy(MAIN_OLD);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('production: ran the revision of commit abd2abd before');
    expect(createdOn(env, 'production')).toHaveLength(2);
  });

  it('a comment that copies the preview marker is not adopted: the action posts and updates its own', async (context) => {
    const env = await setup(context);
    await env.createGroups(['pr-template']);
    const number = 4242;
    const config = trustedConfig(
      env,
      testConfig('  main: production\n').concat(
        'pullRequests:\n  deploymentGroup: pr-{pr}\n  create: { from: pr-template }\n',
      ),
    );
    const planted = github.addComment(
      number,
      `${previewMarker(env.application)}\n### Preview ready: [open it](https://evil.example.com)`,
      'mallory',
    );
    const workspace = await env.workspace(testConfig(''));
    const pullRequest = (action: string) =>
      trustedEvent(env, workspace, config, {
        eventName: 'pull_request',
        payload: {
          action,
          number,
          repository: { full_name: 'acme/shop', default_branch: DEFAULT_BRANCH },
          pull_request: {
            number,
            head: { ref: 'feature/login', sha: SHA, repo: { full_name: 'acme/shop' } },
            base: { ref: DEFAULT_BRANCH, repo: { full_name: 'acme/shop' } },
          },
        },
      });
    const opened = await pullRequest('opened');
    await expectSafeOutcome(env, opened, { created: { 'pr-4242': 1 }, exit: 'ok' });
    expect(opened.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining(
          `comment ${planted} by mallory starts with the preview marker, but this token writes as github-actions[bot]: left alone`,
        ),
      }),
    );
    const onThePullRequest = () => github.comments.filter((c) => c.issue === number);
    expect(onThePullRequest().find((c) => c.id === planted)!.body).toContain('https://evil.example.com');
    const ours = onThePullRequest().filter((c) => c.author === 'github-actions[bot]');
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain(`### Preview of ${env.application}: ✅ succeeded`);
    // The next run finds the action's own comment again and updates it in place.
    const synchronized = await pullRequest('synchronize');
    expect(synchronized.code, synchronized.stdout).toBe(0);
    expect(onThePullRequest()).toHaveLength(2);
    expect(github.requests.some((r) => r.method === 'PATCH' && r.path.endsWith(`/comments/${planted}`))).toBe(
      false,
    );
  });

  it('a compromised bundle between upload and download: the pinned eTag makes the agent refuse it', async (context) => {
    const env = await setup(context, { startDelayMs: 6000 });
    await env.createGroups(['g']);
    const run = env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    // The deployment exists and waits 6 s before any agent downloads: replace the object meanwhile.
    while (createdOn(env, 'g').length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const id = createdOn(env, 'g')[0]!.deploymentId!;
    const { deploymentInfo } = await env.client.send(new GetDeploymentCommand({ deploymentId: id }));
    const location = deploymentInfo!.revision!.s3Location!;
    await env.s3.send(
      new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: await evilBundle() }),
    );
    const result = await run;
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'failed' });
    expect(location.eTag).toBe(result.outputs['revision-etag']);
    expect(result.stdout).toContain(`Expected deployment artifact bundle etag ${location.eTag}`);
    const logs = await env.codedeploy.logs(id);
    expect(logs.map((log) => log.text).join('')).not.toContain('pwned');
  });

  it('.env files: a warning names them; revision.exclude keeps them out of the bundle; allowSecretFiles silences it per file', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const secretFiles = { 'app/.env': 'DB_PASSWORD=hunter2\n', 'app/site/tls.key': 'PRIVATE\n' };
    const warned = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n'), {}, secretFiles),
    });
    expect(warned.code).toBe(0);
    expect(warned.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining(
          'the bundle will contain files that often hold secrets: app/.env, app/site/tls.key',
        ),
      }),
    );
    expect(await bundleEntries(env, warned)).toContain('.env');
    const excluded = await env.run({
      workspace: await env.workspace(
        testConfig('  develop: g\n').replace(
          '  source: app\n',
          "  source: app\n  exclude: ['.env', '*.key']\n",
        ),
        {},
        secretFiles,
      ),
      sha: 'e'.repeat(40),
    });
    expect(excluded.code).toBe(0);
    expect(
      excluded.annotations.filter((a) => a.level === 'warning' && a.message.includes('secrets')),
    ).toEqual([]);
    const entries = await bundleEntries(env, excluded);
    expect(entries).not.toContain('.env');
    expect(entries).not.toContain('site/tls.key');
    expect(entries).toContain('appspec.yml');
    const allowed = await env.run({
      workspace: await env.workspace(
        testConfig('  develop: g\n').replace(
          '  source: app\n',
          "  source: app\n  allowSecretFiles: ['site/*.key']\n",
        ),
        {},
        secretFiles,
      ),
      sha: 'd'.repeat(40),
    });
    expect(allowed.code).toBe(0);
    expect(
      allowed.annotations.filter((a) => a.message.includes('often hold secrets')).map((a) => a.message),
    ).toEqual([expect.stringMatching(/secrets: app\/\.env \(/)]);
  });
});

/**
 * The events whose job runs on another ref than the one they deploy or tear down: a finished CI run
 * (workflow_run, the default branch's workflow), a release (its tag), a deletion (the default branch).
 */
describe.concurrent('workflow_run, release and delete: the default branch’s map, the guards, the right commit', () => {
  const repository = { full_name: 'acme/shop', default_branch: DEFAULT_BRANCH };
  const finishedRun = (branch: string, sha: string, run: Record<string, unknown> = {}) =>
    finishedRunPayload(branch, sha, run, DEFAULT_BRANCH);
  // The job of a workflow_run or a delete event runs on the default branch, at its head.
  const MAIN_HEAD = 'a1b2'.repeat(10);

  it('a finished CI run deploys its branch under the default branch’s map, from a checkout of the commit it checked only', async (context) => {
    const env = await setup(context);
    await env.createGroups(['production', 'feature-ci']);
    const trusted = testConfig("  main: production\n  'ci-only/*': feature-{name}\n");
    const tampered = testConfig("  main: production\n  'ci-only/*': production\n");
    const config = trustedConfig(env, trusted);
    const workspace = await env.workspace(tampered, {}, { [config]: materialized(env, tampered) });
    const checkedOut = commitAll(workspace);
    const finished = (sha: string) => {
      github.branches.set('ci-only/ci', sha);
      return trustedEvent(env, workspace, config, {
        eventName: 'workflow_run',
        payload: finishedRun('ci-only/ci', sha),
        sha: MAIN_HEAD,
      });
    };
    // The workspace of a workflow_run job is the default branch unless the workflow checks out head_sha.
    const elsewhere = await finished('e5f6'.repeat(10));
    await expectRefused(
      env,
      elsewhere,
      ['production', 'feature-ci'],
      `workflow_run: the finished run checked commit e5f6e5f of branch "ci-only/ci", but the workspace holds ${checkedOut.slice(0, 7)}; refused`,
    );
    expect(elsewhere.annotations.find((a) => a.level === 'error')?.message).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as written
      'actions/checkout with "ref: ${{ github.event.workflow_run.head_sha }}"',
    );
    expect(gitHubDeploymentsOf(env)).toEqual([]);
    const deployed = await finished(checkedOut);
    await expectSafeOutcome(env, deployed, { created: { 'feature-ci': 1, production: 0 }, exit: 'ok' });
    expect(deployed.stdout).toContain('from the default branch "main"');
    expect(gitHubDeploymentsOf(env).map((d) => [d.environment, d.ref])).toEqual([['feature-ci', checkedOut]]);
  });

  it('a CI run named after a branch it is not on (a tag’s run, a fork’s pull request) deploys nothing', async (context) => {
    const env = await setup(context);
    await env.createGroups(['production']);
    const config = trustedConfig(env, testConfig("  main: production\n  'release/*': production\n"));
    const workspace = await env.workspace(testConfig(''));
    const tagged = commitAll(workspace);
    const finished = (payload: unknown) =>
      trustedEvent(env, workspace, config, { eventName: 'workflow_run', payload, sha: MAIN_HEAD });
    // A tag called "main" on any commit: its CI run names "main" as its branch.
    github.branches.set(DEFAULT_BRANCH, MAIN_HEAD);
    github.comparisons.set(`${tagged}...${MAIN_HEAD}`, 'diverged');
    const tag = await finished(finishedRun(DEFAULT_BRANCH, tagged));
    await expectSafeOutcome(env, tag, { created: { production: 0 }, exit: 'ok', status: 'skipped' });
    expect(tag.outputs['skip-reason']).toContain(
      `commit ${tagged.slice(0, 7)} of the finished run is not in the history of branch "main" (GitHub compare says diverged)`,
    );
    const gone = await finished(finishedRun('release/9', tagged));
    expect(gone.outputs['skip-reason']).toContain(
      'names branch "release/9", which this repository does not have',
    );
    const fork = await finished(
      finishedRun(DEFAULT_BRANCH, tagged, {
        event: 'pull_request',
        head_repository: { full_name: 'mallory/shop' },
      }),
    );
    expect(fork.outputs['skip-reason']).toContain('came from another repository (a fork)');
    expect(createdOn(env, 'production')).toEqual([]);
    expect(await objectsIn(env)).toEqual([]);
  });

  it('a release deploys its tag under the default branch’s map; a pre-release only where the map says so', async (context) => {
    const env = await setup(context);
    await env.createGroups(['production', 'canary']);
    const tags = (v: string) =>
      `tags:\n  'v*-rc.*': { deploymentGroup: canary, prereleases: true }\n  'v*': ${v}\n`;
    const config = trustedConfig(env, testConfig('  main: production\n').concat(tags('production')));
    const tampered = testConfig('  main: production\n').concat(tags('canary'));
    const workspace = await env.workspace(tampered, {}, { [config]: materialized(env, tampered) });
    const release = (tag: string, prerelease: boolean) =>
      trustedEvent(env, workspace, config, {
        eventName: 'release',
        payload: { action: 'published', release: { tag_name: tag, prerelease }, repository },
      });
    const published = await release('v1.2.0', false);
    await expectSafeOutcome(env, published, { created: { production: 1, canary: 0 }, exit: 'ok' });
    expect(published.stdout).toContain('a release run of tag "v1.2.0" checks out what its workflow says');
    const beta = await release('v1.3.0-beta.1', true);
    expect(beta.outputs['skip-reason']).toContain('is a pre-release, and "v*"');
    const candidate = await release('v1.3.0-rc.1', true);
    await expectSafeOutcome(env, candidate, { created: { canary: 1 }, exit: 'ok' });
    expect(createdOn(env, 'production')).toHaveLength(1);
  });

  it('a deleted branch tears down the groups this project created for it, never a group another mapping names', async (context) => {
    const env = await setup(context);
    await env.createGroups(['production', 'review-tpl', 'review-hand']);
    const config = trustedConfig(
      env,
      testConfig(
        [
          '  main: production',
          "  'review/*': { deploymentGroup: 'review-{name}', create: { from: review-tpl }, deleteOnBranchDelete: true }",
          "  '*': { deploymentGroup: '{branch}', create: { from: review-tpl }, deleteOnBranchDelete: true }",
          '',
        ].join('\n'),
      ),
    );
    const workspace = await env.workspace(testConfig(''));
    const run = (eventName: string, payload: unknown) =>
      trustedEvent(env, workspace, config, { eventName, payload, sha: MAIN_HEAD });
    const deleted = (branch: string) => run('delete', { ref: branch, ref_type: 'branch', repository });
    const deletes = (group: string) =>
      env.codedeploy.calls({ operation: 'DeleteDeploymentGroup', deploymentGroupName: group });

    expect((await run('push', pushTo('review/a'))).code).toBe(0);
    const teardown = await deleted('review/a');
    expect(teardown.code, teardown.stdout).toBe(0);
    expect(teardown.outputs).toMatchObject({ status: 'succeeded', 'deployment-groups': 'review-a' });
    expect(deletes('review-a')).toHaveLength(1);
    expect(teardown.summary).toContain(
      '**Plan:** tear down: branch "review/a" (deleted) matches "review/\\*"',
    );
    const review = gitHubDeploymentsOf(env).filter((d) => d.environment === 'review-a');
    expect(review.map((d) => d.statuses.at(-1))).toEqual([
      expect.objectContaining({
        state: 'inactive',
        description: "Branch deleted: torn down (deleted the branch's group)",
      }),
    ]);

    // A push that deletes the branch does the same.
    expect((await run('push', pushTo('review/c'))).code).toBe(0);
    const pushed = await run('push', {
      ...pushTo('review/c'),
      deleted: true,
      before: SHA,
      after: '0'.repeat(40),
    });
    expect(pushed.code, pushed.stdout).toBe(0);
    expect(deletes('review-c')).toHaveLength(1);

    // Two refs whose names fill the templates alike: the branch "review-b" may not end review/b's group.
    expect((await run('push', pushTo('review/b'))).code).toBe(0);
    const other = await deleted('review-b');
    expect(other.code, other.stdout).toBe(0);
    expect(other.summary).toContain(
      '🔒 left alone | codedeploy-gitops created it for refs/heads/review/b, not for refs/heads/review-b',
    );
    expect(deletes('review-b')).toEqual([]);
    expect(
      gitHubDeploymentsOf(env)
        .filter((d) => d.environment === 'review-b')
        .map((d) => d.statuses.at(-1)?.state),
    ).toEqual(['success']);
    // A tag, even one named like a branch's full ref, is never torn down.
    const tag = await run('delete', { ref: 'refs/heads/review/b', ref_type: 'tag', repository });
    expect(tag.code, tag.stdout).toBe(0);
    expect(tag.outputs['skip-reason']).toContain('tags are never torn down');
    expect(deletes('review-b')).toEqual([]);

    // A group of that name made by hand is kept; one another mapping names is not even stopped.
    const kept = await deleted('review/hand');
    expect(kept.code, kept.stdout).toBe(0);
    expect(kept.summary).toContain('kept: codedeploy-gitops did not create this group');
    const refused = await deleted('production');
    expect(refused.code).toBe(1);
    expect(refused.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('makes deployment group "production", which "main" (.github/'),
      }),
    );
    expect(deletes('review-hand')).toEqual([]);
    expect(deletes('production')).toEqual([]);
    expect(env.codedeploy.calls({ deploymentGroupName: 'production' }).map((c) => c.operation)).not.toContain(
      'StopDeployment',
    );
  });
});

describe.concurrent('text from outside the run never commands the runner', () => {
  it('a failing hook whose output holds workflow commands, in every form: shown in the log, executed never', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    // The log tail holds the event's last whole lines, each prefixed [stdout]: a command can only
    // start a line the runner reads after a carriage return, or sit inside one.
    const cut = '::set-output name=status::succeeded';
    const hostile = [
      `w\r${cut}`,
      'fine\r::error::pwned by a carriage return',
      'x\r::add-mask::DB_PASSWORD',
      'y\r::stop-commands::hooks-token',
      'z\r   ::warning title=t::pwned after white space',
      'legacy ##[error]pwned anywhere in a line',
      '##[add-mask]legacy mask',
    ];
    const output = `${'p'.repeat(3000)}\n${hostile.join('\n')}\n`;
    const workspace = await env.workspace(
      testConfig('  develop: g\n'),
      {},
      {
        'app/scripts/hostile.txt': output,
        'app/scripts/validate.sh': '#!/bin/sh\ncat "$(dirname "$0")/hostile.txt"\nexit 3\n',
      },
    );
    const result = await env.run({ workspace });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'failed' });
    const { commands, shown } = result.runner;
    expect(
      commands.filter((c) => !['group', 'endgroup', 'error', 'warning', 'notice', 'debug'].includes(c.name)),
    ).toEqual([]);
    expect(commands.filter((c) => /pwned|DB_PASSWORD|legacy/.test(c.data))).toEqual([]);
    // Every form reached the log as a line of its own, as text.
    expect(shown).toEqual(
      expect.arrayContaining([
        cut,
        '::error::pwned by a carriage return',
        '::add-mask::DB_PASSWORD',
        '::stop-commands::hooks-token',
        '   ::warning title=t::pwned after white space',
        '[stdout]legacy ##[error]pwned anywhere in a line',
        '[stdout]##[add-mask]legacy mask',
      ]),
    );
    // After the tail the runner reads the action's own commands again: the failure's annotation.
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(/^g › i-\S+: ValidateService failed/),
      }),
    );
  });
});

describe.concurrent('no credential in any output, debug logging on (ACTIONS_STEP_DEBUG / RUNNER_DEBUG)', () => {
  const debug = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' };
  const leaksInGitHub = () =>
    findLeaks(
      {
        AWS_SECRET_ACCESS_KEY: E2E_SECRETS.secretAccessKey,
        AWS_SESSION_TOKEN: E2E_SECRETS.sessionToken,
        'github-token': E2E_SECRETS.githubToken,
      },
      Object.fromEntries(
        github.requests.map((r, i) => [
          `GitHub request ${i} (${r.method} ${r.path})`,
          JSON.stringify(r.body ?? ''),
        ]),
      ),
    );

  it('a deployment, then a second one that asks GitHub to compare commits', async (context) => {
    const env = await setup(context);
    await env.createGroups(['feature-x']);
    const config = trustedConfig(env, testConfig("  'feature/*': feature-{name}\n"));
    const workspace = await env.workspace(testConfig(''));
    const first = await trustedRun(env, workspace, config, debug);
    const second = await trustedRun(env, workspace, config, debug, 'a'.repeat(40));
    for (const result of [first, second]) expect(result.code, result.stdout).toBe(0);
    expect(second.stdout).toMatch(/^::debug::compare [0-9a-f]{40}\.\.\.a{40}: /m);
    expect(github.requests.some((r) => r.authorization === `token ${E2E_SECRETS.githubToken}`)).toBe(true);
    expect(leaksInGitHub()).toEqual([]);
  });

  it('a failing hook, a lost answer and throttling: the debug lines carry errors, not credentials', async (context) => {
    const env = await setup(context);
    await env.createGroups(['feature-x']);
    const config = trustedConfig(env, testConfig("  'feature/*': feature-{name}\n"));
    env.faults.decide = codeDeployFaults(
      {
        operation: 'BatchGetDeployments',
        fault: codeDeployError('ThrottlingException', 'Rate exceeded'),
        times: 6,
      },
      { operation: 'CreateDeployment', fault: { kind: 'lose-response' }, times: 1 },
    ).decide;
    const result = await trustedRun(
      env,
      await env.workspace(testConfig(''), { failGroups: ['feature-x'] }),
      config,
      debug,
    );
    await expectSafeOutcome(env, result, { created: { 'feature-x': 1 }, exit: 'failed' });
    expect(result.stdout).toMatch(
      /^::debug::feature-x: looking for this run's deployment: ThrottlingException/m,
    );
    expect(leaksInGitHub()).toEqual([]);
  });

  it('AWS echoing the signed request (InvalidSignatureException, SignatureDoesNotMatch): the session token is not printed', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const echoed: string[] = [];
    env.faults.decide = codeDeployFaults({
      operation: 'GetApplication',
      fault: (request) => echoSignature(request, echoed),
    }).decide;
    const codedeploy = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n')),
      env: debug,
    });
    expect(codedeploy.code).not.toBe(0);
    expect(codedeploy.stdout).toContain('InvalidSignatureException');
    env.faults.decide = () => ({ kind: 'pass' });
    env.s3Faults.decide = s3Faults({
      operation: 'PutObject',
      fault: (request) => echoS3Signature(request, echoed),
    }).decide;
    const s3 = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')), env: debug });
    expect(s3.code).not.toBe(0);
    expect(s3.stdout).toContain('SignatureDoesNotMatch');
    // The answers did carry the session token (the runner fails a run that prints it).
    expect(echoed).toEqual([E2E_SECRETS.sessionToken, E2E_SECRETS.sessionToken]);
  });

  it('AWS echoing the signed request while the action clears a failed upload: the warning is redacted too', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const echoed: string[] = [];
    env.s3Faults.decide = s3Faults(
      { operation: 'UploadPart', fault: s3Error('AccessDenied', 'Access Denied', 403) },
      { operation: 'ListMultipartUploads', fault: (request) => echoS3Signature(request, echoed, true) },
    ).decide;
    const result = await env.run({
      workspace: await env.workspace(
        testConfig('  develop: g\n'),
        {},
        { 'app/site/big.bin': randomBytes(12 * 1024 * 1024) },
      ),
      env: debug,
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('could not make sure no incomplete multipart upload');
    expect(result.stdout).toContain('the request AWS echoed back is not shown');
    expect(echoed[0]).toBe(E2E_SECRETS.sessionToken);
  });
});

/** The config text with the environment's application and bucket, as `workspace` writes it. */
function materialized(env: DeployEnv, config: string): string {
  return config.replaceAll('APPLICATION', env.application).replaceAll('BUCKET', env.bucket);
}

/**
 * What AWS JSON services answer to a bad signature: the canonical request they expected, signed
 * headers and their values included, x-amz-security-token among them.
 */
function echoSignature(request: ProxiedRequest, echoed: string[]) {
  const token = String(request.headers['x-amz-security-token'] ?? '');
  echoed.push(token);
  const canonical = [
    'POST',
    '/',
    '',
    'content-type:application/x-amz-json-1.1',
    `host:${request.headers.host}`,
    `x-amz-date:${request.headers['x-amz-date']}`,
    `x-amz-security-token:${token}`,
    `x-amz-target:${request.headers['x-amz-target']}`,
    '',
    'content-type;host;x-amz-date;x-amz-security-token;x-amz-target',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ].join('\n');
  return codeDeployError(
    'InvalidSignatureException',
    `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n${request.headers['x-amz-date']}\n20260101/us-east-1/codedeploy/aws4_request\n0000'\n`,
  );
}

/**
 * S3's answer to a bad signature: the message, plus the canonical request and string to sign as
 * fields; `inMessage` puts the canonical request in the message itself, as S3-compatible servers do.
 */
function echoS3Signature(request: ProxiedRequest, echoed: string[], inMessage = false) {
  const token = String(request.headers['x-amz-security-token'] ?? '');
  echoed.push(token);
  const echo = inMessage
    ? ` The Canonical String for this request should have been 'GET\n${request.url}\nx-amz-security-token:${token}\n'`
    : '';
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.${echo}</Message><AWSAccessKeyId>testing</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256</StringToSign><CanonicalRequest>PUT\n${request.url}\n\nhost:${request.headers.host}\nx-amz-security-token:${token}\n</CanonicalRequest><RequestId>fault-injected</RequestId></Error>`;
  return { kind: 'respond' as const, status: 403, body, headers: { 'content-type': 'application/xml' } };
}

/** A bundle an attacker would like deployed: its hook prints "pwned". */
async function evilBundle(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'cdg-evil-'));
  try {
    await writeFile(
      join(dir, 'appspec.yml'),
      'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: pwn.sh\n',
    );
    await writeFile(join(dir, 'pwn.sh'), '#!/bin/sh\necho pwned\n', { mode: 0o755 });
    execFileSync('zip', ['-qr', 'evil.zip', 'appspec.yml', 'pwn.sh'], { cwd: dir });
    return await readFile(join(dir, 'evil.zip'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The entries of the zip the run uploaded, as the agent would see them. */
async function bundleEntries(env: DeployEnv, result: RunnerResult): Promise<string[]> {
  const [, , bucket, ...key] = result.outputs['revision-location']!.split('/');
  const object = await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key.join('/') }));
  const dir = await mkdtemp(join(tmpdir(), 'cdg-bundle-'));
  try {
    await writeFile(join(dir, 'bundle.zip'), await object.Body!.transformToByteArray());
    return execFileSync('unzip', ['-Z1', join(dir, 'bundle.zip')], { encoding: 'utf8' })
      .trim()
      .split('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
