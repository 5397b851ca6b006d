import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/log.js';
import type { RunResult } from '../../src/deploy/results.js';
import { createGitHubReporter } from '../../src/github/reporter.js';
import { previewMarker } from '../../src/report/pr-comment.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { freePort } from '../helpers/free-port.js';
import {
  atStart,
  dryRun,
  failureWithDiagnostics,
  forkSkipped,
  previewDeployed,
  previewTornDown,
  RUN_URL,
  sequentialNotStarted,
  successOnThreeGroups,
} from '../helpers/run-results.js';
import { SHA } from '../helpers/triggers.js';

const github = new FakeGitHub();
let log: MemoryLogger;
let sleeps: number[];

beforeAll(() => github.start());
afterAll(() => github.stop());
beforeEach(() => {
  github.reset();
  log = new MemoryLogger();
  sleeps = [];
});

/** Retries wait on this clock: it only notes how long. */
const sleepRecorder: Clock = {
  now: () => 0,
  timeout: () => new AbortController().signal,
  sleep: async (ms) => {
    sleeps.push(ms);
  },
};

function reporter(overrides: { token?: string; enabled?: boolean; comment?: boolean } = {}) {
  return createGitHubReporter({
    token: overrides.token ?? 'ghs_test',
    apiUrl: github.url,
    owner: 'acme',
    repo: 'shop',
    runUrl: RUN_URL,
    enabled: overrides.enabled ?? true,
    comment: overrides.comment ?? true,
    log,
    clock: sleepRecorder,
  });
}

/** One run as the orchestrator drives it: started before deploying, finished after. */
async function run(
  result: RunResult,
  options: { token?: string; enabled?: boolean; comment?: boolean } = {},
) {
  const r = reporter(options);
  await r.started(atStart(result));
  await r.finished(result);
}

const warnings = () => log.lines.filter((l) => l.level === 'warn');

