import { GetApplicationCommand, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DeployEnv, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { codeDeployError, codeDeployOperation } from '../helpers/fault-proxy.js';
import { deploymentsOf, show } from '../helpers/run-checks.js';
import type { RunnerResult } from '../helpers/runner.js';

let env: DeployEnv;
beforeAll(async () => {
  env = await startDeployEnv(inject('motoEndpoint'));
});
afterAll(() => env?.stop());

const deployments = deploymentsOf;
const statusOf = (result: RunnerResult) => deployments(result).map((d) => [d.group, d.status]);
const createCalls = (group: string) =>
  env.codedeploy.calls({ operation: 'CreateDeployment', deploymentGroupName: group });
const deployedKey = async (id: string) =>
  (await env.client.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo?.revision?.s3Location
    ?.key;

describe.concurrent('deploying with the bundled action (moto S3 + local CodeDeploy)', () => {
  it('deploys one revision to 3 groups in parallel', async () => {
    await env.createGroups(['p-staging', 'p-test1', 'p-test2']);
    const workspace = await env.workspace(testConfig('  develop: [p-staging, p-test1, p-test2]\n'));
    const result = await env.run({ workspace });
    show(result);
    expect(result.code).toBe(0);
    expect(result.outputs.status).toBe('succeeded');
    expect(statusOf(result)).toEqual([
      ['p-staging', 'succeeded'],
      ['p-test1', 'succeeded'],
      ['p-test2', 'succeeded'],
    ]);
    const keys = await Promise.all(deployments(result).map((d) => deployedKey(d.id!)));
    expect(new Set(keys).size).toBe(1);
    for (const group of ['p-staging', 'p-test1', 'p-test2']) expect(createCalls(group)).toHaveLength(1);
  });

  it("links each deployment to the local CodeDeploy's own console, in the outputs, the log and the summary", async () => {
    await env.createGroups(['link']);
    const result = await env.run({ workspace: await env.workspace(testConfig('  develop: link\n')) });
    expect(result.code, result.stdout).toBe(0);
    const [deployment] = deployments(result);
    const url = `${env.proxy.endpoint}/console/deployments/${deployment!.id}`;
    expect(deployment!.url).toBe(url);
    expect(result.stdout).toContain(`link: created deployment ${deployment!.id} — ${url}`);
    expect(result.summary).toContain(`(${url})`);
    expect(result.stdout).not.toContain('console.aws.amazon.com');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(deployment!.id);
  });

  it('sequential: stops at the first failure, the rest not started', async () => {
    await env.createGroups(['s-a', 's-b', 's-c']);
    const workspace = await env.workspace(
      testConfig('  develop:\n    deploymentGroups: [s-a, s-b, s-c]\n    strategy: sequential\n'),
      { failGroups: ['s-b'] },
    );
    const result = await env.run({ workspace });
    show(result);
    expect(result.code).not.toBe(0);
    expect(result.outputs.status).toBe('failed');
    expect(statusOf(result)).toEqual([
      ['s-a', 'succeeded'],
      ['s-b', 'failed'],
      ['s-c', 'not-started'],
    ]);
    expect(createCalls('s-c')).toHaveLength(0);
    expect(result.stdout).toContain('not started: s-b did not succeed (strategy: sequential)');
  });

  it('a failing hook is explained: instance, event, script, exit code and log tail', async () => {
    await env.createGroups(['f-a']);
    const workspace = await env.workspace(testConfig('  develop: f-a\n'), { failGroups: ['f-a'] });
    const result = await env.run({ workspace });
    show(result);
    expect(result.code).not.toBe(0);
    const errors = result.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^f-a › i-[0-9a-f]+: ValidateService failed \(ScriptFailed\) in scripts\/validate\.sh: Script at specified location: scripts\/validate\.sh failed with exit code 3/,
      ),
    );
    expect(result.stdout).toContain('GET http://127.0.0.1/health -> 503 on f-a');
  });

  it('reports the automatic rollback and its outcome', async () => {
    await env.createGroups(['r-a']);
    const config = testConfig('  develop: r-a\n', '  autoRollback: [DEPLOYMENT_FAILURE]\n');
    const good = await env.run({ workspace: await env.workspace(config, { version: 'good' }) });
    expect(good.code).toBe(0);
    const bad = await env.run({
      workspace: await env.workspace(config, { version: 'bad', failGroups: ['r-a'] }),
      sha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    });
    show(bad);
    expect(bad.code).not.toBe(0);
    const [report] = deployments(bad);
    expect(report).toMatchObject({
      group: 'r-a',
      status: 'failed',
      rollbackId: expect.stringMatching(/^d-/),
    });
    expect(bad.stdout).toContain(`r-a: CodeDeploy is rolling back with deployment ${report!.rollbackId}`);
    expect(bad.stdout).toMatch(new RegExp(`r-a \\(rollback\\): ${report!.rollbackId} Succeeded`));
    expect(await deployedKey(report!.rollbackId!)).toBe(await deployedKey(deployments(good)[0]!.id!));
  });

  it.each(['wait', 'stop', 'fail'] as const)(
    'a group already deploying: onActiveDeployment %s',
    async (setting) => {
      const group = `active-${setting}`;
      await env.createGroups([group]);
      const slow = env.run({
        workspace: await env.workspace(testConfig(`  develop: ${group}\n`), {
          slowGroups: [group],
          slowSeconds: 6,
        }),
        sha: 'cccccccccccccccccccccccccccccccccccccccc',
      });
      // Start the second run once the first one's deployment exists.
      while (createCalls(group).length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const second = await env.run({
        workspace: await env.workspace(
          testConfig(`  develop: ${group}\n`, `  onActiveDeployment: ${setting}\n`),
        ),
      });
      const first = await slow;
      show(second);
      const firstId = deployments(first)[0]!.id!;
      if (setting === 'wait') {
        expect(first.outputs.status).toBe('succeeded');
        expect(second.outputs.status).toBe('succeeded');
        expect(second.stdout).toContain(`waiting for the active deployment ${firstId} to finish`);
      } else if (setting === 'stop') {
        expect(first.outputs.status).toBe('stopped');
        expect(second.outputs.status).toBe('succeeded');
        expect(second.stdout).toContain(`stopping the active deployment ${firstId}`);
      } else {
        expect(first.outputs.status).toBe('succeeded');
        expect(second.code).not.toBe(0);
        expect(second.stdout).toContain(`deployment ${firstId} (commit ccccccc`);
        expect(createCalls(group)).toHaveLength(1);
      }
    },
  );

  it('cancellation: stops the deployment with rollback, reports, exits non-zero', async () => {
    await env.createGroups(['c-a']);
    const config = testConfig(
      '  develop: c-a\n',
      '  autoRollback: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST]\n',
    );
    expect((await env.run({ workspace: await env.workspace(config) })).code).toBe(0);
    const result = await env.run({
      workspace: await env.workspace(config, { version: '2', slowGroups: ['c-a'], slowSeconds: 30 }),
      sha: 'dddddddddddddddddddddddddddddddddddddddd',
      cancel: { when: /c-a: d-\w+ InProgress/ },
    });
    show(result);
    expect(result.code).not.toBe(0);
    expect(result.outputs.status).toBe('stopped');
    const [report] = deployments(result);
    expect(report).toMatchObject({ status: 'stopped', rollbackId: expect.stringMatching(/^d-/) });
    expect(result.stdout).toContain('stopping deployment');
    const info = await env.client.send(new GetDeploymentCommand({ deploymentId: report!.id! }));
    expect(info.deploymentInfo?.status).toBe('Stopped');
  });

  it('timeout: stops what still runs and fails', async () => {
    await env.createGroups(['t-a']);
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: t-a\n', '  wait: 4s\n'), {
        slowGroups: ['t-a'],
        slowSeconds: 30,
      }),
    });
    show(result);
    expect(result.code).not.toBe(0);
    expect(result.outputs.status).toBe('stopped');
    expect(result.stdout).toContain('the wait timed out');
  });

  it('creates a missing group from its template and records that it did', async () => {
    await env.createGroups(['tpl-staging'], {
      ec2TagFilters: [{ Key: 'Environment', Value: 'feature-{name}', Type: 'KEY_AND_VALUE' }],
    });
    const workspace = await env.workspace(
      testConfig("  'feature/*':\n    deploymentGroup: feature-{name}\n    create: { from: tpl-staging }\n"),
    );
    const result = await env.run({ workspace, branch: 'feature/login' });
    show(result);
    expect(result.code).toBe(0);
    expect(statusOf(result)).toEqual([['feature-login', 'succeeded']]);
    expect(result.stdout).toContain('Created deployment group "feature-login" from "tpl-staging"');
    const created = env.codedeploy.calls({
      operation: 'CreateDeploymentGroup',
      deploymentGroupName: 'feature-login',
    });
    expect(created).toHaveLength(1);
    const marker = await env.s3.send(
      new HeadObjectCommand({
        Bucket: env.bucket,
        Key: `${env.application}/.codedeploy-gitops/groups/feature-login.json`,
      }),
    );
    expect(marker.ContentLength).toBeGreaterThan(0);
  });

  it('redeploys a commit by sha without archiving the workspace', async () => {
    await env.createGroups(['sha-a']);
    const config = testConfig('  develop: sha-a\n');
    const sha = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
    const first = await env.run({ workspace: await env.workspace(config, { version: 'old' }), sha });
    expect(first.code).toBe(0);
    await env.run({ workspace: await env.workspace(config, { version: 'new' }), sha: 'f'.repeat(40) });
    const again = await env.run({
      workspace: await env.workspace(config, { version: 'ignored' }),
      eventName: 'workflow_dispatch',
      sha: '1'.repeat(40),
      inputs: { revision: sha.slice(0, 7) },
    });
    show(again);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('the revision commit eeeeeee deployed');
    // The group's history forecasts the end (the only forecast a one-instance deployment gets).
    expect(first.stdout).not.toContain('its last successful deployment took');
    expect(again.stdout).toMatch(
      /sha-a: its last successful deployment took (under a second|\d+s); expecting d-\w+ to take about as long/,
    );
    expect(again.stdout).not.toMatch(/^uploaded /m);
    expect(await deployedKey(deployments(again)[0]!.id!)).toBe(await deployedKey(deployments(first)[0]!.id!));
  });

  it('redeploys a commit whose tree an earlier commit already uploaded (its run reused the object)', async () => {
    await env.createGroups(['sha-b']);
    const config = testConfig('  develop: sha-b\n');
    const earlier = await env.run({
      workspace: await env.workspace(config, { version: 'same' }),
      sha: '4'.repeat(40),
    });
    const revert = await env.run({
      workspace: await env.workspace(config, { version: 'same' }),
      sha: '5'.repeat(40),
    });
    expect([earlier.code, revert.code]).toEqual([0, 0]);
    expect(revert.stdout).toContain('nothing to upload');
    await env.run({ workspace: await env.workspace(config, { version: 'other' }), sha: '6'.repeat(40) });
    const again = await env.run({
      workspace: await env.workspace(config, { version: 'ignored' }),
      eventName: 'workflow_dispatch',
      sha: '6'.repeat(40),
      inputs: { revision: '5555555' },
    });
    show(again);
    expect(again.code).toBe(0);
    expect(await deployedKey(deployments(again)[0]!.id!)).toBe(
      await deployedKey(deployments(earlier)[0]!.id!),
    );
  });

  it('rolls back to the previous good revision on request', async () => {
    await env.createGroups(['rb-a']);
    const config = testConfig('  develop: rb-a\n');
    const v1 = await env.run({
      workspace: await env.workspace(config, { version: 'v1' }),
      sha: '2'.repeat(40),
    });
    const v2 = await env.run({
      workspace: await env.workspace(config, { version: 'v2' }),
      sha: '3'.repeat(40),
    });
    expect([v1.code, v2.code]).toEqual([0, 0]);
    const rollback = await env.run({
      workspace: await env.workspace(config),
      eventName: 'workflow_dispatch',
      sha: '3'.repeat(40),
      inputs: { rollback: 'true' },
    });
    show(rollback);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain(`rb-a: rolling back to the revision of ${deployments(v1)[0]!.id}`);
    expect(await deployedKey(deployments(rollback)[0]!.id!)).toBe(await deployedKey(deployments(v1)[0]!.id!));
  });

  it('keeps following through throttled status calls', async () => {
    await env.createGroups(['th-a']);
    let throttled = 0;
    const previous = env.faults.decide;
    env.faults.decide = (request) => {
      const operation = codeDeployOperation(request);
      if ((operation === 'BatchGetDeployments' || operation === 'GetDeployment') && throttled < 4) {
        throttled++;
        return codeDeployError('ThrottlingException', 'Rate exceeded');
      }
      return previous(request);
    };
    try {
      const result = await env.run({ workspace: await env.workspace(testConfig('  develop: th-a\n')) });
      show(result);
      expect(result.code).toBe(0);
      expect(throttled).toBe(4);
      expect(createCalls('th-a')).toHaveLength(1);
    } finally {
      env.faults.decide = previous;
    }
  });
});

