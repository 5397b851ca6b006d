import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetDeploymentCommand, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, inject, it, type TestContext } from 'vitest';
import {
  type DeployEnv,
  previewConfig,
  pullRequestEvent,
  startDeployEnv,
  testConfig,
} from '../helpers/deploy-env.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { codeDeployError, codeDeployFaults, s3Faults } from '../helpers/fault-proxy.js';
import { createdOn, danglingUploads, deploymentsOf, expectSafeOutcome } from '../helpers/run-checks.js';
import { RUNNER_CANCEL, type RunnerResult } from '../helpers/runner.js';

/**
 * A cancelled workflow at every stage of a run, through dist/index.js, with the signals at the
 * runner's cadence (SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that): the run stops what it
 * started, leaves nothing behind, writes its outputs and summary, and ends before SIGTERM.
 */
const moto = inject('motoEndpoint');
const MiB = 1024 * 1024;
const SIGTERM_AFTER_MS = RUNNER_CANCEL.find((step) => step.signal === 'SIGTERM')!.afterMs;

async function setup(context: TestContext): Promise<DeployEnv> {
  const env = await startDeployEnv(moto);
  context.onTestFinished(() => env.stop());
  await env.createGroups(['g']);
  return env;
}

/** What every cancelled run shows, whatever the stage. */
function expectCancelledInTime(result: RunnerResult): void {
  expect(result.cancelled, 'the run was cancelled').toBeDefined();
  expect(result.cancelled!.exitedAfterMs, result.stdout).toBeLessThan(SIGTERM_AFTER_MS);
  expect(result.cancelled!.signals).toEqual(['SIGINT']);
  expect(result.code).not.toBe(0);
  expect(result.summary).toContain('CodeDeploy');
}

/** Many small files under app/site, written at once (a walk long enough to be cancelled in). */
function writeManyFiles(workspace: string, count: number, perFolder: number): void {
  for (let folder = 0; folder * perFolder < count; folder++) {
    const dir = join(workspace, 'app/site', `d${folder}`);
    mkdirSync(dir, { recursive: true });
    for (let i = folder * perFolder; i < Math.min(count, (folder + 1) * perFolder); i++)
      writeFileSync(join(dir, `f${i}.txt`), `${i}\n`);
  }
}