describe('GitHub deployments on a push', () => {
  it('creates one deployment per group, in_progress then success, with the run as log_url', async () => {
    await run(successOnThreeGroups());
    expect(github.calls()).toEqual([
      'POST /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments/1000/statuses',
      'POST /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments/1002/statuses',
      'POST /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments/1004/statuses',
      'POST /repos/acme/shop/deployments/1000/statuses',
      'POST /repos/acme/shop/deployments/1002/statuses',
      'POST /repos/acme/shop/deployments/1004/statuses',
    ]);
    expect(github.deployments.map((d) => d.body)).toEqual(
      ['staging', 'test1', 'test2'].map((group) => ({
        ref: SHA,
        task: 'deploy',
        auto_merge: false,
        required_contexts: [],
        environment: group,
        description: `CodeDeploy shop/${group}`,
        transient_environment: false,
        payload: { application: 'shop', deploymentGroup: group, mapping: 'develop' },
      })),
    );
    const staging = github.deployments[0]!;
    expect(staging.statuses).toEqual([
      { state: 'in_progress', description: 'Deploying 0123456 to staging with CodeDeploy', log_url: RUN_URL },
      { state: 'success', description: 'd-STAGING01 succeeded on 2/2 instances in 1m12s', log_url: RUN_URL },
    ]);
    expect(github.requests.every((r) => r.authorization === 'token ghs_test')).toBe(true);
    expect(warnings()).toEqual([]);
  });

  it('a failed deployment is a failure status that names the error and the rollback', async () => {
    await run(failureWithDiagnostics());
    const [production] = github.deployments;
    expect(production!.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(production!.statuses[1]).toEqual({
      state: 'failure',
      description: 'd-PROD00001 failed: HEALTH_CONSTRAINTS; rolled back by d-ROLLBACK1',
      log_url: RUN_URL,
      environment_url: 'https://shop.example.com',
    });
  });

  it('a group never started by a sequential run ends as error with the reason', async () => {
    await run(sequentialNotStarted());
    expect(github.deployments.map((d) => d.statuses.at(-1))).toEqual([
      expect.objectContaining({
        state: 'failure',
        description: 'd-CANARY001 failed: HOOK_EXECUTION_FAILURE',
      }),
      expect.objectContaining({
        state: 'error',
        description: 'Not started: canary did not succeed (strategy: sequential)',
      }),
    ]);
  });

  it('a run that ended before deploying does not leave deployments in progress', async () => {
    const result = successOnThreeGroups();
    const r = reporter();
    await r.started(atStart(result));
    await r.finished({ ...result, status: 'failed', groups: [] });
    expect(github.deployments.map((d) => d.statuses.at(-1))).toEqual(
      Array(3).fill({
        state: 'error',
        description: 'The run ended before this group was deployed',
        log_url: RUN_URL,
      }),
    );
  });

  it('github-deployments: false sends nothing on a push', async () => {
    await run(successOnThreeGroups(), { enabled: false });
    expect(github.requests).toEqual([]);
  });

  it('a dry run sends nothing', async () => {
    await run(dryRun());
    expect(github.requests).toEqual([]);
  });
});

describe('pull-request previews', () => {
  const HEAD_1 = '1111111111111111111111111111111111111111';
  const HEAD_2 = '2222222222222222222222222222222222222222';

  it('opened → synchronize → closed: one comment updated in place, transient deployments, finally inactive', async () => {
    github.addComment(42, 'Looks good to me');

    await run(previewDeployed('opened', HEAD_1));
    expect(github.calls()).toEqual([
      'POST /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments/1001/statuses',
      'GET /repos/acme/shop/issues/42/comments',
      'POST /repos/acme/shop/issues/42/comments',
      'POST /repos/acme/shop/deployments/1001/statuses',
      'PATCH /repos/acme/shop/issues/comments/1003',
    ]);
    expect(github.deployments[0]!.body).toMatchObject({
      ref: HEAD_1,
      environment: 'preview-42',
      transient_environment: true,
      production_environment: false,
      required_contexts: [],
      auto_merge: false,
      payload: { application: 'shop', deploymentGroup: 'pr-42', mapping: 'pullRequests', pullRequest: 42 },
    });
    expect(github.deployments[0]!.statuses).toEqual([
      {
        state: 'in_progress',
        description: 'Deploying 1111111 to pr-42 with CodeDeploy',
        log_url: RUN_URL,
        environment_url: 'https://pr-42.preview.example.com',
      },
      {
        state: 'success',
        description: 'd-PR4211111 succeeded on 1/1 instances in 1m1s',
        log_url: RUN_URL,
        environment_url: 'https://pr-42.preview.example.com',
      },
    ]);
    const comment = () => github.comments.filter((c) => c.body.startsWith(previewMarker('shop')));
    expect(comment()).toHaveLength(1);
    expect(comment()[0]!.body).toContain('### Preview of shop: ✅ succeeded');
    expect(comment()[0]!.body).toContain('[preview-42](https://pr-42.preview.example.com)');
    expect(comment()[0]!.body).toContain(`Commit ${HEAD_1} · [workflow run](${RUN_URL})`);

    github.requests.length = 0;
    await run(previewDeployed('synchronize', HEAD_2));
    expect(github.calls()).toEqual([
      'POST /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments/1005/statuses',
      'GET /repos/acme/shop/issues/42/comments',
      'POST /graphql',
      'PATCH /repos/acme/shop/issues/comments/1003',
      'POST /repos/acme/shop/deployments/1005/statuses',
      'PATCH /repos/acme/shop/issues/comments/1003',
    ]);
    expect(comment()).toHaveLength(1);
    expect(comment()[0]!.body).toContain(`Commit ${HEAD_2}`);

    github.requests.length = 0;
    await run(previewTornDown());
    expect(github.calls()).toEqual([
      'GET /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments/1005/statuses',
      'POST /repos/acme/shop/deployments/1001/statuses',
      'GET /repos/acme/shop/issues/42/comments',
      'POST /graphql',
      'PATCH /repos/acme/shop/issues/comments/1003',
    ]);
    expect(github.requests[0]!.query.get('environment')).toBe('preview-42');
    for (const deployment of github.deployments) {
      expect(deployment.statuses.at(-1)).toEqual({
        state: 'inactive',
        description: 'Pull request closed: preview torn down (deleted the preview group)',
        log_url: RUN_URL,
      });
    }
    expect(github.comments).toHaveLength(2);
    expect(comment()[0]!.body).toContain('### Preview of shop: 🧹 torn down');
    expect(comment()[0]!.body).toContain('| pr-42 | preview-42 | deleted the preview group |');
    expect(warnings()).toEqual([]);
  });

  it('pr-comment: false leaves the pull request without a comment; the deployments stay', async () => {
    await run(previewDeployed('opened', HEAD_1), { comment: false });
    expect(github.comments).toEqual([]);
    expect(github.calls().filter((call) => call.includes('/issues/'))).toEqual([]);
    expect(github.deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([
      ['in_progress', 'success'],
    ]);
  });

  it('a fork pull request that was refused gets no comment and no deployment', async () => {
    await run(forkSkipped());
    expect(github.requests).toEqual([]);
  });

  it('closing a pull request that never had a preview comment does not create one', async () => {
    await run(previewTornDown(), { enabled: false });
    expect(github.calls()).toEqual(['GET /repos/acme/shop/issues/42/comments']);
    expect(github.comments).toEqual([]);
  });

  it('finds its comment past the first page, and not a comment that merely quotes the marker', async () => {
    github.addComment(42, `> ${previewMarker('shop')}\n> quoted by a person`);
    for (let i = 0; i < 120; i++) github.addComment(42, `comment ${i}`);
    const ours = github.addComment(42, `${previewMarker('shop')}\nold preview`, 'github-actions[bot]');
    github.addComment(42, `${previewMarker('other-app')}\nanother application's preview`);
    await run(previewDeployed('synchronize', HEAD_1), { enabled: false });
    expect(github.calls()).toEqual([
      'GET /repos/acme/shop/issues/42/comments',
      'GET /repos/acme/shop/issues/42/comments',
      'POST /graphql',
      `PATCH /repos/acme/shop/issues/comments/${ours}`,
      `PATCH /repos/acme/shop/issues/comments/${ours}`,
    ]);
    expect(github.comments.find((c) => c.id === ours)!.body).toContain('✅ succeeded');
    expect(github.comments.at(-1)!.body).toContain("another application's preview");
  });

  it("adopts only a comment the token's own account wrote: one by anybody else is left alone", async () => {
    const planted = github.addComment(
      42,
      `${previewMarker('shop')}\n[Preview](https://evil.example.com)`,
      'mallory',
    );
    await run(previewDeployed('opened', HEAD_1), { enabled: false });
    expect(github.calls()).toEqual([
      'GET /repos/acme/shop/issues/42/comments',
      'POST /graphql',
      'POST /repos/acme/shop/issues/42/comments',
      'PATCH /repos/acme/shop/issues/comments/1001',
    ]);
    expect(github.comments.find((c) => c.id === planted)!.body).toContain('https://evil.example.com');
    const ours = github.comments.filter((c) => c.id !== planted);
    expect(ours).toEqual([expect.objectContaining({ author: 'github-actions[bot]' })]);
    expect(ours[0]!.body).toContain('### Preview of shop: ✅ succeeded');
    expect(warnings().map((w) => w.text)).toEqual([
      'pull request #42: comment 1000 by mallory starts with the preview marker, but this token writes as github-actions[bot]: left alone',
    ]);
  });

  it('a personal token adopts the comment its own user wrote, whatever the case of the login', async () => {
    github.identity = 'Alice';
    github.addComment(42, `${previewMarker('shop')}\nold`, 'github-actions[bot]');
    const hers = github.addComment(42, `${previewMarker('shop')}\nold`, 'alice');
    await run(previewDeployed('synchronize', HEAD_1), { enabled: false });
    expect(github.calls().at(-1)).toBe(`PATCH /repos/acme/shop/issues/comments/${hers}`);
    expect(github.comments.find((c) => c.id === hers)!.body).toContain('✅ succeeded');
    expect(github.comments).toHaveLength(2);
  });

  it('a comment deleted since it was found is written again', async () => {
    const r = reporter({ enabled: false });
    const result = previewDeployed('opened', HEAD_1);
    await r.started(atStart(result));
    github.comments.length = 0;
    await r.finished(result);
    expect(github.calls().slice(-2)).toEqual([
      'PATCH /repos/acme/shop/issues/comments/1000',
      'POST /repos/acme/shop/issues/42/comments',
    ]);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('✅ succeeded');
  });

  it('without deployments: write, the deployments are skipped with a hint and the comment still posted', async () => {
    github.failWhen = (request) => (request.path.includes('/deployments') ? 403 : undefined);
    await run(previewDeployed('opened', HEAD_1));
    expect(github.calls()).toEqual([
      'POST /repos/acme/shop/deployments',
      'GET /repos/acme/shop/issues/42/comments',
      'POST /repos/acme/shop/issues/42/comments',
      'PATCH /repos/acme/shop/issues/comments/1000',
    ]);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.problem?.hint).toContain('deployments: write');
  });
});

describe('a failing GitHub API never fails the run', () => {
  it('500 on every call: both phases resolve after one retried call each, with a warning', async () => {
    github.failWith = 500;
    const r = reporter();
    const result = previewDeployed('opened', '3333333333333333333333333333333333333333');
    await expect(r.started(atStart(result))).resolves.toBeUndefined();
    await expect(r.finished(result)).resolves.toBeUndefined();
    expect(github.calls()).toEqual(Array(6).fill('POST /repos/acme/shop/deployments'));
    expect(sleeps).toEqual([1000, 3000, 1000, 3000]);
    expect(warnings().map((w) => w.text)).toEqual(
      Array(2).fill(
        'GitHub deployments: create the deployment of preview-42: HTTP 500, injected failure; GitHub looks unavailable, skipping the other GitHub updates of this step',
      ),
    );
  });

  it('a secondary rate limit (403) is not mistaken for a missing permission', async () => {
    const r = reporter();
    const result = successOnThreeGroups();
    github.failWhen = () => ({ status: 403, message: 'You have exceeded a secondary rate limit' });
    await r.started(atStart(result));
    github.failWhen = undefined;
    await r.finished(result);
    expect(warnings().map((w) => w.text)).toEqual([
      'GitHub deployments: create the deployment of staging: HTTP 403, You have exceeded a secondary rate limit; GitHub rate-limits this token, skipping the other GitHub updates of this step',
    ]);
    // Deployments stay on: finished creates the ones started could not, with their final status.
    expect(github.deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([
      ['success'],
      ['success'],
      ['success'],
    ]);
  });

  it('401: one call, one warning, nothing more is sent', async () => {
    github.failWith = 401;
    await expect(run(successOnThreeGroups())).resolves.toBeUndefined();
    expect(github.calls()).toEqual(['POST /repos/acme/shop/deployments']);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.text).toContain('the token was refused');
    expect(sleeps).toEqual([]);
  });

  it('an unreachable API (connection refused) is retried, then warned about', async () => {
    const r = createGitHubReporter({
      token: 'ghs_test',
      apiUrl: `http://127.0.0.1:${await freePort()}`,
      owner: 'acme',
      repo: 'shop',
      runUrl: RUN_URL,
      enabled: true,
      comment: true,
      log,
      clock: sleepRecorder,
    });
    await expect(r.started(atStart(successOnThreeGroups()))).resolves.toBeUndefined();
    expect(sleeps).toEqual([1000, 3000]);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.text).toContain('GitHub looks unavailable');
  });

  it('no token: one warning, no request', async () => {
    await run(previewDeployed('opened', SHA), { token: '' });
    expect(github.requests).toEqual([]);
    expect(warnings()).toHaveLength(1);
  });
});