describe('permissions', () => {
  it('AccessDenied on CreateDeployment fails at once and names the permission', async () => {
    await env.createGroups(['ad-a']);
    const previous = env.faults.decide;
    let attempts = 0;
    env.faults.decide = (request) => {
      if (codeDeployOperation(request) !== 'CreateDeployment') return previous(request);
      attempts++;
      return codeDeployError(
        'AccessDeniedException',
        'User: arn:aws:sts::123456789012:assumed-role/gh/x is not authorized to perform: codedeploy:CreateDeployment',
      );
    };
    try {
      const result = await env.run({ workspace: await env.workspace(testConfig('  develop: ad-a\n')) });
      show(result);
      expect(result.code).not.toBe(0);
      expect(result.stdout).toContain('AWS refused codedeploy:CreateDeployment on deployment group');
      expect(result.stdout).toContain('allow "codedeploy:CreateDeployment"');
      expect(attempts).toBe(1);
    } finally {
      env.faults.decide = previous;
    }
  });

  it("one group's refusal does not abandon the others: they are followed and reported", async () => {
    await env.createGroups(['ad-ok', 'ad-no']);
    const previous = env.faults.decide;
    let denied = 0;
    // The first CreateDeployment of the two (whichever group it is for) is refused.
    env.faults.decide = (request) =>
      codeDeployOperation(request) === 'CreateDeployment' && denied++ === 0
        ? codeDeployError('AccessDeniedException', 'not authorized to perform: codedeploy:CreateDeployment')
        : previous(request);
    try {
      const result = await env.run({
        workspace: await env.workspace(testConfig('  develop: [ad-ok, ad-no]\n')),
      });
      show(result);
      expect(result.code).not.toBe(0);
      expect(result.outputs.status).toBe('failed');
      expect(
        statusOf(result)
          .map(([, status]) => status)
          .sort(),
      ).toEqual(['failed', 'succeeded']);
      expect(result.stdout).toContain('allow "codedeploy:CreateDeployment"');
    } finally {
      env.faults.decide = previous;
    }
  });
});

describe('createApplication', () => {
  it('creates a missing application, then stops before the upload naming the groups to create', async () => {
    const application = `fresh-${env.application}`;
    const config = testConfig('  develop: [fresh-a]\n').replace(
      'application: APPLICATION',
      `application: ${application}\ncreateApplication: true`,
    );
    const result = await env.run({ workspace: await env.workspace(config) });
    show(result);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain(`Created the CodeDeploy application "${application}"`);
    expect(result.stdout).toContain(
      `deployment group "fresh-a" does not exist in application "${application}"`,
    );
    await env.client.send(new GetApplicationCommand({ applicationName: application }));
    const objects = await env.s3.send(
      new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${application}/` }),
    );
    expect(objects.KeyCount ?? 0).toBe(0);
  });
});
