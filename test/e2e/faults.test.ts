import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, inject, it, type TestContext } from 'vitest';
import {
  type DeployEnv,
  type DeployEnvOptions,
  previewConfig,
  pullRequestEvent,
  startDeployEnv,
  testConfig,
} from '../helpers/deploy-env.js';
import {
  codeDeployError,
  codeDeployFaults,
  isWrite,
  s3Error,
  s3Faults,
  s3Operation,
} from '../helpers/fault-proxy.js';
import { createdOn, danglingUploads, deploymentsOf, expectSafeOutcome } from '../helpers/run-checks.js';

/**
 * Fault injection: the bundled action against moto S3 and the local CodeDeploy, with a fault proxy
 * in front of each endpoint. Every scenario checks the same invariants (expectSafeOutcome): one
 * deployment per group at most, an exit code that matches what happened, nothing left running
 * unannounced. docs/reliability.md lists them.
 */
const moto = inject('motoEndpoint');
const MiB = 1024 * 1024;

/** A fresh environment per scenario (concurrent scenarios share nothing but moto), stopped after it. */
async function setup(context: TestContext, options: DeployEnvOptions = {}): Promise<DeployEnv> {
  const env = await startDeployEnv(moto, options);
  context.onTestFinished(() => env.stop());
  return env;
}

/** A workspace whose bundle needs a multipart upload (5 MiB parts): 3 parts. */
async function bigWorkspace(env: DeployEnv, group: string): Promise<string> {
  return env.workspace(
    testConfig(`  develop: ${group}\n`),
    {},
    { 'app/site/big.bin': randomBytes(12 * MiB) },
  );
}

const slowDown = s3Error('SlowDown', 'Please reduce your request rate.', 503);
const throttled = codeDeployError('ThrottlingException', 'Rate exceeded');
const accessDenied = (operation: string) =>
  codeDeployError(
    'AccessDeniedException',
    `User: arn:aws:sts::123456789012:assumed-role/gh-deploy/run is not authorized to perform: codedeploy:${operation}`,
  );
const s3Denied = s3Error('AccessDenied', 'Access Denied', 403);

describe.concurrent('S3 faults during the upload', () => {
  it('503 SlowDown on multipart parts: retried with backoff, deployed once', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = s3Faults({ operation: 'UploadPart', fault: slowDown, times: 3 });
    env.s3Faults.decide = faults.decide;
    const result = await env.run({ workspace: await bigWorkspace(env, 'g') });
    expect(faults.injected()).toBe(3);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
    expect(await danglingUploads(env)).toBe(0);
  });

  it('503 SlowDown on every part: the upload is aborted, nothing left in S3, nothing deployed', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.s3Faults.decide = s3Faults({ operation: 'UploadPart', fault: slowDown }).decide;
    const result = await env.run({ workspace: await bigWorkspace(env, 'g') });
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed' });
    expect(result.stdout).toMatch(/S3 PutObject on s3:\/\/e2e-[^ ]+ failed \(SlowDown, HTTP 503/);
    expect(await danglingUploads(env)).toBe(0);
  });

  it('a connection reset mid-part: the part is sent again, deployed once', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = s3Faults({ operation: 'UploadPart', fault: { kind: 'reset', afterBytes: MiB }, times: 1 });
    env.s3Faults.decide = faults.decide;
    const result = await env.run({ workspace: await bigWorkspace(env, 'g') });
    expect(faults.injected()).toBe(1);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
    expect(await danglingUploads(env)).toBe(0);
  });

  it('connection resets on every part: aborted, ListMultipartUploads empty, nothing deployed', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.s3Faults.decide = s3Faults({
      operation: 'UploadPart',
      fault: { kind: 'reset', afterBytes: MiB },
    }).decide;
    const result = await env.run({ workspace: await bigWorkspace(env, 'g') });
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed' });
    expect(result.stdout).toContain('could not reach S3 for PutObject');
    expect(env.s3Proxy.requests.some((r) => r.method === 'DELETE' && r.url.includes('uploadId='))).toBe(true);
    expect(await danglingUploads(env)).toBe(0);
  });

  it('slow S3 answers (every part 1.5 s late): deployed once', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.s3Faults.decide = s3Faults({ operation: 'UploadPart', fault: { kind: 'delay', ms: 1500 } }).decide;
    const result = await env.run({ workspace: await bigWorkspace(env, 'g') });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
  });

  it('a lost PutObject answer: the put is repeated (idempotent), deployed once', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = s3Faults({ operation: 'PutObject', fault: { kind: 'lose-response' }, times: 1 });
    env.s3Faults.decide = faults.decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    expect(faults.injected()).toBe(1);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
  });
});

