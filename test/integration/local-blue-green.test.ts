import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ContinueDeploymentCommand,
  CreateDeploymentGroupCommand,
  type CreateDeploymentGroupInput,
  type DeploymentInfo,
  DeploymentIsNotInReadyStateException,
  GetDeploymentCommand,
  UnsupportedActionForDeploymentTypeException,
  UpdateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAppAndGroup,
  deploy,
  finished,
  type LocalStack,
  type RevisionFiles,
  ROLE,
  startLocalStack,
  targetsOf,
  tempDir,
  unique,
} from '../helpers/local.js';
import { SERVER_MJS, startServer, stopServer } from '../helpers/web-app.js';

// A minute of the group's timers lasts half a second.
const TIME_SCALE = 0.5 / 60;

let stack: LocalStack;
let shared: string;

beforeAll(async () => {
  stack = await startLocalStack({ timeScale: TIME_SCALE, instancesPerGroup: 2 });
  shared = await tempDir('cdg-bg-');
});
afterAll(async () => {
  await stack.stop();
  await rm(shared, { recursive: true, force: true });
});

const HOOKS = [
  'ValidateService',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
];

/** The web app, recording each hook in `log` (event, instance, version) and failing at `failAt`. */
function webApp(version: string, log: string, failAt = ''): RevisionFiles {
  const hook = (event: string) => `  ${event}:\n    - location: hook.sh\n      timeout: 30\n`;
  return {
    'appspec.yml':
      'version: 0.0\nos: linux\nfiles:\n  - source: app\n    destination: /app\nhooks:\n' +
      '  ApplicationStop:\n    - location: stop.sh\n  ApplicationStart:\n    - location: start.sh\n' +
      HOOKS.map(hook).join(''),
    'app/server.mjs': SERVER_MJS,
    'app/version.txt': `${version}\n`,
    'start.sh': `#!/bin/sh\n${startServer('app')}`,
    'stop.sh': `#!/bin/sh\n${stopServer('app')}`,
    'hook.sh':
      '#!/bin/sh\n' +
      `echo "$LIFECYCLE_EVENT $LOCAL_CODEDEPLOY_INSTANCE_ID $(cat "$LOCAL_CODEDEPLOY_INSTANCE_ROOT/app/version.txt")" >> "${log}"\n` +
      `if [ "$LIFECYCLE_EVENT" = "${failAt}" ]; then echo "failing at $LIFECYCLE_EVENT"; exit 1; fi\n`,
  };
}

function blueGreenGroup(
  configuration: CreateDeploymentGroupInput['blueGreenDeploymentConfiguration'],
  extra: Partial<CreateDeploymentGroupInput> = {},
): Partial<CreateDeploymentGroupInput> {
  return {
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    loadBalancerInfo: { targetGroupInfoList: [{ name: 'web' }] },
    blueGreenDeploymentConfiguration: configuration,
    ...extra,
  };
}

const TERMINATE = (minutes: number) => ({
  terminateBlueInstancesOnDeploymentSuccess: {
    action: 'TERMINATE' as const,
    terminationWaitTimeInMinutes: minutes,
  },
});

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.text()).trim() };
}

async function answers(port: number | undefined): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function until(deploymentId: string, test: (info: DeploymentInfo) => boolean): Promise<DeploymentInfo> {
  for (let i = 0; i < 600; i += 1) {
    const { deploymentInfo = {} } = await stack.client.send(new GetDeploymentCommand({ deploymentId }));
    if (test(deploymentInfo)) return deploymentInfo;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`deployment ${deploymentId} never reached the expected state`);
}

const routerUrl = (names: { applicationName: string; deploymentGroupName: string }) =>
  stack.codedeploy.router(names.applicationName, names.deploymentGroupName)?.url ?? '';
const fleetOf = (names: { applicationName: string; deploymentGroupName: string }) =>
  stack.codedeploy.instances(names.applicationName, names.deploymentGroupName);

