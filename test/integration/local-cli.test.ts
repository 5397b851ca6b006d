import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  buildBundle,
  type LocalStack,
  ROLE,
  startLocalStack,
  tempDir,
  unique,
  uploadBundle,
} from '../helpers/local.js';
import { waitForFile } from '../helpers/tree.js';

const execFileAsync = promisify(execFile);

/**
 * The AWS CLI (botocore: an independent implementation of the wire protocol) against the local
 * CodeDeploy, and against the embedded S3 for the bundle upload.
 */
let stack: LocalStack;
let work: string;

beforeAll(async () => {
  stack = await startLocalStack({ instancesPerGroup: 2 });
  work = await tempDir('cdg-cli-');
});
afterAll(async () => {
  await stack.stop();
  await rm(work, { recursive: true, force: true });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

async function aws(...args: string[]): Promise<CliResult> {
  const service = args[0];
  const endpoint = service === 'deploy' ? stack.codedeploy.endpoint : stack.s3.endpoint;
  try {
    const { stdout, stderr } = await execFileAsync(
      'aws',
      [...args, '--endpoint-url', endpoint, '--output', 'json'],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL_S3: stack.s3.endpoint,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_MAX_ATTEMPTS: '1',
        },
      },
    );
    return { code: 0, stdout, stderr, json: stdout.trim().startsWith('{') ? JSON.parse(stdout) : {} };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, json: {} };
  }
}