describe.concurrent('CodeDeploy faults', () => {
  it('throttled CreateDeployment (3 times): retried with backoff, deployed once', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = codeDeployFaults({ operation: 'CreateDeployment', fault: throttled, times: 3 });
    env.faults.decide = faults.decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    expect(faults.injected()).toBe(3);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
  });

  it('CreateDeployment throttled for good: fails naming the throttling, nothing deployed', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.faults.decide = codeDeployFaults({ operation: 'CreateDeployment', fault: throttled }).decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed', status: 'failed' });
    expect(result.stdout).toContain('ThrottlingException');
  });

  it('503 on CreateDeployment (twice): retried, deployed once', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = codeDeployFaults({
      operation: 'CreateDeployment',
      fault: codeDeployError('InternalFailure', 'Service Unavailable', 503),
      times: 2,
    });
    env.faults.decide = faults.decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    expect(faults.injected()).toBe(2);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
  });

  it('throttled polling (6 times, past the SDK retries): slows down and follows to the end', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = codeDeployFaults({ operation: 'BatchGetDeployments', fault: throttled, times: 6 });
    env.faults.decide = faults.decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    expect(faults.injected()).toBe(6);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
    expect(result.stdout).toContain('CodeDeploy is throttling the status calls; slowing down (1)');
  });

  it('connection resets while polling (6 times): keeps following, no second deployment', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = codeDeployFaults({ operation: 'BatchGetDeployments', fault: { kind: 'reset' }, times: 6 });
    env.faults.decide = faults.decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    expect(faults.injected()).toBe(6);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
  });

  it('slow status answers (every poll 2 s late): follows to the end', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.faults.decide = codeDeployFaults({
      operation: 'BatchGetDeployments',
      fault: { kind: 'delay', ms: 2000 },
    }).decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
  });

  it('500 on GetDeploymentGroup during preflight (twice): retried, deployed once', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.faults.decide = codeDeployFaults({
      operation: 'GetDeploymentGroup',
      fault: codeDeployError('InternalFailure', 'Internal error', 500),
      times: 2,
    }).decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
  });

  it('a lost CreateDeployment answer: the action adopts its own deployment instead of creating another', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = codeDeployFaults({
      operation: 'CreateDeployment',
      fault: { kind: 'lose-response' },
      times: 1,
    });
    env.faults.decide = faults.decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    expect(faults.injected()).toBe(1);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
    const [created] = createdOn(env, 'g');
    expect(deploymentsOf(result)[0]?.id).toBe(created?.deploymentId);
    expect(result.stdout).toContain(
      `but deployment ${created?.deploymentId} of this run exists; following it`,
    );
  });

  it('a lost CreateDeployment answer on a deployment that ends at once (NO_INSTANCES): still no second one', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g'], {
      ec2TagFilters: [{ Key: 'local:instances', Value: '0', Type: 'KEY_AND_VALUE' }],
    });
    env.faults.decide = codeDeployFaults({
      operation: 'CreateDeployment',
      fault: { kind: 'lose-response' },
      times: 1,
    }).decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'failed' });
    expect(result.stdout).toContain('NO_INSTANCES');
  });
});

describe.concurrent('calls that never answer', () => {
  const hang = { kind: 'hang' } as const;

  it('BatchGetDeployments never answers (wait: 8s): the wait still ends, the deployment is stopped and named', {
    timeout: 200_000,
  }, async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.faults.decide = codeDeployFaults({ operation: 'BatchGetDeployments', fault: hang }).decide;
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n', '  wait: 8s\n'), {
        slowGroups: ['g'],
        slowSeconds: 60,
      }),
    });
    // The wait, StopDeployment, then up to 2 minutes for CodeDeploy to say Stopped (as a hook may
    // take to end), every call bounded.
    await expectSafeOutcome(env, result, {
      created: { g: 1 },
      exit: 'failed',
      status: 'failed',
      withinSeconds: 8 + 120 + 40,
    });
    expect(result.summary).toContain('it was asked to stop, but CodeDeploy had not said it stopped');
    const [created] = createdOn(env, 'g');
    expect(result.stdout).toContain(`g: stopping deployment ${created?.deploymentId} (the wait timed out)`);
    expect((await env.codedeploy.waitForDeployment(created!.deploymentId!)).status).toBe('Stopped');
  });

  it('BatchGetDeployments never answers, then SIGINT: the run stops the deployment and ends before SIGTERM', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.faults.decide = codeDeployFaults({ operation: 'BatchGetDeployments', fault: hang }).decide;
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n'), { slowGroups: ['g'], slowSeconds: 60 }),
      cancel: { when: /g: created deployment d-\w+/ },
    });
    expect(result.cancelled?.signals).toEqual(['SIGINT']);
    expect(result.cancelled!.exitedAfterMs).toBeLessThan(7_500);
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed' });
    const [created] = createdOn(env, 'g');
    expect((await env.codedeploy.waitForDeployment(created!.deploymentId!)).status).toBe('Stopped');
  });
});

