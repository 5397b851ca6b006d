import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CLI_CONFIG, type AwsCliResult, awsCli, awsCliEnv } from '../helpers/aws-cli.js';
import {
  type BotocoreSummary,
  botocoreSummary,
  declaredErrors,
  modelProblems,
} from '../helpers/botocore-model.js';
import {
  buildBundle,
  type LocalStack,
  ROLE,
  SIMPLE_APPSPEC,
  startLocalStack,
  tempDir,
  unique,
  uploadBundle,
} from '../helpers/local.js';
import { type RecordingProxy, startRecordingProxy } from '../helpers/recording-proxy.js';

/**
 * The local CodeDeploy against AWS's contract, with the AWS CLI (botocore, an independent client)
 * as the caller: every operation of the API model, a table of requests the model rejects, and
 * every answer checked against botocore's copy of the model. A recording proxy between the two
 * keeps what was really said on the wire.
 */
let stack: LocalStack;
let proxy: RecordingProxy;
let work: string;
let env: Record<string, string>;
let botocore: BotocoreSummary;
let revision: string;

/** Errors any AWS JSON operation may answer, whatever it declares. */
const COMMON_ERRORS = ['SerializationException', 'ValidationException', 'ThrottlingException'];

beforeAll(async () => {
  stack = await startLocalStack({ instancesPerGroup: 2 });
  proxy = await startRecordingProxy(stack.codedeploy.endpoint);
  work = await tempDir('cdg-contract-');
  const config = join(work, 'aws-config');
  await writeFile(config, AWS_CLI_CONFIG);
  env = awsCliEnv(config);
  botocore = botocoreSummary();
  const bundle = await buildBundle({ 'appspec.yml': SIMPLE_APPSPEC });
  const key = `${unique('contract')}.zip`;
  const eTag = (await uploadBundle(stack.s3Client, stack.bucket, key, bundle)).replaceAll('"', '');
  revision = JSON.stringify({
    revisionType: 'S3',
    s3Location: { bucket: stack.bucket, key, bundleType: 'zip', eTag },
  });
});
afterAll(async () => {
  await proxy?.close();
  await stack?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** `aws deploy <command> …` through the proxy; `unchecked` turns the CLI's own checks off. */
function deploy(command: string, ...args: string[]): string[] {
  return ['deploy', command, ...args, '--endpoint-url', proxy.endpoint, '--output', 'json'];
}
const unchecked = (argv: string[]) => [...argv, '--profile', 'unchecked'];

/** The error type the CLI reports, or 'ok'. */
function outcome(result: AwsCliResult): string {
  if (result.code === 0) return 'ok';
  return (
    /An error occurred \((\w+)\)/.exec(result.stderr)?.[1] ?? `exit ${result.code}: ${result.stderr.trim()}`
  );
}

async function run(commands: Array<[string[], string]>): Promise<AwsCliResult[]> {
  const results = await awsCli(
    commands.map(([argv]) => argv),
    env,
  );
  expect(results.map((result, index) => `${commands[index]?.[0][1]}: ${outcome(result)}`)).toEqual(
    commands.map(([argv, expected]) => `${argv[1]}: ${expected}`),
  );
  return results;
}

/** An application with one in-place deployment group, created through the CLI. */
async function appWithGroup(prefix: string): Promise<{ app: string; group: string }> {
  const app = unique(`${prefix}-app`);
  const group = unique(`${prefix}-group`);
  await run([
    [deploy('create-application', '--application-name', app), 'ok'],
    [
      deploy(
        'create-deployment-group',
        '--application-name',
        app,
        '--deployment-group-name',
        group,
        '--service-role-arn',
        ROLE,
      ),
      'ok',
    ],
  ]);
  return { app, group };
}

describe('the local CodeDeploy through the AWS CLI', () => {
  it('answers every operation of the API model within its shapes', async () => {
    const app = unique('contract-app');
    const group = unique('contract-group');
    const config = unique('contract-config');
    const arn = (resource: string) => `arn:aws:codedeploy:us-east-1:123456789012:${resource}`;
    const onPremises = unique('on-prem');
    const first = await run([
      [deploy('create-application', '--application-name', app, '--tags', 'Key=team,Value=web'), 'ok'],
      [deploy('update-application', '--application-name', app, '--new-application-name', `${app}-2`), 'ok'],
      [deploy('update-application', '--application-name', `${app}-2`, '--new-application-name', app), 'ok'],
      [deploy('get-application', '--application-name', app), 'ok'],
      [deploy('batch-get-applications', '--application-names', app), 'ok'],
      [deploy('list-applications'), 'ok'],
      [
        deploy(
          'create-deployment-config',
          '--deployment-config-name',
          config,
          '--minimum-healthy-hosts',
          'type=HOST_COUNT,value=1',
        ),
        'ok',
      ],
      [deploy('get-deployment-config', '--deployment-config-name', config), 'ok'],
      [deploy('get-deployment-config', '--deployment-config-name', 'CodeDeployDefault.OneAtATime'), 'ok'],
      [deploy('list-deployment-configs'), 'ok'],
      [
        deploy(
          'create-deployment-group',
          '--application-name',
          app,
          '--deployment-group-name',
          group,
          '--service-role-arn',
          ROLE,
          '--deployment-config-name',
          'CodeDeployDefault.AllAtOnce',
          '--ec2-tag-filters',
          JSON.stringify([
            { Key: 'local:instances', Value: '2', Type: 'KEY_AND_VALUE' },
            { Key: 'Environment', Value: 'contract', Type: 'KEY_AND_VALUE' },
          ]),
          '--auto-scaling-groups',
          'web-asg',
          '--trigger-configurations',
          JSON.stringify([
            {
              triggerName: 'failures',
              triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:deployments',
              triggerEvents: ['DeploymentFailure', 'InstanceFailure'],
            },
          ]),
          '--alarm-configuration',
          JSON.stringify({ enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: 'errors' }] }),
          '--auto-rollback-configuration',
          JSON.stringify({ enabled: true, events: ['DEPLOYMENT_FAILURE'] }),
          '--outdated-instances-strategy',
          'IGNORE',
          '--termination-hook-enabled',
          '--tags',
          'Key=team,Value=web',
        ),
        'ok',
      ],
      [deploy('get-deployment-group', '--application-name', app, '--deployment-group-name', group), 'ok'],
      [deploy('list-deployment-groups', '--application-name', app), 'ok'],
      [
        deploy(
          'batch-get-deployment-groups',
          '--application-name',
          app,
          '--deployment-group-names',
          group,
          'gone',
        ),
        'ok',
      ],
      [
        deploy(
          'update-deployment-group',
          '--application-name',
          app,
          '--current-deployment-group-name',
          group,
          '--deployment-config-name',
          config,
        ),
        'ok',
      ],
      [
        deploy(
          'register-application-revision',
          '--application-name',
          app,
          '--revision',
          revision,
          '--description',
          'v1',
        ),
        'ok',
      ],
      [deploy('get-application-revision', '--application-name', app, '--revision', revision), 'ok'],
      [
        deploy('batch-get-application-revisions', '--application-name', app, '--revisions', `[${revision}]`),
        'ok',
      ],
      [deploy('list-application-revisions', '--application-name', app), 'ok'],
      [
        deploy(
          'create-deployment',
          '--application-name',
          app,
          '--deployment-group-name',
          group,
          '--revision',
          revision,
          '--description',
          'through the CLI',
        ),
        'ok',
      ],
    ]);
    const deploymentId = String(first.at(-1)?.json.deploymentId);
    await stack.codedeploy.waitForDeployment(deploymentId);
    const [instance = ''] = stack.codedeploy.instances(app, group).map((i) => i.instanceId);
    await run([
      [deploy('get-deployment', '--deployment-id', deploymentId), 'ok'],
      [deploy('batch-get-deployments', '--deployment-ids', deploymentId), 'ok'],
      [deploy('list-deployments', '--application-name', app, '--deployment-group-name', group), 'ok'],
      [deploy('list-deployment-targets', '--deployment-id', deploymentId), 'ok'],
      [
        deploy('batch-get-deployment-targets', '--deployment-id', deploymentId, '--target-ids', instance),
        'ok',
      ],
      [deploy('get-deployment-target', '--deployment-id', deploymentId, '--target-id', instance), 'ok'],
      [deploy('list-deployment-instances', '--deployment-id', deploymentId), 'ok'],
      [
        deploy('batch-get-deployment-instances', '--deployment-id', deploymentId, '--instance-ids', instance),
        'ok',
      ],
      [deploy('get-deployment-instance', '--deployment-id', deploymentId, '--instance-id', instance), 'ok'],
      [deploy('stop-deployment', '--deployment-id', deploymentId), 'DeploymentAlreadyCompletedException'],
      [deploy('continue-deployment', '--deployment-id', deploymentId), 'DeploymentAlreadyCompletedException'],
      [
        deploy('skip-wait-time-for-instance-termination', '--deployment-id', deploymentId),
        'DeploymentAlreadyCompletedException',
      ],
      [
        deploy(
          'put-lifecycle-event-hook-execution-status',
          '--deployment-id',
          deploymentId,
          '--lifecycle-event-hook-execution-id',
          'hook',
          '--status',
          'Succeeded',
        ),
        'UnsupportedActionForDeploymentTypeException',
      ],
      [
        deploy('tag-resource', '--resource-arn', arn(`application:${app}`), '--tags', 'Key=cost,Value=42'),
        'ok',
      ],
      [
        deploy(
          'tag-resource',
          '--resource-arn',
          arn(`deploymentgroup:${app}/${group}`),
          '--tags',
          'Key=tier,Value=web',
        ),
        'ok',
      ],
      [deploy('untag-resource', '--resource-arn', arn(`application:${app}`), '--tag-keys', 'team'), 'ok'],
      [deploy('list-tags-for-resource', '--resource-arn', arn(`application:${app}`)), 'ok'],
      [
        deploy(
          'register-on-premises-instance',
          '--instance-name',
          onPremises,
          '--iam-user-arn',
          `arn:aws:iam::123456789012:user/${onPremises}`,
        ),
        'ok',
      ],
      [
        deploy(
          'add-tags-to-on-premises-instances',
          '--instance-names',
          onPremises,
          '--tags',
          'Key=room,Value=42',
        ),
        'ok',
      ],
      [deploy('get-on-premises-instance', '--instance-name', onPremises), 'ok'],
      [deploy('batch-get-on-premises-instances', '--instance-names', onPremises), 'ok'],
      [
        deploy(
          'list-on-premises-instances',
          '--registration-status',
          'Registered',
          '--tag-filters',
          'Key=room,Value=42,Type=KEY_AND_VALUE',
        ),
        'ok',
      ],
      [
        deploy(
          'remove-tags-from-on-premises-instances',
          '--instance-names',
          onPremises,
          '--tags',
          'Key=room,Value=42',
        ),
        'ok',
      ],
      [deploy('deregister-on-premises-instance', '--instance-name', onPremises), 'ok'],
      [deploy('list-git-hub-account-token-names'), 'OperationNotSupportedException'],
      [deploy('delete-git-hub-account-token', '--token-name', 'mine'), 'OperationNotSupportedException'],
      [deploy('delete-resources-by-external-id', '--external-id', 'stack-1'), 'ok'],
      [
        deploy('delete-deployment-config', '--deployment-config-name', config),
        'DeploymentConfigInUseException',
      ],
      [deploy('delete-deployment-group', '--application-name', app, '--deployment-group-name', group), 'ok'],
      [deploy('delete-deployment-config', '--deployment-config-name', config), 'ok'],
      [deploy('delete-application', '--application-name', app), 'ok'],
    ]);

    const seen = new Set(proxy.exchanges.map((e) => e.operation));
    expect([...seen].sort()).toEqual(Object.keys(botocore.operations).sort());
    const answers = proxy.exchanges.filter((e) => e.status === 200);
    const problems = modelProblems(
      answers.map((e) => ({ operation: e.operation, kind: 'output', body: JSON.parse(e.responseBody) })),
    );
    // The one answer off the model's enums is AWS's own: the API reference (MinimumHealthyHosts) says
    // GetDeploymentConfig answers CodeDeployDefault.OneAtATime with the type MOST_CONCURRENCY.
    const awsOwn =
      'GetDeploymentConfig: GetDeploymentConfig.deploymentConfigInfo.minimumHealthyHosts.type: "MOST_CONCURRENCY"';
    expect(
      answers
        .flatMap((e, index) => (problems[index] ?? []).map((p) => `${e.operation}: ${p}`))
        .filter((problem) => !problem.startsWith(awsOwn)),
    ).toEqual([]);
    expect(
      answers.flatMap((_, index) => problems[index] ?? []).filter((p) => p.includes('MOST_CONCURRENCY')),
    ).toHaveLength(1);
    const errors = proxy.exchanges.filter((e) => e.status !== 200);
    expect(
      errors
        .map((e) => ({ operation: e.operation, type: String(JSON.parse(e.responseBody).__type) }))
        .filter(
          ({ operation, type }) =>
            !declaredErrors(botocore, operation).has(type) && !COMMON_ERRORS.includes(type),
        ),
    ).toEqual([]);
    expect(
      proxy.exchanges.every((e) => e.headers['x-local-codedeploy-console'] === `${proxy.endpoint}/console/`),
    ).toBe(true);
  });

  it('answers each request the model rejects with the error the operation declares (a table)', async () => {
    const { app, group } = await appWithGroup('bad');
    const newGroup = (...settings: string[]) =>
      deploy(
        'create-deployment-group',
        '--application-name',
        app,
        '--deployment-group-name',
        unique('g'),
        '--service-role-arn',
        ROLE,
        ...settings,
      );
    const tagFilter = (i: number) => ({ Key: `k${i}`, Value: `v${i}`, Type: 'KEY_AND_VALUE' });
    const names = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}` }));
    const newDeployment = (...args: string[]) =>
      deploy('create-deployment', '--application-name', app, '--deployment-group-name', group, ...args);
    const table: Array<[string[], string]> = [
      // Deployment groups: enums, limits the API reference states in prose, combinations.
      [newGroup('--ec2-tag-filters', 'Key=tier,Value=web,Type=SOMETIMES'), 'InvalidEC2TagException'],
      [
        newGroup('--ec2-tag-filters', JSON.stringify(Array.from({ length: 11 }, (_, i) => tagFilter(i)))),
        'InvalidEC2TagException',
      ],
      [
        newGroup(
          '--ec2-tag-set',
          JSON.stringify({ ec2TagSetList: [[tagFilter(1)], [tagFilter(2)], [tagFilter(3)], [tagFilter(4)]] }),
        ),
        'TagSetListLimitExceededException',
      ],
      [
        newGroup(
          '--ec2-tag-filters',
          JSON.stringify([tagFilter(1)]),
          '--ec2-tag-set',
          JSON.stringify({ ec2TagSetList: [[tagFilter(2)]] }),
        ),
        'InvalidEC2TagCombinationException',
      ],
      [
        newGroup(
          '--ec2-tag-filters',
          JSON.stringify([tagFilter(1)]),
          '--ec2-tag-set',
          JSON.stringify({ ec2TagSetList: [] }),
        ),
        'ok',
      ],
      [newGroup('--on-premises-instance-tag-filters', 'Key=room,Value=1,Type=NEAR'), 'InvalidTagException'],
      [
        newGroup('--load-balancer-info', JSON.stringify({ targetGroupInfoList: names(11, 'tg') })),
        'InvalidLoadBalancerInfoException',
      ],
      [
        newGroup('--load-balancer-info', JSON.stringify({ elbInfoList: names(11, 'elb') })),
        'InvalidLoadBalancerInfoException',
      ],
      [
        newGroup(
          '--load-balancer-info',
          JSON.stringify({
            targetGroupPairInfoList: [{ targetGroups: names(2, 'a') }, { targetGroups: names(2, 'b') }],
          }),
        ),
        'InvalidTargetGroupPairException',
      ],
      [
        newGroup('--alarm-configuration', JSON.stringify({ enabled: true, alarms: names(11, 'alarm') })),
        'AlarmsLimitExceededException',
      ],
      [
        newGroup('--alarm-configuration', JSON.stringify({ enabled: true, alarms: [] })),
        'InvalidAlarmConfigException',
      ],
      [
        newGroup(
          '--alarm-configuration',
          JSON.stringify({ enabled: true, alarms: [{ name: 'x'.repeat(256) }] }),
        ),
        'InvalidAlarmConfigException',
      ],
      [newGroup('--outdated-instances-strategy', 'SOMETIMES'), 'InvalidInputException'],
      [
        newGroup(
          '--trigger-configurations',
          JSON.stringify([
            {
              triggerName: 't',
              triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:t',
              triggerEvents: ['DeploymentExploded'],
            },
          ]),
        ),
        'InvalidTriggerConfigException',
      ],
      [
        newGroup(
          '--trigger-configurations',
          JSON.stringify([
            { triggerName: 't', triggerTargetArn: 'not-a-topic', triggerEvents: ['DeploymentFailure'] },
          ]),
        ),
        'InvalidTriggerConfigException',
      ],
      [
        newGroup(
          '--trigger-configurations',
          JSON.stringify(
            Array.from({ length: 11 }, (_, i) => ({
              triggerName: `t${i}`,
              triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:t',
              triggerEvents: ['DeploymentFailure'],
            })),
          ),
        ),
        'TriggerTargetsLimitExceededException',
      ],
      [
        newGroup('--deployment-style', 'deploymentType=SIDEWAYS,deploymentOption=WITH_TRAFFIC_CONTROL'),
        'InvalidDeploymentStyleException',
      ],
      [
        newGroup(
          '--blue-green-deployment-configuration',
          JSON.stringify({ greenFleetProvisioningOption: { action: 'CLONE' } }),
        ),
        'InvalidBlueGreenDeploymentConfigurationException',
      ],
      [
        newGroup('--auto-rollback-configuration', 'enabled=true,events=DEPLOYMENT_EXPLODED'),
        'InvalidAutoRollbackConfigException',
      ],
      [
        newGroup('--auto-rollback-configuration', JSON.stringify({ enabled: true, events: [] })),
        'InvalidAutoRollbackConfigException',
      ],
      [newGroup('--auto-scaling-groups', 'a'.repeat(256)), 'InvalidAutoScalingGroupException'],
      [newGroup('--tags', `Key=${'k'.repeat(129)},Value=v`), 'InvalidTagsToAddException'],
      [
        deploy(
          'create-deployment-group',
          '--application-name',
          app,
          '--deployment-group-name',
          'bad name!',
          '--service-role-arn',
          ROLE,
        ),
        'InvalidDeploymentGroupNameException',
      ],
      [
        deploy(
          'create-deployment-group',
          '--application-name',
          app,
          '--deployment-group-name',
          unique('g'),
          '--service-role-arn',
          'admin',
        ),
        'InvalidRoleException',
      ],
      // Applications, names, configurations.
      [
        deploy('create-application', '--application-name', 'x'.repeat(101)),
        'InvalidApplicationNameException',
      ],
      [unchecked(deploy('create-application', '--application-name', '')), 'InvalidApplicationNameException'],
      [
        deploy('create-application', '--application-name', unique('a'), '--compute-platform', 'Mainframe'),
        'InvalidComputePlatformException',
      ],
      [
        deploy('update-application', '--application-name', app, '--new-application-name', 'no/slash'),
        'InvalidApplicationNameException',
      ],
      [
        deploy(
          'create-deployment-config',
          '--deployment-config-name',
          unique('c'),
          '--minimum-healthy-hosts',
          'type=MOST,value=1',
        ),
        'InvalidMinimumHealthyHostValueException',
      ],
      [
        deploy(
          'create-deployment-config',
          '--deployment-config-name',
          unique('c'),
          '--minimum-healthy-hosts',
          'type=FLEET_PERCENT,value=150',
        ),
        'InvalidMinimumHealthyHostValueException',
      ],
      [
        deploy('create-deployment-config', '--deployment-config-name', unique('c')),
        'InvalidMinimumHealthyHostValueException',
      ],
      // Deployments.
      [
        newDeployment('--revision', revision, '--description', 'd'.repeat(101)),
        'DescriptionTooLongException',
      ],
      [
        newDeployment('--revision', revision, '--file-exists-behavior', 'MERGE'),
        'InvalidFileExistsBehaviorException',
      ],
      [
        newDeployment(
          '--revision',
          revision,
          '--target-instances',
          'tagFilters=[{Key=a,Value=b,Type=KEY_AND_VALUE}]',
        ),
        'InvalidTargetInstancesException',
      ],
      [
        newDeployment('--revision', revision, '--auto-rollback-configuration', 'enabled=true,events=NOPE'),
        'InvalidAutoRollbackConfigException',
      ],
      [
        newDeployment(
          '--revision',
          JSON.stringify({ revisionType: 'S3', s3Location: { bucket: 'b', key: 'k', bundleType: 'rar' } }),
        ),
        'InvalidRevisionException',
      ],
      [
        newDeployment(
          '--revision',
          JSON.stringify({ revisionType: 'Git', gitHubLocation: { repository: 'a/b', commitId: 'c' } }),
        ),
        'InvalidRevisionException',
      ],
      [deploy('get-deployment', '--deployment-id', 'nope'), 'InvalidDeploymentIdException'],
      [deploy('get-deployment', '--deployment-id', 'd-AAAAAAAAA'), 'DeploymentDoesNotExistException'],
      [
        deploy(
          'batch-get-deployments',
          '--deployment-ids',
          ...Array.from({ length: 26 }, () => 'd-AAAAAAAAA'),
        ),
        'BatchLimitExceededException',
      ],
      [
        deploy('continue-deployment', '--deployment-id', 'd-AAAAAAAAA', '--deployment-wait-type', 'LATER'),
        'InvalidDeploymentWaitTypeException',
      ],
      [
        deploy('list-deployments', '--application-name', app, '--include-only-statuses', 'Exploded'),
        'InvalidDeploymentStatusException',
      ],
      [deploy('list-deployments', '--deployment-group-name', group), 'ApplicationNameRequiredException'],
      [
        deploy(
          'list-deployment-targets',
          '--deployment-id',
          'd-AAAAAAAAA',
          '--target-filters',
          '{"Color":["Blue"]}',
        ),
        'InvalidTargetFilterNameException',
      ],
      [
        deploy(
          'list-deployment-instances',
          '--deployment-id',
          'd-AAAAAAAAA',
          '--instance-status-filter',
          'Dancing',
        ),
        'InvalidInstanceStatusException',
      ],
      [
        deploy(
          'list-deployment-instances',
          '--deployment-id',
          'd-AAAAAAAAA',
          '--instance-type-filter',
          'Purple',
        ),
        'InvalidInstanceTypeException',
      ],
      // Revisions.
      [
        deploy('list-application-revisions', '--application-name', app, '--sort-by', 'name'),
        'InvalidSortByException',
      ],
      [
        deploy('list-application-revisions', '--application-name', app, '--sort-order', 'sideways'),
        'InvalidSortOrderException',
      ],
      [
        deploy('list-application-revisions', '--application-name', app, '--deployed', 'maybe'),
        'InvalidDeployedStateFilterException',
      ],
      [
        deploy('list-application-revisions', '--application-name', app, '--s3-key-prefix', 'a/'),
        'BucketNameFilterRequiredException',
      ],
      [
        deploy('list-application-revisions', '--application-name', app, '--s3-bucket', 'Not_A_Bucket'),
        'InvalidBucketNameFilterException',
      ],
      [
        deploy(
          'register-application-revision',
          '--application-name',
          app,
          '--revision',
          revision,
          '--description',
          'd'.repeat(101),
        ),
        'DescriptionTooLongException',
      ],
      // Tags and on-premises instances.
      [
        deploy('tag-resource', '--resource-arn', 'not-an-arn', '--tags', 'Key=a,Value=b'),
        'InvalidArnException',
      ],
      [
        deploy('tag-resource', '--resource-arn', 'arn:aws:s3:::a-bucket', '--tags', 'Key=a,Value=b'),
        'ArnNotSupportedException',
      ],
      [
        deploy(
          'tag-resource',
          '--resource-arn',
          `arn:aws:codedeploy:us-east-1:123456789012:application:${unique('ghost')}`,
          '--tags',
          'Key=a,Value=b',
        ),
        'ApplicationDoesNotExistException',
      ],
      [
        deploy(
          'register-on-premises-instance',
          '--instance-name',
          unique('i'),
          '--iam-user-arn',
          'arn:aws:iam::123456789012:user/u',
          '--iam-session-arn',
          'arn:aws:sts::123456789012:assumed-role/r/s',
        ),
        'MultipleIamArnsProvidedException',
      ],
      [deploy('register-on-premises-instance', '--instance-name', unique('i')), 'IamArnRequiredException'],
      [
        deploy('register-on-premises-instance', '--instance-name', unique('i'), '--iam-user-arn', 'bob'),
        'InvalidIamUserArnException',
      ],
      [
        deploy(
          'add-tags-to-on-premises-instances',
          '--instance-names',
          unique('ghost'),
          '--tags',
          'Key=a,Value=b',
        ),
        'InstanceNotRegisteredException',
      ],
      [
        deploy('list-on-premises-instances', '--registration-status', 'Pending'),
        'InvalidRegistrationStatusException',
      ],
      [
        deploy('get-on-premises-instance', '--instance-name', unique('ghost')),
        'InstanceNotRegisteredException',
      ],
    ];
    await run(table);
    // The refused requests kept nothing: the application has its group, and the one the allowed
    // row (an empty tag set beside tag filters) created.
    const [listed] = await run([[deploy('list-deployment-groups', '--application-name', app), 'ok']]);
    expect(listed?.json.deploymentGroups).toHaveLength(2);
  });

  it('reads the JSON shape first: a wrong type or an unknown member is a SerializationException, and nothing is kept', async () => {
    // The AWS CLI checks types before it sends anything, so these requests go out raw, as a
    // hand-written client would send them.
    const { app, group } = await appWithGroup('wire');
    const raw = async (operation: string, body: string) => {
      const response = await fetch(proxy.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `CodeDeploy_20141006.${operation}`,
        },
        body,
      });
      const answer = (await response.json()) as { __type?: string; message?: string };
      return `${response.status} ${answer.__type ?? 'ok'}: ${answer.message ?? ''}`;
    };
    const newGroup = (settings: Record<string, unknown>) =>
      JSON.stringify({
        applicationName: app,
        deploymentGroupName: unique('g'),
        serviceRoleArn: ROLE,
        ...settings,
      });
    const cases: Array<[string, string, string]> = [
      [
        'CreateDeploymentGroup',
        newGroup({ ec2TagFilters: { Key: 'a', Value: 'b' } }),
        'SerializationException: ec2TagFilters must be a list, not an object',
      ],
      [
        'CreateDeploymentGroup',
        newGroup({ autoScalingGroups: [{ name: 'asg' }] }),
        'SerializationException: autoScalingGroups[0] must be a string, not an object',
      ],
      [
        'CreateDeploymentGroup',
        newGroup({ terminationHookEnabled: 'yes' }),
        'SerializationException: terminationHookEnabled must be true or false, not the string "yes"',
      ],
      [
        'CreateDeploymentGroup',
        newGroup({ deploymentStyle: { deploymentType: 'IN_PLACE', deploymentKind: 'fast' } }),
        'SerializationException: deploymentStyle.deploymentKind is not a member of DeploymentStyle (its members: deploymentType, deploymentOption)',
      ],
      [
        'CreateDeploymentGroup',
        newGroup({
          blueGreenDeploymentConfiguration: {
            greenFleetProvisioningOption: { action: 'DISCOVER_EXISTING', count: 2 },
          },
        }),
        'SerializationException: blueGreenDeploymentConfiguration.greenFleetProvisioningOption.count is not a member of GreenFleetProvisioningOption (its members: action)',
      ],
      [
        'CreateDeploymentGroup',
        newGroup({ blueGreenDeploymentConfiguration: { deploymentReadyOption: { waitTimeInMinutes: 1.5 } } }),
        'SerializationException: blueGreenDeploymentConfiguration.deploymentReadyOption.waitTimeInMinutes must be a whole number, not the number 1.5',
      ],
      [
        'CreateDeploymentGroup',
        newGroup({ ApplicationName: app }),
        'SerializationException: ApplicationName is not a member of CreateDeploymentGroupInput',
      ],
      [
        'CreateDeploymentGroup',
        JSON.stringify({ applicationName: app, deploymentGroupName: unique('g') }),
        'RoleRequiredException: serviceRoleArn is required',
      ],
      [
        'CreateDeployment',
        JSON.stringify({
          applicationName: app,
          deploymentGroupName: group,
          revision: JSON.parse(revision),
          targetInstances: { tagFilters: 'web' },
        }),
        'SerializationException: targetInstances.tagFilters must be a list, not the string "web"',
      ],
      [
        'ListDeployments',
        JSON.stringify({ createTimeRange: { start: 'yesterday' } }),
        'SerializationException: createTimeRange.start must be a timestamp (epoch seconds), not the string "yesterday"',
      ],
      [
        'BatchGetApplications',
        JSON.stringify({ applicationNames: [app, null] }),
        'SerializationException: applicationNames[1] must be a string, not null',
      ],
      ['GetApplication', '[]', 'SerializationException: The request body must be a JSON object'],
      ['GetApplication', '{"applicationName":', 'SerializationException: The request body is not valid JSON'],
      ['GetApplication', '{}', 'ApplicationNameRequiredException: applicationName is required'],
      [
        'CreateApplication',
        JSON.stringify({ applicationName: unique('null-platform'), computePlatform: null }),
        'ok: ',
      ],
    ];
    const expected = cases.map(([, , answer]) => `${answer.startsWith('ok') ? 200 : 400} ${answer}`);
    const answers: string[] = [];
    for (const [operation, body] of cases) answers.push(await raw(operation, body));
    // An unknown member's message goes on to list the structure's members: compare the start.
    expect(answers.map((answer, index) => answer.slice(0, expected[index]?.length))).toEqual(expected);
    // Nothing was kept: the application still has its one group and no deployment; the AWS CLI
    // reads both back within the model.
    const [groups, deployments] = await run([
      [deploy('list-deployment-groups', '--application-name', app), 'ok'],
      [deploy('list-deployments', '--application-name', app), 'ok'],
    ]);
    expect(groups?.json.deploymentGroups).toEqual([group]);
    expect(deployments?.json.deployments).toEqual([]);
  });
});
