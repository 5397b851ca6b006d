import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BatchGetDeploymentTargetsCommand,
  CreateDeploymentConfigCommand,
  DeploymentAlreadyCompletedException,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCodeDeploy, type TimelineEntry } from '../../src/local/index.js';
import {
  createAppAndGroup,
  deploy,
  finished,
  type LocalStack,
  startLocalStack,
  tempDir,
  unique,
} from '../helpers/local.js';
import { waitForFile } from '../helpers/tree.js';

let stack: LocalStack;
let shared: string;

beforeAll(async () => {
  stack = await startLocalStack();
  shared = await tempDir('cdg-shared-');
});
afterAll(async () => {
  await stack.stop();
  await rm(shared, { recursive: true, force: true });
});

const instancesTag = (count: number) => ({
  ec2TagFilters: [{ Key: 'local:instances', Value: String(count), Type: 'KEY_AND_VALUE' as const }],
});

/** Fails the instances marked with a `fail` file in their root; others succeed. */
const MARKED_FAIL = {
  'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  ValidateService:\n    - location: check.sh\n',
  'check.sh':
    '#!/bin/sh\nif [ -e "$LOCAL_CODEDEPLOY_INSTANCE_ROOT/fail" ]; then echo "marked to fail"; exit 1; fi\n',
};

function maxInFlight(timeline: TimelineEntry[]): number {
  let running = 0;
  let max = 0;
  for (const entry of timeline) {
    running += entry.phase === 'start' ? 1 : -1;
    max = Math.max(max, running);
  }
  return max;
}

async function markFailing(
  names: { applicationName: string; deploymentGroupName: string },
  indexes: number[],
) {
  const instances = stack.codedeploy.instances(names.applicationName, names.deploymentGroupName);
  for (const index of indexes) {
    const dir = instances[index]?.dir ?? '';
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'fail'), '');
  }
}

describe('deployment configurations', () => {
  it.each([
    ['CodeDeployDefault.OneAtATime', 4, 1],
    ['CodeDeployDefault.HalfAtATime', 4, 2],
    ['CodeDeployDefault.AllAtOnce', 4, 4],
  ])(
    '%s deploys to at most the allowed number of instances at once (%i instances → %i)',
    async (config, count, expected) => {
      const names = await createAppAndGroup(stack, { deploymentConfigName: config, ...instancesTag(count) });
      const id = await deploy(stack, names, MARKED_FAIL);
      const info = await finished(stack, id);
      expect(info.status).toBe('Succeeded');
      expect(info.deploymentOverview).toEqual({
        Pending: 0,
        InProgress: 0,
        Succeeded: count,
        Failed: 0,
        Skipped: 0,
        Ready: 0,
      });
      expect(maxInFlight(stack.codedeploy.timeline(id))).toBe(expected);
    },
  );

  it('uses a custom minimum of healthy hosts (HOST_COUNT 1 of 4 → 3 at once)', async () => {
    const deploymentConfigName = unique('keep-one');
    await stack.client.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName,
        minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 },
      }),
    );
    const names = await createAppAndGroup(stack, { deploymentConfigName, ...instancesTag(4) });
    const id = await deploy(stack, names, MARKED_FAIL);
    expect((await finished(stack, id)).status).toBe('Succeeded');
    expect(maxInFlight(stack.codedeploy.timeline(id))).toBe(3);
  });

  it('OneAtATime fails at the first failed instance but tolerates a failure of the last one', async () => {
    const first = await createAppAndGroup(stack, instancesTag(3));
    await markFailing(first, [0]);
    const failed = await finished(stack, await deploy(stack, first, MARKED_FAIL));
    expect(failed.status).toBe('Failed');
    expect(failed.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(failed.deploymentOverview).toMatchObject({ Failed: 1, Skipped: 2, Succeeded: 0 });

    const last = await createAppAndGroup(stack, instancesTag(3));
    await markFailing(last, [2]);
    const tolerated = await finished(stack, await deploy(stack, last, MARKED_FAIL));
    expect(tolerated.status).toBe('Succeeded');
    expect(tolerated.deploymentOverview).toMatchObject({ Succeeded: 2, Failed: 1 });
  });

  it('HalfAtATime fails when half the fleet fails; AllAtOnce succeeds when one instance does', async () => {
    const half = await createAppAndGroup(stack, {
      deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
      ...instancesTag(4),
    });
    await markFailing(half, [0, 1]);
    const failed = await finished(stack, await deploy(stack, half, MARKED_FAIL));
    expect(failed.status).toBe('Failed');
    expect(failed.deploymentOverview).toMatchObject({ Failed: 2, Skipped: 2 });

    const all = await createAppAndGroup(stack, {
      deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
      ...instancesTag(3),
    });
    await markFailing(all, [0, 1]);
    const succeeded = await finished(stack, await deploy(stack, all, MARKED_FAIL));
    expect(succeeded.status).toBe('Succeeded');
    expect(succeeded.deploymentOverview).toMatchObject({ Failed: 2, Succeeded: 1 });
  });

  it('fails with HEALTH_CONSTRAINTS_INVALID when the minimum leaves no instance to deploy to', async () => {
    const names = await createAppAndGroup(stack, {
      deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
      ...instancesTag(1),
    });
    const info = await finished(stack, await deploy(stack, names, MARKED_FAIL));
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('HEALTH_CONSTRAINTS_INVALID');
  });

  it('fails with NO_INSTANCES for a group without instances', async () => {
    const names = await createAppAndGroup(stack, instancesTag(0));
    const info = await finished(stack, await deploy(stack, names, MARKED_FAIL));
    expect(info.status).toBe('Failed');
    expect(info.errorInformation).toMatchObject({
      code: 'NO_INSTANCES',
      message: expect.stringContaining('no instances were found for your deployment group'),
    });
  });
});