describe.concurrent('the source folder', () => {
  it('a revision.source that is a link out of the checkout: refused, nothing written', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const workspace = await env.workspace(testConfig('  develop: g\n'));
    const outside = await mkdtemp(join(tmpdir(), 'cdg-outside-'));
    context.onTestFinished(() => rm(outside, { recursive: true, force: true }));
    await rename(join(workspace, 'app'), join(outside, 'app'));
    await symlink(join(outside, 'app'), join(workspace, 'app'));
    const result = await env.run({ workspace });
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed', status: 'failed' });
    expect(result.stdout).toContain('revision.source "app" leads outside the workspace');
    expect(env.s3Proxy.requests.filter((request) => isWrite(s3Operation(request)))).toEqual([]);
  });
});

describe.concurrent('deployments that end badly', () => {
  it('NO_INSTANCES (a group with no instances): failed, with the reason', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g'], {
      ec2TagFilters: [{ Key: 'local:instances', Value: '0', Type: 'KEY_AND_VALUE' }],
    });
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'failed' });
    expect(result.stdout).toContain('NO_INSTANCES');
  });

  it('stopped from outside while the action follows it: reported stopped, non-zero exit', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const run = env.run({
      workspace: await env.workspace(testConfig('  develop: g\n'), { slowGroups: ['g'], slowSeconds: 20 }),
    });
    const id = await firstDeployment(env, 'g');
    await waitForStatus(env, id, 'InProgress');
    await env.client.send(new StopDeploymentCommand({ deploymentId: id }));
    const result = await run;
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'stopped' });
    expect(deploymentsOf(result)[0]).toMatchObject({ id, status: 'stopped' });
  });
});

describe.concurrent('another deployment starts between our check and our CreateDeployment (DeploymentLimitExceeded)', () => {
  it.for(['wait', 'stop', 'fail'] as const)('onActiveDeployment: %s', async (setting, context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    let competitor: string | undefined;
    env.faults.decide = codeDeployFaults({
      operation: 'CreateDeployment',
      times: 1,
      // Just before our request reaches CodeDeploy, someone else's deployment starts on the group.
      fault: async () => {
        competitor = await startCompetitor(env, 'g');
        return { kind: 'pass' };
      },
    }).decide;
    // Slow enough that "stop" reaches the competitor while it still runs, even on a loaded machine.
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n', `  onActiveDeployment: ${setting}\n`), {
        slowGroups: ['g'],
        slowSeconds: 5,
      }),
    });
    expect(competitor).toMatch(/^d-/);
    const others = [competitor!];
    const competitorStatus = (await env.codedeploy.waitForDeployment(competitor!)).status;
    if (setting === 'fail') {
      await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed', status: 'failed', others });
      expect(result.stdout).toContain(`deployment ${competitor} is still running on the group`);
      expect(competitorStatus).toBe('Succeeded');
    } else {
      await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded', others });
      expect(competitorStatus).toBe(setting === 'stop' ? 'Stopped' : 'Succeeded');
    }
  });

  it('DeploymentLimitExceeded for good, with nothing to wait for: fails saying so, nothing deployed', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.faults.decide = codeDeployFaults({
      operation: 'CreateDeployment',
      fault: codeDeployError(
        'DeploymentLimitExceededException',
        "The Deployment Group 'g' already has an active Deployment",
      ),
    }).decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed', status: 'failed' });
    expect(result.stdout).toContain('g: the group kept getting new deployments from elsewhere');
  });
});

