import { Agent, request } from 'node:http';
import {
  ApplicationAlreadyExistsException,
  ApplicationDoesNotExistException,
  BatchGetApplicationsCommand,
  BatchGetDeploymentGroupsCommand,
  BatchGetDeploymentInstancesCommand,
  BatchGetDeploymentsCommand,
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  DeleteApplicationCommand,
  DeleteDeploymentConfigCommand,
  DeleteDeploymentGroupCommand,
  DeploymentConfigInUseException,
  DeploymentGroupAlreadyExistsException,
  DeploymentGroupDoesNotExistException,
  DeploymentLimitExceededException,
  DeploymentNotStartedException,
  GetApplicationCommand,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  InvalidApplicationNameException,
  InvalidDeploymentIdException,
  ListApplicationRevisionsCommand,
  ListApplicationsCommand,
  ListDeploymentConfigsCommand,
  ListDeploymentGroupsCommand,
  ListDeploymentInstancesCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  paginateListDeploymentInstances,
  RegisterApplicationRevisionCommand,
  StopDeploymentCommand,
  UpdateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupFromTemplate } from '../../src/deploy/group-template.js';
import { deploymentUrl, LOCAL_CONSOLE_HEADER, localConsoleBase } from '../../src/report/links.js';
import { modelProblems } from '../helpers/botocore-model.js';
import {
  createAppAndGroup,
  deploy,
  finished,
  type LocalStack,
  ROLE,
  SIMPLE_APPSPEC,
  startLocalStack,
  unique,
} from '../helpers/local.js';

let stack: LocalStack;
/** Deployments stay Created for a minute: for the "active deployment" and "not started" answers. */
let slow: LocalStack;
/** Realistic timing, a little longer (a loaded machine must not skip a state), and the default page size. */
let timed: LocalStack;
/** Two API calls a second. */
let throttled: LocalStack;