describe('automatic rollback', () => {
  const autoRollbackConfiguration = { enabled: true, events: ['DEPLOYMENT_FAILURE' as const] };

  it('redeploys the last successful revision as a new deployment after a failure', async () => {
    const names = await createAppAndGroup(stack, { autoRollbackConfiguration, ...instancesTag(1) });
    const good = await deploy(stack, names, { 'appspec.yml': 'version: 0.0\nos: linux\n' });
    const goodInfo = await finished(stack, good);
    expect(goodInfo.status).toBe('Succeeded');
    const bad = await deploy(stack, names, {
      'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: x.sh\n',
      'x.sh': '#!/bin/sh\nexit 1\n',
    });
    const badInfo = await finished(stack, bad);
    expect(badInfo.status).toBe('Failed');
    const rollbackId = badInfo.rollbackInfo?.rollbackDeploymentId ?? '';
    expect(rollbackId).toMatch(/^d-[A-Z0-9]{9}$/);
    const rollback = await finished(stack, rollbackId);
    expect(rollback).toMatchObject({
      status: 'Succeeded',
      creator: 'codeDeployRollback',
      revision: goodInfo.revision,
      rollbackInfo: { rollbackTriggeringDeploymentId: bad },
    });
    const { deploymentGroupInfo } = await stack.client.send(new GetDeploymentGroupCommand(names));
    expect(deploymentGroupInfo?.lastSuccessfulDeployment?.deploymentId).toBe(rollbackId);
    expect(deploymentGroupInfo?.lastAttemptedDeployment?.deploymentId).toBe(rollbackId);
  });

  it('explains why it did not roll back when nothing ever succeeded', async () => {
    const names = await createAppAndGroup(stack, { autoRollbackConfiguration, ...instancesTag(1) });
    const bad = await deploy(stack, names, { 'readme.txt': 'no appspec' });
    const info = await finished(stack, bad);
    expect(info.status).toBe('Failed');
    expect(info.rollbackInfo?.rollbackMessage).toContain('no successful deployment');
    expect(info.rollbackInfo?.rollbackDeploymentId).toBeUndefined();
  });
});

describe('StopDeployment', () => {
  const hanging = (marker: string, pidFile: string) => ({
    'appspec.yml':
      'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: hang.sh\n      timeout: 60\n',
    'hang.sh': `#!/bin/sh\nsleep 60 &\necho $! > "${pidFile}"\ntouch "${marker}"\nwait\n`,
  });

  it('terminates the running scripts, skips the instances not started and ends Stopped', async () => {
    const names = await createAppAndGroup(stack, instancesTag(3));
    const marker = join(shared, `${names.deploymentGroupName}.started`);
    const pidFile = join(shared, `${names.deploymentGroupName}.pid`);
    const id = await deploy(stack, names, hanging(marker, pidFile));
    await waitForFile(marker);
    // The targets show the agent's progress as it happens.
    const { targetIds = [] } = await stack.client.send(
      new ListDeploymentTargetsCommand({ deploymentId: id }),
    );
    const { deploymentTargets = [] } = await stack.client.send(
      new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds }),
    );
    const live = deploymentTargets.map((t) => t.instanceTarget);
    expect(live.map((t) => t?.status)).toEqual(['InProgress', 'Pending', 'Pending']);
    expect(live[0]?.lifecycleEvents?.find((e) => e.status === 'InProgress')?.lifecycleEventName).toBe(
      'ApplicationStart',
    );
    const answer = await stack.client.send(new StopDeploymentCommand({ deploymentId: id }));
    expect(answer).toMatchObject({ status: 'Pending', statusMessage: 'Stopping Active deployment' });
    const info = await finished(stack, id);
    expect(info.status).toBe('Stopped');
    expect(info.errorInformation?.code).toBe('MANUAL_STOP');
    expect(info.deploymentOverview).toMatchObject({ Failed: 1, Skipped: 2, InProgress: 0, Pending: 0 });
    expect(await isAlive(Number(await readFile(pidFile, 'utf8')))).toBe(false);
    await expect(stack.client.send(new StopDeploymentCommand({ deploymentId: id }))).rejects.toBeInstanceOf(
      DeploymentAlreadyCompletedException,
    );
  });

  it('rolls back to the last successful revision when asked to', async () => {
    const names = await createAppAndGroup(stack, instancesTag(1));
    const good = await deploy(stack, names, { 'appspec.yml': 'version: 0.0\nos: linux\n' });
    expect((await finished(stack, good)).status).toBe('Succeeded');
    const marker = join(shared, `${names.deploymentGroupName}.started`);
    const id = await deploy(stack, names, hanging(marker, join(shared, `${names.deploymentGroupName}.pid`)));
    await waitForFile(marker);
    await stack.client.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    const info = await finished(stack, id);
    expect(info.status).toBe('Stopped');
    const rollback = await finished(stack, info.rollbackInfo?.rollbackDeploymentId ?? '');
    expect(rollback).toMatchObject({ status: 'Succeeded', creator: 'codeDeployRollback' });
  });
});