describe('several applications in one run', () => {
  /** The same result, as another application's. */
  const asApplication = (result: RunResult, application: string): RunResult => ({
    ...result,
    config: { ...result.config, application },
  });

  it('each application has its own GitHub deployments, even for groups of the same name', async () => {
    const shop = successOnThreeGroups();
    const api = asApplication({ ...shop, status: 'failed', groups: [] }, 'api');
    const r = reporter();
    // Interleaved on purpose: nothing of one application may land on the other's deployments.
    await r.started(atStart(shop));
    await r.started(atStart(api));
    await r.finished(shop);
    await r.finished(api);
    const final = (application: string) =>
      github.deployments
        .filter((d) => (d.body.payload as { application: string }).application === application)
        .map((d) => d.statuses.at(-1)?.state);
    expect(final('shop')).toEqual(['success', 'success', 'success']);
    expect(final('api')).toEqual(['error', 'error', 'error']);
  });

  it("one application's teardown ends only its own deployments of an environment both use", async () => {
    const HEAD = '4444444444444444444444444444444444444444';
    const r = reporter();
    for (const application of ['shop', 'api']) {
      const result = asApplication(previewDeployed('opened', HEAD), application);
      await r.started(atStart(result));
      await r.finished(result);
    }
    await r.finished(asApplication(previewTornDown(), 'api'));
    const last = (application: string) =>
      github.deployments
        .filter((d) => (d.body.payload as { application: string }).application === application)
        .map((d) => d.statuses.at(-1)?.state);
    expect(last('api')).toEqual(['inactive']);
    expect(last('shop')).toEqual(['success']);
  });

  it('a pull request gets one preview comment per application, each updated in place', async () => {
    const HEAD = '3333333333333333333333333333333333333333';
    const r = reporter();
    for (const action of ['opened', 'synchronize'] as const) {
      for (const application of ['shop', 'api']) {
        const result = asApplication(previewDeployed(action, HEAD), application);
        await r.started(atStart(result));
        await r.finished(result);
      }
    }
    expect(github.comments).toHaveLength(2);
    for (const application of ['shop', 'api']) {
      const mine = github.comments.filter((c) => c.body.startsWith(previewMarker(application)));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.body).toContain(`### Preview of ${application}: ✅ succeeded`);
    }
  });
});
