import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  type CreateDeploymentGroupInput,
  type CreateDeploymentInput,
  type DeploymentInfo,
  GetDeploymentCommand,
  type InstanceTarget,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  type EmbeddedS3,
  type LocalCodeDeploy,
  type LocalCodeDeployOptions,
  startEmbeddedS3,
  startLocalCodeDeploy,
} from '../../src/local/index.js';

const execFileAsync = promisify(execFile);

export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const ROLE = 'arn:aws:iam::123456789012:role/CodeDeployServiceRole';

export async function tempDir(prefix = 'cdg-local-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A file of a revision: text, text with a mode (scripts are 0755 by default), or a symlink. */
export type RevisionFiles = Record<string, string | { content: string; mode: number } | { symlink: string }>;

/**
 * Builds a bundle with the system tools, like a user would: `zip -qry` or `tar` (tgz: gzip). With
 * `topFolder`, everything sits in that one folder (as GitHub archives do).
 */
export async function buildBundle(
  files: RevisionFiles,
  format: 'zip' | 'tar' | 'tgz' = 'zip',
  topFolder?: string,
): Promise<string> {
  const work = await tempDir('cdg-bundle-');
  const root = topFolder ? join(work, 'src', topFolder) : join(work, 'src');
  await mkdir(root, { recursive: true });
  for (const [path, file] of Object.entries(files)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof file !== 'string' && 'symlink' in file) {
      await symlink(file.symlink, target);
      continue;
    }
    const content = typeof file === 'string' ? file : file.content;
    const mode = typeof file === 'string' ? (path.endsWith('.sh') ? 0o755 : 0o644) : file.mode;
    await writeFile(target, content);
    await chmod(target, mode);
  }
  const out = join(work, `bundle.${format}`);
  const cwd = join(work, 'src');
  if (format === 'zip') await execFileAsync('zip', ['-qry', out, '.'], { cwd });
  else await execFileAsync('tar', [format === 'tgz' ? '-czf' : '-cf', out, '-C', cwd, '.']);
  return out;
}

export async function uploadBundle(s3: S3Client, bucket: string, key: string, file: string): Promise<string> {
  const { size } = await stat(file);
  const result = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size }),
  );
  return result.ETag ?? '';
}

export interface LocalStack {
  dataDir: string;
  s3: EmbeddedS3;
  codedeploy: LocalCodeDeploy;
  s3Client: S3Client;
  client: CodeDeployClient;
  bucket: string;
  /** Restarts the local CodeDeploy on the same data dir (and port). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The embedded S3 and the local CodeDeploy on a fresh data dir, with SDK clients for both. */
export async function startLocalStack(options: Partial<LocalCodeDeployOptions> = {}): Promise<LocalStack> {
  const dataDir = options.dataDir ?? (await tempDir());
  const bucket = 'bundles';
  const s3 = await startEmbeddedS3({ dataDir, buckets: [bucket] });
  const start = (port?: number) =>
    startLocalCodeDeploy({
      killGraceMs: 500,
      ...options,
      dataDir,
      ...(port ? { port } : {}),
      s3: { endpoint: s3.endpoint, credentials: TEST_CREDENTIALS },
    });
  const stack: LocalStack = {
    dataDir,
    s3,
    codedeploy: await start(),
    s3Client: new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    }),
    client: undefined as unknown as CodeDeployClient,
    bucket,
    async restart() {
      const port = stack.codedeploy.port;
      await stack.codedeploy.stop();
      stack.codedeploy = await start(port);
    },
    async stop() {
      stack.client.destroy();
      stack.s3Client.destroy();
      await stack.codedeploy.stop();
      await s3.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  stack.client = new CodeDeployClient({
    endpoint: stack.codedeploy.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  return stack;
}

let counter = 0;
/** A unique name per test (apps and groups are shared by nothing else, but names read better). */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function createAppAndGroup(
  stack: LocalStack,
  group: Partial<CreateDeploymentGroupInput> = {},
): Promise<{ applicationName: string; deploymentGroupName: string }> {
  const applicationName = group.applicationName ?? unique('app');
  const deploymentGroupName = group.deploymentGroupName ?? unique('group');
  await stack.client.send(new CreateApplicationCommand({ applicationName, computePlatform: 'Server' }));
  await stack.client.send(
    new CreateDeploymentGroupCommand({
      serviceRoleArn: ROLE,
      ...group,
      applicationName,
      deploymentGroupName,
    }),
  );
  return { applicationName, deploymentGroupName };
}

/** Uploads a bundle of `files` and deploys it; resolves with the deployment id. */
export async function deploy(
  stack: LocalStack,
  names: { applicationName: string; deploymentGroupName: string },
  files: RevisionFiles,
  extra: Partial<CreateDeploymentInput> & {
    format?: 'zip' | 'tar' | 'tgz';
    topFolder?: string;
    eTag?: string;
  } = {},
): Promise<string> {
  const { format = 'zip', topFolder, eTag: forcedETag, ...input } = extra;
  const bundle = await buildBundle(files, format, topFolder);
  const key = `${unique('rev')}.${format}`;
  const eTag = await uploadBundle(stack.s3Client, stack.bucket, key, bundle);
  await rm(dirname(bundle), { recursive: true, force: true });
  const { deploymentId } = await stack.client.send(
    new CreateDeploymentCommand({
      ...names,
      revision: {
        revisionType: 'S3',
        s3Location: { bucket: stack.bucket, key, bundleType: format, eTag: forcedETag ?? eTag },
      },
      ...input,
    }),
  );
  return deploymentId ?? '';
}

/** A deployment's instance targets (one page: the local stacks of the tests have few), of one fleet if `label` says. */
export async function targetsOf(
  stack: LocalStack,
  deploymentId: string,
  label?: 'Blue' | 'Green',
): Promise<InstanceTarget[]> {
  const { targetIds = [] } = await stack.client.send(
    new ListDeploymentTargetsCommand({
      deploymentId,
      ...(label ? { targetFilters: { ServerInstanceLabel: [label] } } : {}),
    }),
  );
  const { deploymentTargets = [] } = await stack.client.send(
    new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds }),
  );
  return deploymentTargets.map((t) => t.instanceTarget ?? {});
}

/** Waits through the local handle (no polling) and returns GetDeployment's answer. */
export async function finished(stack: LocalStack, deploymentId: string): Promise<DeploymentInfo> {
  await stack.codedeploy.waitForDeployment(deploymentId);
  const { deploymentInfo } = await stack.client.send(new GetDeploymentCommand({ deploymentId }));
  return deploymentInfo ?? {};
}

export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** A hook script that appends a line to a file shared by all instances, for order checks. */
export function recorder(file: string, label: string): string {
  return `#!/bin/sh\necho "${label} $LIFECYCLE_EVENT $DEPLOYMENT_ID" >> "${file}"\n`;
}

export const SIMPLE_APPSPEC = 'version: 0.0\nos: linux\n';