// Each CLI call starts Python (about a second): the three scenarios run side by side.
describe.concurrent('the AWS CLI against the local CodeDeploy', () => {
  it('creates an application and a group, deploys, follows the targets and stops', async ({ expect }) => {
    const app = unique('cli-app');
    const group = unique('cli-group');
    expect(
      (await aws('deploy', 'create-application', '--application-name', app, '--compute-platform', 'Server'))
        .json,
    ).toEqual({
      applicationId: expect.any(String),
    });
    const created = await aws(
      'deploy',
      'create-deployment-group',
      '--application-name',
      app,
      '--deployment-group-name',
      group,
      '--service-role-arn',
      ROLE,
      '--deployment-config-name',
      'CodeDeployDefault.AllAtOnce',
    );
    expect(created.json.deploymentGroupId).toMatch(/^[0-9a-f-]{36}$/);

    const bundle = await buildBundle({
      'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: start.sh\n',
      'start.sh': '#!/bin/sh\necho "started $DEPLOYMENT_ID"\n',
    });
    const key = `${unique('cli')}.zip`;
    expect((await aws('s3', 'cp', bundle, `s3://${stack.bucket}/${key}`)).code).toBe(0);
    const object = await stack.s3Client.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
    const eTag = String(object.ETag).replaceAll('"', '');
    // The object the CLI uploaded is the bundle, byte for byte (no aws-chunked framing stored).
    expect(Buffer.from((await object.Body?.transformToByteArray()) ?? [])).toEqual(await readFile(bundle));

    const deployment = await aws(
      'deploy',
      'create-deployment',
      '--application-name',
      app,
      '--deployment-group-name',
      group,
      '--s3-location',
      `bucket=${stack.bucket},key=${key},bundleType=zip,eTag=${eTag}`,
      '--description',
      'from the CLI',
    );
    const deploymentId = String(deployment.json.deploymentId);
    expect(deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    await stack.codedeploy.waitForDeployment(deploymentId);

    const info = (await aws('deploy', 'get-deployment', '--deployment-id', deploymentId)).json
      .deploymentInfo as Record<string, unknown>;
    expect(info).toMatchObject({
      deploymentId,
      status: 'Succeeded',
      description: 'from the CLI',
      deploymentOverview: { Succeeded: 2, Failed: 0 },
      revision: { revisionType: 'S3', s3Location: { bucket: stack.bucket, key, bundleType: 'zip', eTag } },
    });
    const targets = (await aws('deploy', 'list-deployment-targets', '--deployment-id', deploymentId)).json
      .targetIds as string[];
    expect(targets).toHaveLength(2);
    const described = await aws(
      'deploy',
      'batch-get-deployment-targets',
      '--deployment-id',
      deploymentId,
      '--target-ids',
      ...targets,
    );
    const first = (
      described.json.deploymentTargets as Array<{
        instanceTarget: { lifecycleEvents: Array<Record<string, unknown>> };
      }>
    )[0];
    const start = first?.instanceTarget.lifecycleEvents.find(
      (e) => e.lifecycleEventName === 'ApplicationStart',
    );
    // A succeeded event carries no log tail, as with the CodeDeploy agent: the output is in scripts.log.
    expect(start).toMatchObject({ status: 'Succeeded', diagnostics: { errorCode: 'Success', logTail: '' } });
    const [log] = await stack.codedeploy.logs(deploymentId);
    expect(log?.text).toContain(`[stdout]started ${deploymentId}`);

    const again = await aws('deploy', 'stop-deployment', '--deployment-id', deploymentId);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('DeploymentAlreadyCompletedException');
  });

  it('stops a running deployment and refuses a second one on the group', async ({ expect }) => {
    const app = unique('cli-app');
    const group = unique('cli-group');
    await aws('deploy', 'create-application', '--application-name', app);
    await aws(
      'deploy',
      'create-deployment-group',
      '--application-name',
      app,
      '--deployment-group-name',
      group,
      '--service-role-arn',
      ROLE,
    );
    const marker = join(work, `${group}.started`);
    const bundle = await buildBundle({
      'appspec.yml':
        'version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: wait.sh\n      timeout: 60\n',
      'wait.sh': `#!/bin/sh\ntouch "${marker}"\nsleep 60\n`,
    });
    const key = `${unique('cli')}.zip`;
    await uploadBundle(stack.s3Client, stack.bucket, key, bundle);
    const { json } = await aws(
      'deploy',
      'create-deployment',
      '--application-name',
      app,
      '--deployment-group-name',
      group,
      '--s3-location',
      `bucket=${stack.bucket},key=${key},bundleType=zip`,
    );
    const deploymentId = String(json.deploymentId);
    const second = await aws(
      'deploy',
      'create-deployment',
      '--application-name',
      app,
      '--deployment-group-name',
      group,
      '--s3-location',
      `bucket=${stack.bucket},key=${key},bundleType=zip`,
    );
    expect(second.stderr).toContain('DeploymentLimitExceededException');
    await waitForFile(marker);
    expect((await aws('deploy', 'stop-deployment', '--deployment-id', deploymentId)).json).toEqual({
      status: 'Pending',
      statusMessage: 'Stopping Active deployment',
    });
    await stack.codedeploy.waitForDeployment(deploymentId);
    const info = (await aws('deploy', 'get-deployment', '--deployment-id', deploymentId)).json
      .deploymentInfo as Record<string, unknown>;
    expect(info).toMatchObject({
      status: 'Stopped',
      errorInformation: { code: 'MANUAL_STOP' },
      deploymentOverview: { Failed: 1, Skipped: 1 },
    });
  });

  it('registers what `aws deploy push` uploads', async ({ expect }) => {
    const app = unique('cli-app');
    await aws('deploy', 'create-application', '--application-name', app);
    const source = join(work, 'push-source');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'appspec.yml'), 'version: 0.0\nos: linux\n');
    const pushed = await aws(
      'deploy',
      'push',
      '--application-name',
      app,
      '--s3-location',
      `s3://${stack.bucket}/pushed.zip`,
      '--source',
      source,
    );
    expect(pushed.code).toBe(0);
    const revisions = await aws('deploy', 'list-application-revisions', '--application-name', app);
    expect(revisions.json.revisions).toEqual([
      {
        revisionType: 'S3',
        s3Location: expect.objectContaining({ bucket: stack.bucket, key: 'pushed.zip', bundleType: 'zip' }),
      },
    ]);
  });
});