describe.concurrent('the deployment itself goes wrong', () => {
  it('a failing hook: failed, and the automatic rollback is reported', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const config = testConfig('  develop: g\n', '  autoRollback: [DEPLOYMENT_FAILURE]\n');
    const good = await env.run({ workspace: await env.workspace(config, { version: 'good' }) });
    expect(good.code).toBe(0);
    const bad = await env.run({
      workspace: await env.workspace(config, { version: 'bad', failGroups: ['g'] }),
      sha: 'b'.repeat(40),
    });
    const before = createdOn(env, 'g')
      .slice(0, 1)
      .map((call) => call.deploymentId!);
    await expectSafeOutcome(env, bad, {
      created: { g: 1 },
      exit: 'failed',
      status: 'failed',
      others: before,
    });
    const [report] = deploymentsOf(bad);
    expect(report).toMatchObject({ status: 'failed', rollbackId: expect.stringMatching(/^d-/) });
    expect(bad.stdout).toContain(`g: CodeDeploy is rolling back with deployment ${report!.rollbackId}`);
    expect(bad.summary).toContain(report!.rollbackId!);
  });

  it('an agent that never answers (a hook sleeping past the wait): stopped at the timeout', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n', '  wait: 4s\n'), {
        slowGroups: ['g'],
        slowSeconds: 60,
      }),
    });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'stopped' });
    expect(result.stdout).toContain('g: stopping deployment');
    expect(result.stdout).toContain('the wait timed out');
  });

  it('SIGINT while polling: the deployment is stopped with rollback, reported, non-zero exit', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const config = testConfig(
      '  develop: g\n',
      '  autoRollback: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST]\n',
    );
    expect((await env.run({ workspace: await env.workspace(config) })).code).toBe(0);
    const before = createdOn(env, 'g').map((call) => call.deploymentId!);
    const result = await env.run({
      workspace: await env.workspace(config, { version: '2', slowGroups: ['g'], slowSeconds: 30 }),
      sha: 'd'.repeat(40),
      cancel: { when: /g: d-\w+ InProgress/ },
    });
    await expectSafeOutcome(env, result, {
      created: { g: 1 },
      exit: 'failed',
      status: 'stopped',
      others: before,
    });
    expect(deploymentsOf(result)[0]).toMatchObject({
      status: 'stopped',
      rollbackId: expect.stringMatching(/^d-/),
    });
  });

  it('the local CodeDeploy restarted mid-deployment: the action keeps following and reports the failure the restart caused', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    // The first instance's ValidateService sleeps well past the restart: its agent "goes away"
    // mid-event, which fails the instance, and with it the deployment (OneAtATime).
    const run = env.run({
      workspace: await env.workspace(testConfig('  develop: g\n'), { slowGroups: ['g'], slowSeconds: 8 }),
    });
    const id = await firstDeployment(env, 'g');
    await waitForStatus(env, id, 'InProgress');
    await env.restartCodeDeploy();
    const result = await run;
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'failed' });
    expect((await env.codedeploy.waitForDeployment(id)).status).toBe('Failed');
    expect(deploymentsOf(result)[0]).toMatchObject({ id, status: 'failed' });
  });
});