beforeAll(async () => {
  [stack, slow, timed, throttled] = await Promise.all([
    startLocalStack({ pageSize: 2, instancesPerGroup: 3 }),
    startLocalStack({ startDelayMs: 60_000 }),
    startLocalStack({ startDelayMs: 1500, queuedMs: 1500 }),
    startLocalStack({ throttle: 2 }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack.stop(), slow.stop(), timed.stop(), throttled.stop()]);
});

/** The error a call fails with (its SDK class and the service's __type). */
async function failure(
  promise: Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected the call to fail');
}

async function rawCall(endpoint: string, operation: string | undefined, body: unknown) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(operation ? { 'x-amz-target': `CodeDeploy_20141006.${operation}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    console: response.headers.get(LOCAL_CONSOLE_HEADER),
  };
}

describe('connections', () => {
  it('keeps an idle keep-alive connection past Node’s 5 s default, as AWS’s endpoints do', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const call = () =>
      new Promise<boolean>((resolve, reject) => {
        const req = request(
          `${stack.codedeploy.endpoint}/`,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              'x-amz-target': 'CodeDeploy_20141006.ListApplications',
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(req.reusedSocket));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
    try {
      expect(await call()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      // The same socket, still open: the server did not close it under an idle client.
      expect(await call()).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});

describe('applications', () => {
  it('creates, reads, lists and deletes applications, with the real errors', async () => {
    const names = [unique('app'), unique('app'), unique('app')];
    for (const applicationName of names)
      await stack.client.send(new CreateApplicationCommand({ applicationName }));
    const { application } = await stack.client.send(new GetApplicationCommand({ applicationName: names[0] }));
    expect(application).toMatchObject({
      applicationName: names[0],
      computePlatform: 'Server',
      linkedToGitHub: false,
    });
    expect(application?.createTime).toBeInstanceOf(Date);
    expect(
      await failure(stack.client.send(new CreateApplicationCommand({ applicationName: names[0] }))),
    ).toBeInstanceOf(ApplicationAlreadyExistsException);
    expect(
      await failure(stack.client.send(new CreateApplicationCommand({ applicationName: 'bad name!' }))),
    ).toBeInstanceOf(InvalidApplicationNameException);
    expect(
      await failure(stack.client.send(new CreateApplicationCommand({ applicationName: 'x'.repeat(101) }))),
    ).toBeInstanceOf(InvalidApplicationNameException);
    const { applicationsInfo } = await stack.client.send(
      new BatchGetApplicationsCommand({ applicationNames: names }),
    );
    expect(applicationsInfo?.map((a) => a.applicationName)).toEqual(names);

    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await stack.client.send(new ListApplicationsCommand({ nextToken }));
      expect(page.applications?.length).toBeLessThanOrEqual(2);
      listed.push(...(page.applications ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(listed).toEqual(expect.arrayContaining(names));

    await stack.client.send(new DeleteApplicationCommand({ applicationName: names[2] }));
    expect(
      await failure(stack.client.send(new GetApplicationCommand({ applicationName: names[2] }))),
    ).toBeInstanceOf(ApplicationDoesNotExistException);
  });
});

describe('deployment groups', () => {
  it('keeps what it is given (blue/green settings included) and answers with the real errors', async () => {
    const applicationName = unique('app');
    await stack.client.send(new CreateApplicationCommand({ applicationName }));
    const deploymentStyle = {
      deploymentType: 'BLUE_GREEN' as const,
      deploymentOption: 'WITH_TRAFFIC_CONTROL' as const,
    };
    const loadBalancerInfo = { targetGroupInfoList: [{ name: 'web' }] };
    const blueGreenDeploymentConfiguration = {
      terminateBlueInstancesOnDeploymentSuccess: {
        action: 'TERMINATE' as const,
        terminationWaitTimeInMinutes: 5,
      },
      deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' as const, waitTimeInMinutes: 0 },
      greenFleetProvisioningOption: { action: 'DISCOVER_EXISTING' as const },
    };
    const { deploymentGroupId } = await stack.client.send(
      new CreateDeploymentGroupCommand({
        applicationName,
        deploymentGroupName: 'blue-green',
        serviceRoleArn: ROLE,
        deploymentStyle,
        blueGreenDeploymentConfiguration,
        loadBalancerInfo,
      }),
    );
    expect(deploymentGroupId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const { deploymentGroupInfo } = await stack.client.send(
      new GetDeploymentGroupCommand({ applicationName, deploymentGroupName: 'blue-green' }),
    );
    expect(deploymentGroupInfo).toMatchObject({
      deploymentGroupId,
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      serviceRoleArn: ROLE,
      deploymentStyle,
      blueGreenDeploymentConfiguration,
      loadBalancerInfo,
      computePlatform: 'Server',
    });

    const without = await failure(
      stack.client.send(
        new CreateDeploymentGroupCommand({ applicationName, deploymentGroupName: 'norole' } as never),
      ),
    );
    expect(without.name).toBe('RoleRequiredException');
    const duplicate = await failure(
      stack.client.send(
        new CreateDeploymentGroupCommand({
          applicationName,
          deploymentGroupName: 'blue-green',
          serviceRoleArn: ROLE,
        }),
      ),
    );
    expect(duplicate).toBeInstanceOf(DeploymentGroupAlreadyExistsException);
    const badConfig = await failure(
      stack.client.send(
        new CreateDeploymentGroupCommand({
          applicationName,
          deploymentGroupName: 'x',
          serviceRoleArn: ROLE,
          deploymentConfigName: 'Nope',
        }),
      ),
    );
    expect(badConfig.name).toBe('DeploymentConfigDoesNotExistException');
    const badTag = await failure(
      stack.client.send(
        new CreateDeploymentGroupCommand({
          applicationName,
          deploymentGroupName: 'x',
          serviceRoleArn: ROLE,
          ec2TagFilters: [{ Key: 'local:instances', Value: 'many', Type: 'KEY_AND_VALUE' }],
        }),
      ),
    );
    expect(badTag.name).toBe('InvalidEC2TagException');
    const noApp = await failure(
      stack.client.send(
        new CreateDeploymentGroupCommand({
          applicationName: unique('ghost'),
          deploymentGroupName: 'x',
          serviceRoleArn: ROLE,
        }),
      ),
    );
    expect(noApp).toBeInstanceOf(ApplicationDoesNotExistException);
  });

  it('creates a group from a template’s full answer, as the action copies one (create: { from })', async () => {
    const applicationName = unique('app');
    await stack.client.send(new CreateApplicationCommand({ applicationName }));
    const settings = {
      deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
      ec2TagFilters: [
        { Key: 'Environment', Value: 'feature-{name}', Type: 'KEY_AND_VALUE' as const },
        { Key: 'local:instances', Value: '2', Type: 'KEY_AND_VALUE' as const },
      ],
      autoScalingGroups: ['web-{name}'],
      triggerConfigurations: [
        {
          triggerName: 'failures',
          triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:deployments',
          triggerEvents: ['DeploymentFailure' as const],
        },
      ],
      alarmConfiguration: { enabled: true, ignorePollAlarmFailure: true, alarms: [{ name: 'errors' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE' as const] },
      outdatedInstancesStrategy: 'IGNORE' as const,
      terminationHookEnabled: true,
      deploymentStyle: {
        deploymentType: 'BLUE_GREEN' as const,
        deploymentOption: 'WITH_TRAFFIC_CONTROL' as const,
      },
      blueGreenDeploymentConfiguration: {
        terminateBlueInstancesOnDeploymentSuccess: {
          action: 'TERMINATE' as const,
          terminationWaitTimeInMinutes: 5,
        },
        deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' as const, waitTimeInMinutes: 0 },
        greenFleetProvisioningOption: { action: 'COPY_AUTO_SCALING_GROUP' as const },
      },
      loadBalancerInfo: {
        elbInfoList: [],
        targetGroupInfoList: [{ name: 'web' }],
        targetGroupPairInfoList: [],
      },
    };
    await stack.client.send(
      new CreateDeploymentGroupCommand({
        applicationName,
        deploymentGroupName: 'template',
        serviceRoleArn: ROLE,
        ...settings,
      }),
    );
    const get = async (deploymentGroupName: string) =>
      (await stack.client.send(new GetDeploymentGroupCommand({ applicationName, deploymentGroupName })))
        .deploymentGroupInfo ?? {};
    const template = await get('template');
    // The full answer, as CodeDeploy gives it: an empty tag set beside the filters, the lifecycle
    // hooks it put on the Auto Scaling group.
    expect(template.ec2TagSet).toEqual({ ec2TagSetList: [] });
    expect(template.onPremisesTagSet).toEqual({ onPremisesTagSetList: [] });
    expect(template.autoScalingGroups).toEqual([
      {
        name: 'web-{name}',
        hook: `CodeDeploy-managed-automatic-launch-deployment-hook-template-${template.deploymentGroupId}`,
        terminationHook: `CodeDeploy-managed-termination-hook-template-${template.deploymentGroupId}`,
      },
    ]);
    // The same answer as AWS writes it (its own hook names, ECS members of a Server group).
    const fromAws = {
      ...template,
      autoScalingGroups: [
        { name: 'web-{name}', hook: 'CodeDeploy-managed-automatic-launch-deployment-hook-x-1' },
      ],
      ecsServices: [],
    };
    for (const [name, answer] of [
      ['feature-cart', template],
      ['feature-login', fromAws],
    ] as const) {
      const input = groupFromTemplate(answer, name, { name: name.slice('feature-'.length) });
      // What the action would send AWS fits AWS's model (botocore's copy)...
      expect(
        modelProblems([
          { operation: 'CreateDeploymentGroup', kind: 'input', body: { applicationName, ...input } },
        ]),
      ).toEqual([[]]);
      // ...and the local CodeDeploy, which checks it as AWS does, creates the same group.
      await stack.client.send(new CreateDeploymentGroupCommand({ applicationName, ...input }));
      const created = await get(name);
      const suffix = name.slice('feature-'.length);
      expect(created).toEqual({
        ...template,
        deploymentGroupName: name,
        deploymentGroupId: created.deploymentGroupId,
        ec2TagFilters: [
          { ...settings.ec2TagFilters[0], Value: `feature-${suffix}` },
          settings.ec2TagFilters[1],
        ],
        autoScalingGroups: [
          {
            name: `web-${suffix}`,
            hook: `CodeDeploy-managed-automatic-launch-deployment-hook-${name}-${created.deploymentGroupId}`,
            terminationHook: `CodeDeploy-managed-termination-hook-${name}-${created.deploymentGroupId}`,
          },
        ],
      });
    }
  });

  it('updates (renames), lists, batch-gets and deletes groups', async () => {
    const { applicationName, deploymentGroupName } = await createAppAndGroup(stack);
    await stack.client.send(
      new UpdateDeploymentGroupCommand({
        applicationName,
        currentDeploymentGroupName: deploymentGroupName,
        newDeploymentGroupName: 'renamed',
        deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
      }),
    );
    expect(
      await failure(
        stack.client.send(new GetDeploymentGroupCommand({ applicationName, deploymentGroupName })),
      ),
    ).toBeInstanceOf(DeploymentGroupDoesNotExistException);
    const { deploymentGroupInfo } = await stack.client.send(
      new GetDeploymentGroupCommand({ applicationName, deploymentGroupName: 'renamed' }),
    );
    expect(deploymentGroupInfo?.deploymentConfigName).toBe('CodeDeployDefault.AllAtOnce');
    await stack.client.send(
      new CreateDeploymentGroupCommand({
        applicationName,
        deploymentGroupName: 'second',
        serviceRoleArn: ROLE,
      }),
    );
    await stack.client.send(
      new CreateDeploymentGroupCommand({
        applicationName,
        deploymentGroupName: 'third',
        serviceRoleArn: ROLE,
      }),
    );
    const first = await stack.client.send(new ListDeploymentGroupsCommand({ applicationName }));
    const second = await stack.client.send(
      new ListDeploymentGroupsCommand({ applicationName, nextToken: first.nextToken }),
    );
    expect([...(first.deploymentGroups ?? []), ...(second.deploymentGroups ?? [])]).toEqual([
      'renamed',
      'second',
      'third',
    ]);
    expect(second.nextToken).toBeUndefined();
    const batch = await stack.client.send(
      new BatchGetDeploymentGroupsCommand({ applicationName, deploymentGroupNames: ['second', 'missing'] }),
    );
    expect(batch.deploymentGroupsInfo?.map((g) => g.deploymentGroupName)).toEqual(['second']);
    expect(batch.errorMessage).toContain('missing');
    await stack.client.send(
      new DeleteDeploymentGroupCommand({ applicationName, deploymentGroupName: 'third' }),
    );
    const after = await stack.client.send(new ListDeploymentGroupsCommand({ applicationName }));
    expect(after.deploymentGroups).toEqual(['renamed', 'second']);
  });
});

describe('deployments', () => {
  it('answers GetDeployment with the real shape and keeps the group’s last deployments', async () => {
    const names = await createAppAndGroup(stack);
    const first = await deploy(stack, names, { 'appspec.yml': SIMPLE_APPSPEC }, { description: 'first' });
    expect(first).toMatch(/^d-[A-Z0-9]{9}$/);
    const one = await finished(stack, first);
    expect(one).toMatchObject({
      applicationName: names.applicationName,
      deploymentGroupName: names.deploymentGroupName,
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      deploymentId: first,
      status: 'Succeeded',
      creator: 'user',
      description: 'first',
      fileExistsBehavior: 'DISALLOW',
      ignoreApplicationStopFailures: false,
      computePlatform: 'Server',
      deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 3, Failed: 0, Skipped: 0, Ready: 0 },
      deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
    });
    expect(one.createTime).toBeInstanceOf(Date);
    expect(one.completeTime?.getTime()).toBeGreaterThanOrEqual(one.startTime?.getTime() ?? 0);
    expect(one.previousRevision).toBeUndefined();
    const second = await deploy(stack, names, { 'appspec.yml': SIMPLE_APPSPEC });
    const two = await finished(stack, second);
    expect(two.previousRevision).toEqual(one.revision);
    const { deploymentGroupInfo } = await stack.client.send(new GetDeploymentGroupCommand(names));
    expect(deploymentGroupInfo?.lastSuccessfulDeployment).toMatchObject({
      deploymentId: second,
      status: 'Succeeded',
    });
    expect(deploymentGroupInfo?.lastAttemptedDeployment?.deploymentId).toBe(second);
    expect(deploymentGroupInfo?.targetRevision).toEqual(two.revision);

    const { deploymentsInfo } = await stack.client.send(
      new BatchGetDeploymentsCommand({ deploymentIds: [first, second, 'd-AAAAAAAAA'] }),
    );
    expect(deploymentsInfo?.map((d) => d.deploymentId)).toEqual([first, second]);
    const tooMany = Array.from({ length: 26 }, () => first);
    expect(
      (await failure(stack.client.send(new BatchGetDeploymentsCommand({ deploymentIds: tooMany })))).name,
    ).toBe('BatchLimitExceededException');
    expect(
      await failure(stack.client.send(new GetDeploymentCommand({ deploymentId: 'nope' }))),
    ).toBeInstanceOf(InvalidDeploymentIdException);
    expect(
      (await failure(stack.client.send(new GetDeploymentCommand({ deploymentId: 'd-AAAAAAAAA' })))).name,
    ).toBe('DeploymentDoesNotExistException');
  });

  it('validates CreateDeployment like CodeDeploy', async () => {
    const names = await createAppAndGroup(stack);
    const revision = {
      revisionType: 'S3' as const,
      s3Location: { bucket: stack.bucket, key: 'k.zip', bundleType: 'zip' as const },
    };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...names, applicationName: unique('ghost'), revision }, 'ApplicationDoesNotExistException'],
      [{ ...names, deploymentGroupName: 'ghost', revision }, 'DeploymentGroupDoesNotExistException'],
      [{ applicationName: names.applicationName, revision }, 'DeploymentGroupNameRequiredException'],
      [{ ...names }, 'RevisionRequiredException'],
      [
        {
          ...names,
          revision: { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k', bundleType: 'rar' } },
        },
        'InvalidRevisionException',
      ],
      [
        { ...names, revision: { revisionType: 'S3', s3Location: { bucket: 'b' } } },
        'InvalidRevisionException',
      ],
      [{ ...names, revision, deploymentConfigName: 'Nope' }, 'DeploymentConfigDoesNotExistException'],
      [{ ...names, revision, description: 'x'.repeat(101) }, 'DescriptionTooLongException'],
      [{ ...names, revision, fileExistsBehavior: 'MERGE' }, 'InvalidFileExistsBehaviorException'],
      [
        { ...names, revision, autoRollbackConfiguration: { enabled: true, events: [] } },
        'InvalidAutoRollbackConfigException',
      ],
    ];
    for (const [input, expected] of cases) {
      expect(
        (await failure(stack.client.send(new CreateDeploymentCommand(input as never)))).name,
        JSON.stringify(input),
      ).toBe(expected);
    }
  });

  it('refuses a second active deployment on a group (DeploymentLimitExceededException)', async () => {
    const names = await createAppAndGroup(slow);
    const first = await deploy(slow, names, { 'appspec.yml': SIMPLE_APPSPEC });
    const second = await failure(deploy(slow, names, { 'appspec.yml': SIMPLE_APPSPEC }));
    expect(second).toBeInstanceOf(DeploymentLimitExceededException);
    expect(second.message).toBe(
      `The Deployment Group '${names.deploymentGroupName}' already has an active Deployment '${first}'`,
    );
    const { deployments } = await slow.client.send(
      new ListDeploymentsCommand({
        ...names,
        includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Ready'],
      }),
    );
    expect(deployments).toEqual([first]);
    await slow.client.send(new StopDeploymentCommand({ deploymentId: first }));
    expect((await finished(slow, first)).status).toBe('Stopped');
    expect(
      slow.codedeploy.calls({
        operation: 'CreateDeployment',
        deploymentGroupName: names.deploymentGroupName,
      }),
    ).toHaveLength(2);
  });

  it('answers DeploymentNotStartedException for targets until instances are assigned', async () => {
    const names = await createAppAndGroup(slow);
    const id = await deploy(slow, names, { 'appspec.yml': SIMPLE_APPSPEC });
    expect(
      await failure(slow.client.send(new ListDeploymentTargetsCommand({ deploymentId: id }))),
    ).toBeInstanceOf(DeploymentNotStartedException);
    expect(
      await failure(
        slow.client.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ['i-0'] })),
      ),
    ).toBeInstanceOf(DeploymentNotStartedException);
    await slow.client.send(new StopDeploymentCommand({ deploymentId: id }));
    await finished(slow, id);
  });

  it('lists deployments newest first, filtered and paginated', async () => {
    const names = await createAppAndGroup(stack);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const id = await deploy(stack, names, {
        'appspec.yml': i === 1 ? 'version: 7\nos: linux\n' : SIMPLE_APPSPEC,
      });
      await finished(stack, id);
      ids.push(id);
    }
    const all: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await stack.client.send(new ListDeploymentsCommand({ ...names, nextToken }));
      all.push(...(page.deployments ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(all).toEqual([...ids].reverse());
    const failed = await stack.client.send(
      new ListDeploymentsCommand({ ...names, includeOnlyStatuses: ['Failed'] }),
    );
    expect(failed.deployments).toEqual([ids[1]]);
    const future = await stack.client.send(
      new ListDeploymentsCommand({ ...names, createTimeRange: { start: new Date(Date.now() + 3_600_000) } }),
    );
    expect(future.deployments).toEqual([]);
    expect(
      (await failure(stack.client.send(new ListDeploymentsCommand({ ...names, nextToken: 'garbage' })))).name,
    ).toBe('InvalidNextTokenException');
    expect(
      (
        await failure(
          stack.client.send(new ListDeploymentsCommand({ deploymentGroupName: names.deploymentGroupName })),
        )
      ).name,
    ).toBe('ApplicationNameRequiredException');
  });

  it('lists and describes deployment targets and instances', async () => {
    const names = await createAppAndGroup(stack);
    const id = await finished(stack, await deploy(stack, names, { 'appspec.yml': SIMPLE_APPSPEC })).then(
      (d) => d.deploymentId ?? '',
    );
    const first = await stack.client.send(new ListDeploymentTargetsCommand({ deploymentId: id }));
    const second = await stack.client.send(
      new ListDeploymentTargetsCommand({ deploymentId: id, nextToken: first.nextToken }),
    );
    const targetIds = [...(first.targetIds ?? []), ...(second.targetIds ?? [])];
    expect(targetIds).toEqual(
      stack.codedeploy.instances(names.applicationName, names.deploymentGroupName).map((i) => i.instanceId),
    );
    expect(targetIds[0]).toMatch(/^i-[0-9a-f]{17}$/);
    const succeeded = await stack.client.send(
      new ListDeploymentTargetsCommand({ deploymentId: id, targetFilters: { TargetStatus: ['Failed'] } }),
    );
    expect(succeeded.targetIds).toEqual([]);
    const { deploymentTarget } = await stack.client.send(
      new GetDeploymentTargetCommand({ deploymentId: id, targetId: targetIds[0] }),
    );
    expect(deploymentTarget).toMatchObject({
      deploymentTargetType: 'InstanceTarget',
      instanceTarget: {
        deploymentId: id,
        targetId: targetIds[0],
        targetArn: `arn:aws:ec2:us-east-1:123456789012:instance/${targetIds[0]}`,
        status: 'Succeeded',
      },
    });
    const event = deploymentTarget?.instanceTarget?.lifecycleEvents?.[1];
    expect(event).toMatchObject({
      lifecycleEventName: 'DownloadBundle',
      status: 'Succeeded',
      diagnostics: { errorCode: 'Success' },
    });
    expect(event?.startTime).toBeInstanceOf(Date);
    const tooMany = Array.from({ length: 26 }, () => targetIds[0] ?? '');
    expect(
      (
        await failure(
          stack.client.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: tooMany })),
        )
      ).name,
    ).toBe('DeploymentTargetListSizeExceededException');
    expect(
      (
        await failure(
          stack.client.send(
            new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ['i-nope'] }),
          ),
        )
      ).name,
    ).toBe('DeploymentTargetDoesNotExistException');
    const { instancesList } = await stack.client.send(
      new ListDeploymentInstancesCommand({ deploymentId: id }),
    );
    expect(instancesList).toHaveLength(2);
    const { instancesSummary } = await stack.client.send(
      new BatchGetDeploymentInstancesCommand({ deploymentId: id, instanceIds: targetIds }),
    );
    expect(instancesSummary?.map((s) => s.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  });

  it('keeps a deployment Created, then Queued, before it starts (realistic timing)', async () => {
    const names = await createAppAndGroup(timed);
    const id = await deploy(timed, names, { 'appspec.yml': SIMPLE_APPSPEC });
    const status = async () =>
      (await timed.client.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo?.status ?? '';
    const statuses: string[] = [];
    const targetAnswers = new Set<string>();
    for (;;) {
      const before = await status();
      const targets = await timed.client.send(new ListDeploymentTargetsCommand({ deploymentId: id })).then(
        () => 'targets',
        (error: Error) => error.name,
      );
      // Only what one status answered: the deployment may have moved on between the two calls.
      if (before === (await status())) targetAnswers.add(`${before}: ${targets}`);
      if (statuses.at(-1) !== before) statuses.push(before);
      if (before === 'Succeeded' || before === 'Failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(statuses[0]).toBe('Created');
    expect(statuses[1]).toBe('Queued');
    expect(statuses.at(-1)).toBe('Succeeded');
    expect(targetAnswers).toContain('Created: DeploymentNotStartedException');
    expect(targetAnswers).toContain('Queued: DeploymentNotStartedException');
    expect([...targetAnswers].filter((answer) => answer.startsWith('Succeeded'))).toEqual([
      'Succeeded: targets',
    ]);
  });

  it('pages the targets and instances of a deployment past one page (101 instances, pages of 100)', async () => {
    const names = await createAppAndGroup(timed, {
      ec2TagFilters: [{ Key: 'local:instances', Value: '101', Type: 'KEY_AND_VALUE' }],
    });
    const id = await deploy(timed, names, { 'appspec.yml': SIMPLE_APPSPEC });
    while (
      (await timed.client.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo?.status !==
      'InProgress'
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const targetPages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await timed.client.send(new ListDeploymentTargetsCommand({ deploymentId: id, nextToken }));
      targetPages.push(page.targetIds ?? []);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(targetPages.map((page) => page.length)).toEqual([100, 1]);
    const instances = timed.codedeploy.instances(names.applicationName, names.deploymentGroupName);
    expect(targetPages.flat()).toEqual(instances.map((i) => i.instanceId));
    const instancePages: string[][] = [];
    for await (const page of paginateListDeploymentInstances(
      { client: timed.client },
      { deploymentId: id },
    )) {
      instancePages.push(page.instancesList ?? []);
    }
    expect(instancePages.map((page) => page.length)).toEqual([100, 1]);
    await timed.client.send(new StopDeploymentCommand({ deploymentId: id }));
    expect((await finished(timed, id)).status).toBe('Stopped');
  });

  it('restarts the last successful revision (deploymentMode RESTART), in place only', async () => {
    const names = await createAppAndGroup(stack);
    const restart = () =>
      failure(stack.client.send(new CreateDeploymentCommand({ ...names, deploymentMode: 'RESTART' })));
    expect((await restart()).name).toBe('RevisionDoesNotExistException');
    const first = await finished(stack, await deploy(stack, names, { 'appspec.yml': SIMPLE_APPSPEC }));
    const withRevision = await failure(
      stack.client.send(
        new CreateDeploymentCommand({ ...names, deploymentMode: 'RESTART', revision: first.revision }),
      ),
    );
    expect(withRevision.name).toBe('InvalidRevisionException');
    const { deploymentId = '' } = await stack.client.send(
      new CreateDeploymentCommand({ ...names, deploymentMode: 'RESTART' }),
    );
    const again = await finished(stack, deploymentId);
    expect(again).toMatchObject({ status: 'Succeeded', deploymentMode: 'RESTART', revision: first.revision });
    expect(first.deploymentMode).toBeUndefined();
  });
});

describe('revisions and deployment configurations', () => {
  it('registers revisions and lists them with what was deployed', async () => {
    const names = await createAppAndGroup(stack);
    const registered = {
      revisionType: 'S3' as const,
      s3Location: { bucket: 'b', key: 'only-registered.zip', bundleType: 'zip' as const },
    };
    await stack.client.send(
      new RegisterApplicationRevisionCommand({
        applicationName: names.applicationName,
        revision: registered,
        description: 'kept for later',
      }),
    );
    const deployedInfo = await finished(stack, await deploy(stack, names, { 'appspec.yml': SIMPLE_APPSPEC }));
    const got = await stack.client.send(
      new GetApplicationRevisionCommand({ applicationName: names.applicationName, revision: registered }),
    );
    expect(got.revisionInfo).toMatchObject({ description: 'kept for later', deploymentGroups: [] });
    const used = await stack.client.send(
      new GetApplicationRevisionCommand({
        applicationName: names.applicationName,
        revision: deployedInfo.revision,
      }),
    );
    expect(used.revisionInfo?.deploymentGroups).toEqual([names.deploymentGroupName]);
    expect(used.revisionInfo?.firstUsedTime).toBeInstanceOf(Date);
    const deployed = await stack.client.send(
      new ListApplicationRevisionsCommand({ applicationName: names.applicationName, deployed: 'include' }),
    );
    expect(deployed.revisions).toEqual([deployedInfo.revision]);
    const missing = await failure(
      stack.client.send(
        new GetApplicationRevisionCommand({
          applicationName: names.applicationName,
          revision: { ...registered, s3Location: { ...registered.s3Location, key: 'never.zip' } },
        }),
      ),
    );
    expect(missing.name).toBe('RevisionDoesNotExistException');
  });

  it('serves the built-in configurations and custom ones', async () => {
    const get = async (deploymentConfigName: string) =>
      (await stack.client.send(new GetDeploymentConfigCommand({ deploymentConfigName })))
        .deploymentConfigInfo;
    expect((await get('CodeDeployDefault.OneAtATime'))?.minimumHealthyHosts).toEqual({
      type: 'MOST_CONCURRENCY',
      value: 1,
    });
    expect((await get('CodeDeployDefault.HalfAtATime'))?.minimumHealthyHosts).toEqual({
      type: 'FLEET_PERCENT',
      value: 50,
    });
    expect((await get('CodeDeployDefault.AllAtOnce'))?.minimumHealthyHosts).toEqual({
      type: 'HOST_COUNT',
      value: 0,
    });
    const name = unique('ninety');
    await stack.client.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: name,
        minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 90 },
      }),
    );
    expect((await get(name))?.minimumHealthyHosts).toEqual({ type: 'FLEET_PERCENT', value: 90 });
    const invalid = await failure(
      stack.client.send(
        new CreateDeploymentConfigCommand({
          deploymentConfigName: unique('bad'),
          minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 150 },
        }),
      ),
    );
    expect(invalid.name).toBe('InvalidMinimumHealthyHostValueException');
    const all: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await stack.client.send(new ListDeploymentConfigsCommand({ nextToken }));
      all.push(...(page.deploymentConfigsList ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(all).toEqual(
      expect.arrayContaining([
        'CodeDeployDefault.AllAtOnce',
        'CodeDeployDefault.HalfAtATime',
        'CodeDeployDefault.OneAtATime',
        name,
      ]),
    );
    await createAppAndGroup(stack, { deploymentConfigName: name });
    expect(
      await failure(stack.client.send(new DeleteDeploymentConfigCommand({ deploymentConfigName: name }))),
    ).toBeInstanceOf(DeploymentConfigInUseException);
  });
});

describe('wire protocol and call records', () => {
  it('answers errors as HTTP 400 with __type and message, and timestamps as epoch seconds', async () => {
    const endpoint = stack.codedeploy.endpoint;
    expect(await rawCall(endpoint, 'GetApplication', { applicationName: unique('ghost') })).toMatchObject({
      status: 400,
      body: {
        __type: 'ApplicationDoesNotExistException',
        message: expect.stringContaining('No application found'),
      },
    });
    expect(await rawCall(endpoint, 'Frobnicate', {})).toMatchObject({
      status: 400,
      body: { __type: 'UnknownOperationException' },
    });
    // An operation of the model is never unknown: what the local CodeDeploy lacks, it says so.
    expect(await rawCall(endpoint, 'ListGitHubAccountTokenNames', {})).toMatchObject({
      status: 400,
      body: { __type: 'OperationNotSupportedException' },
    });
    expect(await rawCall(endpoint, undefined, {})).toMatchObject({
      status: 400,
      body: { __type: 'UnknownOperationException' },
    });
    expect(await rawCall(endpoint, 'GetApplication', {})).toMatchObject({
      body: { __type: 'ApplicationNameRequiredException' },
    });
    const applicationName = unique('app');
    await rawCall(endpoint, 'CreateApplication', { applicationName });
    const { body } = await rawCall(endpoint, 'GetApplication', { applicationName });
    const createTime = (body.application as { createTime: unknown }).createTime;
    expect(typeof createTime).toBe('number');
    expect(Math.abs((createTime as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('is found by an unchanged SDK client through AWS_ENDPOINT_URL_CODEDEPLOY', async () => {
    const applicationName = unique('env');
    const previous = process.env.AWS_ENDPOINT_URL_CODEDEPLOY;
    process.env.AWS_ENDPOINT_URL_CODEDEPLOY = stack.codedeploy.endpoint;
    try {
      const client = new CodeDeployClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      await client.send(new CreateApplicationCommand({ applicationName }));
      client.destroy();
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_CODEDEPLOY;
      else process.env.AWS_ENDPOINT_URL_CODEDEPLOY = previous;
    }
    expect(
      stack.codedeploy
        .calls({ operation: 'CreateApplication' })
        .some((c) => c.applicationName === applicationName),
    ).toBe(true);
  });

  it('records every call with its deployment group, through the handle and GET /_local/calls', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, { 'appspec.yml': SIMPLE_APPSPEC });
    await finished(stack, id);
    await failure(
      stack.client.send(new GetDeploymentGroupCommand({ ...names, deploymentGroupName: 'ghost' })),
    );
    const mine = stack.codedeploy.calls({ deploymentGroupName: names.deploymentGroupName });
    expect(mine.map((c) => c.operation)).toEqual([
      'CreateDeploymentGroup',
      'CreateDeployment',
      'GetDeployment',
    ]);
    expect(mine[1]).toMatchObject({ applicationName: names.applicationName, deploymentId: id });
    const response = await fetch(`${stack.codedeploy.endpoint}/_local/calls`);
    const { calls } = (await response.json()) as {
      calls: Array<{
        operation: string;
        applicationName?: string;
        deploymentGroupName?: string;
        error?: string;
      }>;
    };
    const ghost = calls.filter(
      (c) => c.applicationName === names.applicationName && c.deploymentGroupName === 'ghost',
    );
    expect(ghost).toEqual([
      expect.objectContaining({
        operation: 'GetDeploymentGroup',
        error: 'DeploymentGroupDoesNotExistException',
      }),
    ]);
    const response2 = await fetch(`${stack.codedeploy.endpoint}/_local/deployments/${id}/timeline`);
    const timeline = (await response2.json()) as { timeline: unknown[] };
    expect(timeline.timeline).toHaveLength(6);
  });

  it('answers ThrottlingException past the throttle rate, and again once the rate allows', async () => {
    const endpoint = throttled.codedeploy.endpoint;
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => rawCall(endpoint, 'ListApplications', {})),
    );
    const types = burst.map((answer) => String(answer.body.__type ?? answer.status));
    // Two calls a second: a burst of six finds two tokens, perhaps a third refilled meanwhile.
    expect(types.filter((type) => type === '200').length).toBeGreaterThanOrEqual(2);
    expect(types.filter((type) => type === 'ThrottlingException').length).toBeGreaterThanOrEqual(3);
    expect(burst.find((answer) => answer.status === 400)?.body).toEqual({
      __type: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    expect(throttled.codedeploy.calls({ operation: 'ListApplications' }).filter((c) => c.error)).toHaveLength(
      types.filter((type) => type === 'ThrottlingException').length,
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await rawCall(endpoint, 'ListApplications', {})).status).toBe(200);
  });

  it('names its console on every answer, so a client links each deployment to its page there', async () => {
    let header: string | undefined;
    const client = new CodeDeployClient({
      endpoint: stack.codedeploy.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    });
    // What the action's clients can do: read the header off the raw response.
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        header = (result.response as { headers?: Record<string, string> }).headers?.[LOCAL_CONSOLE_HEADER];
        return result;
      },
      { step: 'deserialize', name: 'localConsole' },
    );
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, { 'appspec.yml': SIMPLE_APPSPEC });
    await client.send(new GetDeploymentCommand({ deploymentId: id }));
    client.destroy();
    const base = localConsoleBase(header);
    expect(base).toBe(stack.codedeploy.consoleUrl);
    const url = deploymentUrl(id, 'us-east-1', base);
    expect(url).toBe(`${stack.codedeploy.endpoint}/console/deployments/${id}`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(id);
    const error = await rawCall(stack.codedeploy.endpoint, 'GetApplication', {
      applicationName: unique('ghost'),
    });
    expect(error.console).toBe(stack.codedeploy.consoleUrl);
  });
});