describe.concurrent('blue/green deployments', () => {
  it('installs on new instances, reroutes the router to them, then terminates the original ones', async () => {
    const names = await createAppAndGroup(stack, blueGreenGroup(TERMINATE(1)));
    const log = join(shared, `${names.deploymentGroupName}.log`);
    expect((await get(routerUrl(names))).status).toBe(503);

    const first = await deploy(stack, names, webApp('v1', log));
    expect((await finished(stack, first)).status).toBe('Succeeded');
    const blue = fleetOf(names);
    expect(blue.map((i) => i.instanceId).sort()).toEqual(
      (await targetsOf(stack, first, 'Green')).map((t) => t.targetId).sort(),
    );
    expect((await get(routerUrl(names))).body).toMatch(/^v1 i-/);
    const linesBefore = (await readFile(log, 'utf8')).trim().split('\n').length;

    const second = await deploy(stack, names, webApp('v2', log));
    const info = await finished(stack, second);
    expect(info.status).toBe('Succeeded');
    expect(info.instanceTerminationWaitTimeStarted).toBe(true);
    expect(info.deploymentOverview).toMatchObject({ Succeeded: 4, Failed: 0 });

    const originals = await targetsOf(stack, second, 'Blue');
    const replacements = await targetsOf(stack, second, 'Green');
    expect(originals.map((t) => t.targetId).sort()).toEqual(blue.map((i) => i.instanceId).sort());
    expect(replacements).toHaveLength(2);
    for (const target of originals) {
      expect(target.instanceLabel).toBe('Blue');
      expect(target.lifecycleEvents?.map((e) => e.lifecycleEventName)).toEqual([
        'BeforeBlockTraffic',
        'BlockTraffic',
        'AfterBlockTraffic',
      ]);
    }
    for (const target of replacements) {
      expect(target.lifecycleEvents?.map((e) => e.lifecycleEventName)).toEqual([
        'ApplicationStop',
        'DownloadBundle',
        'BeforeInstall',
        'Install',
        'AfterInstall',
        'ApplicationStart',
        'ValidateService',
        'BeforeAllowTraffic',
        'AllowTraffic',
        'AfterAllowTraffic',
      ]);
      expect(target.lifecycleEvents?.every((e) => e.status === 'Succeeded')).toBe(true);
    }

    // The replacement fleet takes traffic before the original one loses it; each runs its own revision.
    const lines = (await readFile(log, 'utf8')).trim().split('\n').slice(linesBefore);
    const at = (event: string) =>
      lines.flatMap((line, index) => (line.startsWith(`${event} `) ? [index] : []));
    expect(Math.max(...at('AfterAllowTraffic'))).toBeLessThan(Math.min(...at('BeforeBlockTraffic')));
    for (const line of lines.filter((l) => /^(Before|After)AllowTraffic /.test(l)))
      expect(line).toMatch(/ v2$/);
    for (const line of lines.filter((l) => /^(Before|After)BlockTraffic /.test(l)))
      expect(line).toMatch(/ v1$/);

    const green = fleetOf(names);
    expect(green.map((i) => i.instanceId).sort()).toEqual(replacements.map((t) => t.targetId).sort());
    const served = new Set<string>();
    for (let i = 0; i < 4; i += 1) served.add((await get(routerUrl(names))).body);
    expect([...served].sort()).toEqual(green.map((i) => `v2 ${i.instanceId}`).sort());
    for (const instance of blue) {
      expect(await exists(instance.dir)).toBe(false);
      expect(await answers(instance.port)).toBe(false);
    }
  });

  it('keeps the original instances running out of the group with KEEP_ALIVE', async () => {
    const names = await createAppAndGroup(
      stack,
      blueGreenGroup({ terminateBlueInstancesOnDeploymentSuccess: { action: 'KEEP_ALIVE' } }),
    );
    const log = join(shared, `${names.deploymentGroupName}.log`);
    expect((await finished(stack, await deploy(stack, names, webApp('v1', log)))).status).toBe('Succeeded');
    const blue = fleetOf(names);
    const info = await finished(stack, await deploy(stack, names, webApp('v2', log)));
    expect(info.status).toBe('Succeeded');
    expect(info.instanceTerminationWaitTimeStarted).toBe(false);
    expect((await get(routerUrl(names))).body).toMatch(/^v2 /);
    for (const instance of blue) {
      expect(await exists(instance.dir)).toBe(true);
      expect((await get(`http://127.0.0.1:${instance.port}/`)).body).toBe(`v1 ${instance.instanceId}`);
    }
    const control = (await (await fetch(`${stack.codedeploy.endpoint}/_local/instances`)).json()) as {
      kept: Array<{ instanceId: string }>;
    };
    expect(control.kept.map((i: { instanceId: string }) => i.instanceId)).toEqual(
      expect.arrayContaining(blue.map((i) => i.instanceId)),
    );
  });

  it('waits Ready for ContinueDeployment with STOP_DEPLOYMENT, the router still on the original fleet', async () => {
    const names = await createAppAndGroup(
      stack,
      blueGreenGroup({
        ...TERMINATE(0),
        deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 60 },
      }),
    );
    const log = join(shared, `${names.deploymentGroupName}.log`);
    const first = await deploy(stack, names, webApp('v1', log));
    await until(first, (info) => info.status === 'Ready');
    await stack.client.send(
      new ContinueDeploymentCommand({ deploymentId: first, deploymentWaitType: 'READY_WAIT' }),
    );
    expect((await finished(stack, first)).status).toBe('Succeeded');

    const second = await deploy(stack, names, webApp('v2', log));
    const ready = await until(second, (info) => info.status === 'Ready');
    expect(ready.deploymentOverview).toMatchObject({ Ready: 2, Pending: 2 });
    for (const target of await targetsOf(stack, second, 'Green')) {
      expect(target.status).toBe('Ready');
      expect(target.lifecycleEvents?.find((e) => e.lifecycleEventName === 'AllowTraffic')?.status).toBe(
        'Pending',
      );
    }
    expect((await get(routerUrl(names))).body).toMatch(/^v1 /);
    await expect(
      stack.client.send(
        new ContinueDeploymentCommand({ deploymentId: second, deploymentWaitType: 'TERMINATION_WAIT' }),
      ),
    ).rejects.toBeInstanceOf(DeploymentIsNotInReadyStateException);

    await stack.client.send(new ContinueDeploymentCommand({ deploymentId: second }));
    expect((await finished(stack, second)).status).toBe('Succeeded');
    expect((await get(routerUrl(names))).body).toMatch(/^v2 /);
  });

  it('stops a Ready deployment whose wait runs out; traffic stays on the original fleet', async () => {
    const names = await createAppAndGroup(
      stack,
      blueGreenGroup(
        {
          ...TERMINATE(0),
          deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 1 },
        },
        { autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_REQUEST'] } },
      ),
    );
    const log = join(shared, `${names.deploymentGroupName}.log`);
    const info = await finished(stack, await deploy(stack, names, webApp('v1', log)));
    expect(info.status).toBe('Stopped');
    expect(info.errorInformation).toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringContaining('deployment-ready wait (1 minute'),
    });
    // Not a stop request: no rollback.
    expect(info.rollbackInfo?.rollbackDeploymentId).toBeUndefined();
    expect((await get(routerUrl(names))).status).toBe(503);
  });

  it.each(['ValidateService', 'AfterAllowTraffic'])(
    'rolls back a failed %s: traffic back on the original fleet, the replacement terminated',
    async (failAt) => {
      const names = await createAppAndGroup(
        stack,
        blueGreenGroup(TERMINATE(0), {
          autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
        }),
      );
      const log = join(shared, `${names.deploymentGroupName}.log`);
      expect((await finished(stack, await deploy(stack, names, webApp('v1', log)))).status).toBe('Succeeded');
      const blue = fleetOf(names);

      const bad = await deploy(stack, names, webApp('v2', log, failAt));
      const failed = await finished(stack, bad);
      expect(failed.status).toBe('Failed');
      const rollbackId = failed.rollbackInfo?.rollbackDeploymentId ?? '';
      expect(rollbackId).toMatch(/^d-/);
      const rollback = await finished(stack, rollbackId);
      expect(rollback).toMatchObject({ status: 'Succeeded', creator: 'codeDeployRollback' });

      const green = await targetsOf(stack, bad, 'Green');
      for (const target of await targetsOf(stack, rollbackId, 'Blue')) {
        expect(target.lifecycleEvents?.map((e) => e.lifecycleEventName)).toEqual([
          'BeforeAllowTraffic',
          'AllowTraffic',
          'AfterAllowTraffic',
        ]);
      }
      for (const target of await targetsOf(stack, rollbackId, 'Green')) {
        expect(target.lifecycleEvents?.map((e) => e.lifecycleEventName)).toEqual([
          'BeforeBlockTraffic',
          'BlockTraffic',
          'AfterBlockTraffic',
        ]);
      }
      expect(fleetOf(names).map((i) => i.instanceId)).toEqual(blue.map((i) => i.instanceId));
      for (let i = 0; i < 4; i += 1) expect((await get(routerUrl(names))).body).toMatch(/^v1 /);
      for (const target of green) {
        expect(await exists(join(stack.dataDir, 'instances', target.targetId ?? ''))).toBe(false);
      }
    },
  );

  it('leaves traffic on the original fleet when the replacement fails before the reroute (no rollback)', async () => {
    const names = await createAppAndGroup(stack, blueGreenGroup(TERMINATE(0)));
    const log = join(shared, `${names.deploymentGroupName}.log`);
    expect((await finished(stack, await deploy(stack, names, webApp('v1', log)))).status).toBe('Succeeded');
    const blue = fleetOf(names);
    const failed = await finished(stack, await deploy(stack, names, webApp('v2', log, 'ValidateService')));
    expect(failed.status).toBe('Failed');
    expect(failed.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(fleetOf(names)).toEqual(blue);
    for (let i = 0; i < 4; i += 1) expect((await get(routerUrl(names))).body).toMatch(/^v1 /);
    const originals = await targetsOf(stack, failed.deploymentId ?? '', 'Blue');
    expect(originals.map((t) => t.status)).toEqual(['Skipped', 'Skipped']);
  });

  it('ends the termination wait early on ContinueDeployment(TERMINATION_WAIT)', async () => {
    const names = await createAppAndGroup(stack, blueGreenGroup(TERMINATE(2880)));
    const log = join(shared, `${names.deploymentGroupName}.log`);
    const id = await deploy(stack, names, webApp('v1', log));
    const waiting = await until(id, (info) => info.instanceTerminationWaitTimeStarted === true);
    expect(waiting.status).toBe('InProgress');
    expect((await get(routerUrl(names))).body).toMatch(/^v1 /);
    await stack.client.send(
      new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' }),
    );
    expect((await finished(stack, id)).status).toBe('Succeeded');
  });

  it('refuses ContinueDeployment for an in-place deployment', async () => {
    const names = await createAppAndGroup(stack, { deploymentConfigName: 'CodeDeployDefault.AllAtOnce' });
    const log = join(shared, `${names.deploymentGroupName}.log`);
    const id = await deploy(stack, names, {
      ...webApp('v1', log),
      'hook.sh': '#!/bin/sh\nsleep 1\n',
    });
    await expect(
      stack.client.send(new ContinueDeploymentCommand({ deploymentId: id })),
    ).rejects.toBeInstanceOf(UnsupportedActionForDeploymentTypeException);
    expect((await finished(stack, id)).status).toBe('Succeeded');
  });
});