describe('restart of the local CodeDeploy', () => {
  it('keeps its state and finishes a deployment that was running (the instance that was mid-event fails)', async () => {
    const own = await startLocalStack({ startDelayMs: 0 });
    try {
      const names = await createAppAndGroup(own, {
        deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
        ...instancesTag(2),
      });
      const [hangingInstance] = own.codedeploy.instances(names.applicationName, names.deploymentGroupName);
      const marker = join(shared, `${names.deploymentGroupName}.started`);
      const id = await deploy(own, names, {
        'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: start.sh\n',
        // Only the first instance hangs; the other one finishes before the restart.
        'start.sh': `#!/bin/sh\nif [ "$LOCAL_CODEDEPLOY_INSTANCE_ROOT" = "${hangingInstance?.dir}" ]; then touch "${marker}"; sleep 60; fi\n`,
      });
      await waitForFile(marker);
      for (;;) {
        const { deploymentInfo } = await own.client.send(new GetDeploymentCommand({ deploymentId: id }));
        if (deploymentInfo?.deploymentOverview?.Succeeded === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await own.restart();
      const info = await finished(own, id);
      expect(info.status).toBe('Succeeded');
      expect(info.deploymentOverview).toMatchObject({ Succeeded: 1, Failed: 1 });
      const { deploymentGroupInfo } = await own.client.send(new GetDeploymentGroupCommand(names));
      expect(deploymentGroupInfo?.lastSuccessfulDeployment?.deploymentId).toBe(id);
    } finally {
      await own.stop();
    }
  });

  it('marks Failed, with the reason, an instance whose agent died mid-event (crash, no clean stop)', async () => {
    const names = await createAppAndGroup(stack, instancesTag(1));
    const marker = join(shared, `${names.deploymentGroupName}.started`);
    const id = await deploy(stack, names, {
      'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: start.sh\n',
      'start.sh': `#!/bin/sh\ntouch "${marker}"\nsleep 1\n`,
    });
    await waitForFile(marker);
    // What a crash leaves behind: the state as persisted while the hook was running.
    const crashed = await tempDir('cdg-crash-');
    await cp(join(stack.dataDir, 'codedeploy'), join(crashed, 'codedeploy'), { recursive: true });
    const persisted = JSON.parse(
      await readFile(join(crashed, 'codedeploy/deployments', `${id}.json`), 'utf8'),
    );
    expect(persisted.status).toBe('InProgress');
    const revived = await startLocalCodeDeploy({ dataDir: crashed, s3: { endpoint: stack.s3.endpoint } });
    try {
      const info = await revived.waitForDeployment(id);
      expect(info.status).toBe('Failed');
      expect(info.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
      const { targets } = JSON.parse(
        await readFile(join(crashed, 'codedeploy/deployments', `${id}.json`), 'utf8'),
      );
      const start = targets[0].lifecycleEvents.find(
        (e: { lifecycleEventName: string }) => e.lifecycleEventName === 'ApplicationStart',
      );
      expect(start.status).toBe('Failed');
      expect(start.diagnostics.message).toContain(
        'The local CodeDeploy stopped while this lifecycle event was running',
      );
    } finally {
      await revived.stop();
      await rm(crashed, { recursive: true, force: true });
    }
    await finished(stack, id);
  });

  it('starts after a restart a deployment that was still Created', async () => {
    const own = await startLocalStack({ startDelayMs: 60_000 });
    try {
      const names = await createAppAndGroup(own, instancesTag(1));
      const id = await deploy(own, names, { 'appspec.yml': 'version: 0.0\nos: linux\n' });
      const { deploymentInfo } = await own.client.send(new GetDeploymentCommand({ deploymentId: id }));
      expect(deploymentInfo?.status).toBe('Created');
      await own.codedeploy.stop();
      own.codedeploy = await startLocalCodeDeploy({
        dataDir: own.dataDir,
        port: own.codedeploy.port,
        s3: {
          endpoint: own.s3.endpoint,
          credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        },
      });
      expect((await finished(own, id)).status).toBe('Succeeded');
    } finally {
      await own.stop();
    }
  });
});

async function isAlive(pid: number): Promise<boolean> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
  return state !== '' && state !== 'Z' && state !== 'X';
}
