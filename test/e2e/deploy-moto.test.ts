import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { ROLE, TEST_CREDENTIALS } from '../helpers/local.js';
import { deploymentsOf } from '../helpers/run-checks.js';

const execFileAsync = promisify(execFile);

// An independent check of what the action sends: moto's CodeDeploy keeps every deployment as it
// was created (and never runs it), and moto's S3 holds the object.
describe('wait: false against moto (S3 and CodeDeploy)', () => {
  it('creates deployments whose S3 location matches the uploaded object', async () => {
    const moto = inject('motoEndpoint');
    const env = await startDeployEnv(moto);
    try {
      const client = new CodeDeployClient({
        endpoint: moto,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      });
      const s3 = new S3Client({
        endpoint: moto,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      });
      const application = `moto-${env.application}`;
      await client.send(
        new CreateApplicationCommand({ applicationName: application, computePlatform: 'Server' }),
      );
      for (const group of ['m-staging', 'm-test1']) {
        await client.send(
          new CreateDeploymentGroupCommand({
            applicationName: application,
            deploymentGroupName: group,
            serviceRoleArn: ROLE,
          }),
        );
      }
      const bucket = `moto-${env.bucket}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const workspace = await env.workspace(
        testConfig('  develop: [m-staging, m-test1]\n', '  wait: false\n')
          .replace('application: APPLICATION', `application: ${application}`)
          .replace('bucket: BUCKET', `bucket: ${bucket}`),
      );
      const result = await env.run({ workspace, env: { AWS_ENDPOINT_URL_CODEDEPLOY: moto } });
      expect(result.code).toBe(0);
      expect(result.outputs.status).toBe('created');
      const ids = result.outputs['deployment-ids']!.split(',');
      expect(ids).toHaveLength(2);
      // An endpoint that names no console of its own (as AWS) gets the AWS console's links.
      expect(deploymentsOf(result).map((d) => d.url)).toEqual(
        ids.map(
          (id) => `https://console.aws.amazon.com/codesuite/codedeploy/deployments/${id}?region=us-east-1`,
        ),
      );
      for (const id of ids) {
        // The AWS CLI reads moto's answer (the JS SDK rejects its ISO timestamps): a second, independent client.
        const { stdout } = await execFileAsync(
          'aws',
          [
            'deploy',
            'get-deployment',
            '--deployment-id',
            id,
            '--endpoint-url',
            moto,
            '--region',
            'us-east-1',
            '--output',
            'json',
          ],
          { env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' } },
        );
        const { deploymentInfo } = JSON.parse(stdout) as { deploymentInfo?: DeploymentInfo };
        const location = deploymentInfo?.revision?.s3Location;
        expect(location?.bucket).toBe(bucket);
        expect(location?.bundleType).toBe('zip');
        expect(location?.key).toMatch(new RegExp(`^${application}/[a-z2-7]{32}\\.zip$`));
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: location!.key! }));
        expect(location?.eTag).toBe(head.ETag);
        expect(deploymentInfo?.description).toMatch(/^codedeploy-gitops 0123456789abcdef/);
      }
      client.destroy();
      s3.destroy();
    } finally {
      await env.stop();
    }
  });
});