describe('the local router', () => {
  it('spreads requests over an in-place group’s instances', async () => {
    const names = await createAppAndGroup(stack);
    const log = join(shared, `${names.deploymentGroupName}.log`);
    expect((await finished(stack, await deploy(stack, names, webApp('v1', log)))).status).toBe('Succeeded');
    const served = new Set<string>();
    for (let i = 0; i < 4; i += 1) served.add((await get(routerUrl(names))).body);
    expect([...served].sort()).toEqual(
      fleetOf(names)
        .map((i) => `v1 ${i.instanceId}`)
        .sort(),
    );
    const control = (await (await fetch(`${stack.codedeploy.endpoint}/_local/routers`)).json()) as {
      routers: unknown[];
    };
    expect(control.routers).toContainEqual({
      applicationName: names.applicationName,
      deploymentGroupName: names.deploymentGroupName,
      url: routerUrl(names),
      targets: expect.arrayContaining(
        fleetOf(names).map((i) => ({ instanceId: i.instanceId, port: i.port })),
      ),
    });
  });

  it('takes an in-place instance out while it is deployed to, with traffic control', async () => {
    const names = await createAppAndGroup(stack, {
      deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      loadBalancerInfo: { elbInfoList: [{ name: 'web' }] },
    });
    const log = join(shared, `${names.deploymentGroupName}.log`);
    expect((await finished(stack, await deploy(stack, names, webApp('v1', log)))).status).toBe('Succeeded');
    const marker = join(shared, `${names.deploymentGroupName}.validating`);
    const id = await deploy(stack, names, {
      ...webApp('v2', log),
      'hook.sh':
        '#!/bin/sh\n' +
        `[ "$LIFECYCLE_EVENT" = ValidateService ] || exit 0\necho "$LOCAL_CODEDEPLOY_INSTANCE_ID" > "${marker}"\nsleep 0.5\n`,
    });
    while (!(await exists(marker))) await new Promise((resolve) => setTimeout(resolve, 20));
    const deploying = (await readFile(marker, 'utf8')).trim();
    const registered = stack.codedeploy.router(names.applicationName, names.deploymentGroupName)?.targets;
    expect(registered?.map((t) => t.instanceId)).toEqual(
      fleetOf(names)
        .map((i) => i.instanceId)
        .filter((instanceId) => instanceId !== deploying),
    );
    expect((await get(routerUrl(names))).status).toBe(200);
    expect((await finished(stack, id)).status).toBe('Succeeded');
    expect(stack.codedeploy.router(names.applicationName, names.deploymentGroupName)?.targets).toHaveLength(
      2,
    );
    expect((await get(routerUrl(names))).body).toMatch(/^v2 /);
  });

  it('stops the instances’ processes when the local CodeDeploy stops', async () => {
    const own = await startLocalStack();
    try {
      const names = await createAppAndGroup(own);
      const log = join(shared, `${names.deploymentGroupName}.log`);
      expect((await finished(own, await deploy(own, names, webApp('v1', log)))).status).toBe('Succeeded');
      const [instance] = own.codedeploy.instances(names.applicationName, names.deploymentGroupName);
      expect(await answers(instance?.port)).toBe(true);
      await own.codedeploy.stop();
      expect(await answers(instance?.port)).toBe(false);
    } finally {
      await own.stop();
    }
  });
});