describe.concurrent('a cancelled workflow, at the runner cadence', () => {
  it('during the walk: nothing digested, uploaded or created; status cancelled', {
    timeout: 120_000,
  }, async (context) => {
    const env = await setup(context);
    const workspace = await env.workspace(testConfig('  develop: g\n'));
    writeManyFiles(workspace, 40_000, 100);
    const result = await env.run({ workspace, cancel: { when: /Plan: deploy to g/ } });
    expectCancelledInTime(result);
    expect(result.stdout).not.toContain('digesting');
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed', status: 'cancelled' });
    expect(deploymentsOf(result)).toMatchObject([{ group: 'g', status: 'cancelled', id: null }]);
  });

  it('during the digest: nothing uploaded or created; status cancelled', async (context) => {
    const env = await setup(context);
    const big = Object.fromEntries(
      Array.from({ length: 4 }, (_, i) => [`app/site/big${i}.bin`, randomBytes(64 * MiB)]),
    );
    const workspace = await env.workspace(testConfig('  develop: g\n'), {}, big);
    const result = await env.run({ workspace, cancel: { when: /digesting/ } });
    expectCancelledInTime(result);
    expect(result.stdout).not.toContain('uploading the bundle');
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed', status: 'cancelled' });
  });

  it('during the upload: no part sent after the cancel, the multipart upload aborted; status cancelled', async (context) => {
    const env = await setup(context);
    env.s3Faults.decide = s3Faults({ operation: 'UploadPart', fault: { kind: 'delay', ms: 1_500 } }).decide;
    const workspace = await env.workspace(
      testConfig('  develop: g\n'),
      {},
      {
        'app/site/big.bin': randomBytes(30 * MiB),
      },
    );
    const result = await env.run({ workspace, cancel: { when: /uploading the bundle/ } });
    expectCancelledInTime(result);
    const cancelledAt = Date.now() - result.cancelled!.exitedAfterMs;
    const partsAfter = env.s3Proxy.requests.filter(
      (request) => request.url.includes('partNumber=') && request.time > cancelledAt + 200,
    );
    expect(partsAfter, 'parts sent after the cancel').toEqual([]);
    expect(await danglingUploads(env)).toBe(0);
    const objects = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket }));
    expect(objects.Contents?.filter((object) => object.Key?.endsWith('.zip')) ?? []).toEqual([]);
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed', status: 'cancelled' });
  });

  it('during the backoff of a throttled CreateDeployment: no CreateDeployment after the cancel', async (context) => {
    const env = await setup(context);
    let throttled!: () => void;
    const firstThrottle = new Promise<void>((resolve) => {
      throttled = resolve;
    });
    env.faults.decide = codeDeployFaults({
      operation: 'CreateDeployment',
      fault: () => {
        throttled();
        return codeDeployError('ThrottlingException', 'Rate exceeded');
      },
    }).decide;
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n')),
      cancel: { when: firstThrottle },
    });
    expectCancelledInTime(result);
    const creates = env.proxy.requests.filter((request) =>
      String(request.headers['x-amz-target']).endsWith('.CreateDeployment'),
    );
    expect(creates).toHaveLength(1);
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed', status: 'cancelled' });
  });

  it('while following: the deployment is stopped and named; status stopped', async (context) => {
    const env = await setup(context);
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n'), { slowGroups: ['g'], slowSeconds: 30 }),
      cancel: { when: /g: d-\w+ InProgress/ },
    });
    expectCancelledInTime(result);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'stopped' });
    const [created] = createdOn(env, 'g');
    const { deploymentInfo } = await env.client.send(
      new GetDeploymentCommand({ deploymentId: created!.deploymentId! }),
    );
    expect(['Stopped', 'InProgress']).toContain(deploymentInfo?.status);
    expect(deploymentsOf(result)[0]).toMatchObject({ id: created!.deploymentId, status: 'stopped' });
  });

  it('while GitHub’s API hangs as the run reports its end: the outputs and summary are still written in time', async (context) => {
    const env = await setup(context);
    const github = new FakeGitHub();
    await github.start();
    context.onTestFinished(() => github.stop());
    // The deployment's start is told; its end (and anything after the cancel) never gets an answer.
    github.hangWhen = (request) =>
      request.method === 'POST' &&
      request.path.endsWith('/statuses') &&
      (request.body as { state?: string } | undefined)?.state !== 'in_progress';
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n'), { slowGroups: ['g'], slowSeconds: 30 }),
      inputs: { 'github-token': 'ghs_cancel_test' },
      env: { GITHUB_API_URL: github.url },
      cancel: { when: /g: d-\w+ InProgress/ },
    });
    expectCancelledInTime(result);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'stopped' });
    const ends = github.requests.filter((request) => request.path.endsWith('/statuses')).slice(1);
    expect(ends.length, 'the end was told to GitHub (and hung)').toBeGreaterThan(0);
    // Cut short at the grace's end, not retried, and said: the CodeDeploy result stands.
    expect(result.stdout).toMatch(/::warning[^\n]*GitHub deployments: [^\n]*the workflow was cancelled/);
  });

  it('during a teardown: what ran there is stopped, the group is kept and the report says so', async (context) => {
    const env = await setup(context);
    await env.createGroups(['tpl']);
    const config = previewConfig();
    const workspace = await env.workspace(config, { slowGroups: ['pr-7'], slowSeconds: 30 });
    const opened = await env.run({
      workspace,
      eventName: 'pull_request',
      payload: pullRequestEvent('opened'),
      inputs: { wait: 'false' },
    });
    expect(opened.code, opened.stdout).toBe(0);
    const [running] = createdOn(env, 'pr-7');
    const closed = await env.run({
      workspace,
      eventName: 'pull_request',
      payload: pullRequestEvent('closed'),
      cancel: { when: /pr-7: stopping d-\w+ \(the pull request was closed\)/ },
    });
    expectCancelledInTime(closed);
    await expectSafeOutcome(env, closed, {
      created: { 'pr-7': 0 },
      others: [running!.deploymentId!],
      exit: 'failed',
      status: 'cancelled',
    });
    expect(deploymentsOf(closed)[0]).toMatchObject({ group: 'pr-7', status: 'cancelled' });
    const group = await env.client.send(
      new GetDeploymentGroupCommand({ applicationName: env.application, deploymentGroupName: 'pr-7' }),
    );
    expect(group.deploymentGroupInfo?.deploymentGroupName).toBe('pr-7');
  });
});