describe.concurrent('AccessDenied: fails at once and names the permission', () => {
  it.for([
    ['GetApplication', 'codedeploy:GetApplication'],
    ['GetDeploymentGroup', 'codedeploy:GetDeploymentGroup'],
    ['ListDeployments', 'codedeploy:ListDeployments'],
    ['CreateDeployment', 'codedeploy:CreateDeployment'],
  ] as const)('CodeDeploy %s', async ([operation, permission], context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = codeDeployFaults({ operation, fault: accessDenied(operation) });
    env.faults.decide = faults.decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed' });
    expect(faults.injected()).toBe(1);
    expect(result.stdout).toContain(`AWS refused ${permission} on`);
    expect(result.stdout).toContain(`allow "${permission}"`);
  });

  it('CodeDeploy BatchGetDeployments while following: fails at once, and says the deployment is left running', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const faults = codeDeployFaults({
      operation: 'BatchGetDeployments',
      fault: accessDenied('BatchGetDeployments'),
    });
    env.faults.decide = faults.decide;
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n'), { slowGroups: ['g'], slowSeconds: 3 }),
    });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed' });
    expect(faults.injected()).toBe(1);
    const [created] = createdOn(env, 'g');
    expect(result.stdout).toContain('allow "codedeploy:BatchGetDeployments"');
    expect(result.stdout).toContain(
      `g: deployment ${created?.deploymentId} is still running, and this run can no longer follow it`,
    );
  });

  it('CodeDeploy GetDeployment (rollback input): fails before creating anything', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    const config = testConfig('  develop: g\n');
    expect((await env.run({ workspace: await env.workspace(config) })).code).toBe(0);
    const before = createdOn(env, 'g').map((call) => call.deploymentId!);
    const faults = codeDeployFaults({ operation: 'GetDeployment', fault: accessDenied('GetDeployment') });
    env.faults.decide = faults.decide;
    const result = await env.run({
      workspace: await env.workspace(config),
      eventName: 'workflow_dispatch',
      inputs: { rollback: 'true' },
    });
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed', others: before });
    expect(faults.injected()).toBe(1);
    expect(result.stdout).toContain('allow "codedeploy:GetDeployment"');
  });

  it('CodeDeploy StopDeployment at the timeout: says it could not stop it and that it still runs', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.faults.decide = codeDeployFaults({
      operation: 'StopDeployment',
      fault: accessDenied('StopDeployment'),
    }).decide;
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n', '  wait: 3s\n'), {
        slowGroups: ['g'],
        slowSeconds: 15,
      }),
    });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'failed' });
    const [created] = createdOn(env, 'g');
    expect(result.stdout).toContain(`g: could not stop ${created?.deploymentId}, which is still running`);
    expect(deploymentsOf(result)[0]).toMatchObject({ status: 'in-progress' });
    expect(result.summary).toContain('it could not be stopped: it is still running');
    expect(result.stdout).toContain('allow "codedeploy:StopDeployment"');
  });

  it.for(['ListDeploymentTargets', 'BatchGetDeploymentTargets'])(
    'CodeDeploy %s (diagnostics of a failed deployment): the run still fails, with a warning naming it',
    async (operation, context) => {
      const env = await setup(context);
      await env.createGroups(['g']);
      env.faults.decide = codeDeployFaults({ operation, fault: accessDenied(operation) }).decide;
      const result = await env.run({
        workspace: await env.workspace(testConfig('  develop: g\n'), { failGroups: ['g'] }),
      });
      await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'failed', status: 'failed' });
      expect(result.stdout).toContain('could not read the instance diagnostics');
      expect(result.stdout).toContain(`allow "codedeploy:${operation}"`);
    },
  );

  it('CodeDeploy CreateApplication (createApplication: true): fails, nothing deployed', async (context) => {
    const env = await setup(context);
    const application = `${env.application}-new`;
    const config = testConfig('  develop: g\n', '').replace(
      'application: APPLICATION',
      `application: ${application}\ncreateApplication: true`,
    );
    env.faults.decide = codeDeployFaults({
      operation: 'CreateApplication',
      fault: accessDenied('CreateApplication'),
    }).decide;
    const result = await env.run({ workspace: await env.workspace(config) });
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed' });
    expect(result.stdout).toContain('allow "codedeploy:CreateApplication"');
  });

  it('CodeDeploy CreateDeploymentGroup (group from a template): fails, nothing deployed', async (context) => {
    const env = await setup(context);
    await env.createGroups(['tpl']);
    env.faults.decide = codeDeployFaults({
      operation: 'CreateDeploymentGroup',
      fault: accessDenied('CreateDeploymentGroup'),
    }).decide;
    const result = await env.run({
      workspace: await env.workspace(
        testConfig("  'feature/*':\n    deploymentGroup: f-{name}\n    create: { from: tpl }\n"),
      ),
      branch: 'feature/x',
    });
    await expectSafeOutcome(env, result, { created: { 'f-x': 0 }, exit: 'failed' });
    expect(result.stdout).toContain('allow "codedeploy:CreateDeploymentGroup"');
  });

  it('CodeDeploy DeleteDeploymentGroup (closed pull request): fails naming it, the group kept', async (context) => {
    const env = await setup(context);
    await env.createGroups(['tpl']);
    const config = previewConfig();
    const workspace = await env.workspace(config);
    const opened = await env.run({
      workspace,
      eventName: 'pull_request',
      payload: pullRequestEvent('opened'),
    });
    expect(opened.code, opened.stdout).toBe(0);
    env.faults.decide = codeDeployFaults({
      operation: 'DeleteDeploymentGroup',
      fault: accessDenied('DeleteDeploymentGroup'),
    }).decide;
    const closed = await env.run({
      workspace,
      eventName: 'pull_request',
      payload: pullRequestEvent('closed'),
    });
    const before = createdOn(env, 'pr-7').map((call) => call.deploymentId!);
    await expectSafeOutcome(env, closed, { created: { 'pr-7': 0 }, exit: 'failed', others: before });
    expect(closed.stdout).toContain('allow "codedeploy:DeleteDeploymentGroup"');
  });

  it('S3 HeadObject 403: warns that redeploys cannot reuse the bundle, uploads and deploys', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.s3Faults.decide = s3Faults({ operation: 'HeadObject', fault: s3Denied }).decide;
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: g\n')) });
    await expectSafeOutcome(env, result, { created: { g: 1 }, exit: 'ok', status: 'succeeded' });
    expect(result.stdout).toContain('S3 answered 403 to HeadObject');
    expect(result.stdout).toContain('allow s3:GetObject');
  });

  it.for([
    ['PutObject', false],
    ['CreateMultipartUpload', true],
    ['UploadPart', true],
  ] as const)(
    'S3 %s 403: fails naming s3:PutObject, nothing deployed, nothing left',
    async ([operation, big], context) => {
      const env = await setup(context);
      await env.createGroups(['g']);
      const faults = s3Faults({ operation, fault: s3Denied });
      env.s3Faults.decide = faults.decide;
      const workspace = big
        ? await bigWorkspace(env, 'g')
        : await env.workspace(testConfig('  develop: g\n'));
      const result = await env.run({ workspace });
      await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed' });
      expect(faults.injected()).toBeLessThanOrEqual(2);
      expect(result.stdout).toContain('S3 denied PutObject on');
      expect(result.stdout).toContain('allow s3:PutObject');
      expect(await danglingUploads(env)).toBe(0);
    },
  );

  it('S3 ListObjectsV2 403 (redeploy of a commit): fails naming s3:ListBucket', async (context) => {
    const env = await setup(context);
    await env.createGroups(['g']);
    env.s3Faults.decide = s3Faults({ operation: 'ListObjectsV2', fault: s3Denied }).decide;
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: g\n')),
      eventName: 'workflow_dispatch',
      inputs: { revision: 'abcdef1' },
    });
    await expectSafeOutcome(env, result, { created: { g: 0 }, exit: 'failed' });
    expect(result.stdout).toContain('allow s3:ListBucket');
  });

  it.for([
    ['PutObject', 'opened', 's3:PutObject'],
    ['GetObject', 'closed', 's3:GetObject'],
  ] as const)(
    'S3 %s 403 on the group ledger (pull request %s): fails naming %s',
    async ([operation, action, permission], context) => {
      const env = await setup(context);
      await env.createGroups(['tpl']);
      const config = previewConfig();
      const workspace = await env.workspace(config);
      if (action === 'closed') {
        const opened = await env.run({
          workspace,
          eventName: 'pull_request',
          payload: pullRequestEvent('opened'),
        });
        expect(opened.code, opened.stdout).toBe(0);
      }
      const before = createdOn(env, 'pr-7').map((call) => call.deploymentId!);
      env.s3Faults.decide = s3Faults({
        operation,
        fault: s3Denied,
        when: (request) => request.url.includes('.codedeploy-gitops'),
      }).decide;
      const result = await env.run({
        workspace,
        eventName: 'pull_request',
        payload: pullRequestEvent(action),
      });
      await expectSafeOutcome(env, result, { created: { 'pr-7': 0 }, exit: 'failed', others: before });
      expect(result.stdout).toContain(`allow ${permission} on`);
    },
  );
});

/** Someone else's deployment of the bundle the run uploaded, straight to the local CodeDeploy. */
async function startCompetitor(env: DeployEnv, group: string): Promise<string> {
  const listed = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket }));
  const key = listed.Contents?.find((object) => object.Key?.endsWith('.zip'))?.Key;
  const { deploymentId } = await env.client.send(
    new CreateDeploymentCommand({
      applicationName: env.application,
      deploymentGroupName: group,
      revision: { revisionType: 'S3', s3Location: { bucket: env.bucket, key, bundleType: 'zip' } },
      description: 'a deployment from elsewhere',
    }),
  );
  return deploymentId!;
}

async function firstDeployment(env: DeployEnv, group: string): Promise<string> {
  for (;;) {
    const [call] = createdOn(env, group);
    if (call?.deploymentId) return call.deploymentId;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForStatus(env: DeployEnv, id: string, status: string): Promise<void> {
  for (;;) {
    const { deploymentInfo } = await env.client.send(new GetDeploymentCommand({ deploymentId: id }));
    if (deploymentInfo?.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