describe('blue/green group settings', () => {
  it('refuses blue/green without traffic control, traffic control without a load balancer, bad timers', async () => {
    const applicationName = unique('app');
    await createAppAndGroup(stack, { applicationName, deploymentGroupName: 'plain' });
    const create = (input: Partial<CreateDeploymentGroupInput>) =>
      stack.client
        .send(
          new CreateDeploymentGroupCommand({
            applicationName,
            deploymentGroupName: unique('g'),
            serviceRoleArn: ROLE,
            ...input,
          }),
        )
        .then(
          () => undefined,
          (error: Error) => `${error.name}: ${error.message}`,
        );
    expect(
      await create({
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
      }),
    ).toMatch(/^InvalidDeploymentStyleException: .*WITH_TRAFFIC_CONTROL and loadBalancerInfo/);
    expect(
      await create({
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      }),
    ).toMatch(
      /^InvalidLoadBalancerInfoException: The specification for load balancing in the deployment group is invalid/,
    );
    expect(
      await create(
        blueGreenGroup({
          terminateBlueInstancesOnDeploymentSuccess: {
            action: 'TERMINATE',
            terminationWaitTimeInMinutes: 3000,
          },
        }),
      ),
    ).toBe(
      'InvalidBlueGreenDeploymentConfigurationException: blueGreenDeploymentConfiguration.terminateBlueInstancesOnDeploymentSuccess' +
        '.terminationWaitTimeInMinutes is 3000: it must be from 0 to 2880',
    );
    expect(
      await create(blueGreenGroup({ deploymentReadyOption: { actionOnTimeout: 'WAIT' as never } })),
    ).toBe(
      'InvalidBlueGreenDeploymentConfigurationException: blueGreenDeploymentConfiguration.deploymentReadyOption' +
        '.actionOnTimeout must be one of CONTINUE_DEPLOYMENT, STOP_DEPLOYMENT (got "WAIT")',
    );
    const updated = await stack.client
      .send(
        new UpdateDeploymentGroupCommand({
          applicationName,
          currentDeploymentGroupName: 'plain',
          deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        }),
      )
      .catch((error: Error) => error.name);
    expect(updated).toBe('InvalidLoadBalancerInfoException');
  });
});
