import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { base32 } from '../../src/bundle/digest.js';
import { type DeployEnv, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { deploymentsOf } from '../helpers/run-checks.js';

/**
 * The two new kinds of revision through the bundled action (dist/index.js), against moto's S3 and the
 * local CodeDeploy: an archive the build made, uploaded as it is; and a GitHub revision, the commit
 * itself, which the local CodeDeploy takes from the workspace's repository as CodeDeploy takes it
 * from GitHub.
 */
let env: DeployEnv;
/** The workspace whose repository stands for acme/shop on GitHub. */
let repository: string | undefined;
beforeAll(async () => {
  env = await startDeployEnv(inject('motoEndpoint'), {
    gitHubRepository: async (name) => (name === 'acme/shop' ? repository : undefined),
  });
  await env.createGroups(['staging']);
});
afterAll(() => env?.stop());

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();

const served = async (group: string) =>
  Promise.all(
    env.codedeploy
      .instances(env.application, group)
      .map((instance) => readFile(join(instance.dir, 'var/www/shop/index.html'), 'utf8')),
  );

describe('revision.archive: a pre-built archive', () => {
  it('is checked, uploaded as it is under the digest of its bytes, deployed; the next run uploads nothing', async () => {
    const config = testConfig('  develop: staging\n').replace(
      '  source: app\n',
      '  archive: build/app.zip\n',
    );
    const workspace = await env.workspace(config, { version: 'zipped' });
    execFileSync('mkdir', ['-p', join(workspace, 'build')]);
    execFileSync('zip', ['-qry', '../build/app.zip', '.'], { cwd: join(workspace, 'app') });
    // What the folder holds now is not what the build archived: the archive is what deploys.
    await writeFile(join(workspace, 'app/site/index.html'), 'not in the archive\n');
    const bytes = await readFile(join(workspace, 'build/app.zip'));
    const digest = base32(createHash('sha256').update(bytes).digest().subarray(0, 20));

    const first = await env.run({ workspace });
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs.status).toBe('succeeded');
    expect(first.outputs['revision-location']).toBe(`s3://${env.bucket}/${env.application}/${digest}.zip`);
    expect(first.outputs['revision-digest']).toBe(digest);
    expect(await served('staging')).toEqual(['version zipped\n', 'version zipped\n']);
    expect(first.summary).toContain('uploaded by this run');

    const puts = env.s3Proxy.requests.length;
    const second = await env.run({ workspace, sha: '1'.repeat(40) });
    expect(second.code, second.stdout).toBe(0);
    expect(second.outputs['revision-location']).toBe(first.outputs['revision-location']);
    expect(second.summary).toContain('already in S3: reused, nothing uploaded');
    const revisionWrites = env.s3Proxy.requests
      .slice(puts)
      .filter((r) => (r.method === 'PUT' || r.method === 'POST') && r.url.includes(`${digest}.zip`));
    expect(revisionWrites).toEqual([]);
  });

  it('is refused before anything is written when the appspec names a script the archive lacks', async () => {
    const config = testConfig('  develop: staging\n').replace(
      '  source: app\n',
      '  archive: build/app.tgz\n',
    );
    const workspace = await env.workspace(config);
    execFileSync('mkdir', ['-p', join(workspace, 'build')]);
    execFileSync('tar', ['-czf', 'build/app.tgz', '--exclude', './scripts/start.sh', '-C', 'app', '.'], {
      cwd: workspace,
    });
    const created = env.codedeploy.calls({ operation: 'CreateDeployment' }).length;
    const result = await env.run({ workspace });
    expect(result.code).toBe(1);
    const error = result.annotations.find(
      (a) => a.level === 'error' && a.message.includes('scripts/start.sh'),
    );
    expect(error?.properties.file).toBe('build/app.tgz/appspec.yml');
    expect(error?.message).toContain('script "scripts/start.sh" is not in the bundle');
    expect(env.codedeploy.calls({ operation: 'CreateDeployment' })).toHaveLength(created);
  });
});

describe('revision: { type: github }: the commit itself', () => {
  const GITHUB = testConfig('  develop: staging\n').replace(
    /revision:\n {2}bucket: BUCKET\n {2}source: app\n/,
    'revision:\n  type: github\n',
  );

  async function checkout(): Promise<{ workspace: string; head: string }> {
    const workspace = await env.workspace(GITHUB, { version: 'from-github' });
    // A GitHub revision is the whole repository: its root holds the appspec.
    git(workspace, 'init', '-q', '-b', 'develop');
    execFileSync('sh', ['-c', 'mv app/* . && rmdir app'], { cwd: workspace });
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-qm', 'release');
    return { workspace, head: git(workspace, 'rev-parse', 'HEAD') };
  }

  it('deploys it with revisionType GitHub: nothing archived, nothing in S3', async () => {
    const { workspace, head } = await checkout();
    repository = workspace;
    const s3Requests = env.s3Proxy.requests.length;
    const result = await env.run({ workspace, sha: head });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('succeeded');
    expect(result.outputs['revision-location']).toBe(`https://github.com/acme/shop/commit/${head}`);
    expect(result.outputs['revision-etag']).toBe('');
    const [deployed] = deploymentsOf(result);
    const { deploymentInfo } = await env.client.send(
      new GetDeploymentCommand({ deploymentId: deployed?.id ?? '' }),
    );
    expect(deploymentInfo?.revision).toEqual({
      revisionType: 'GitHub',
      gitHubLocation: { repository: 'acme/shop', commitId: head },
    });
    expect(await served('staging')).toEqual(['version from-github\n', 'version from-github\n']);
    expect(env.s3Proxy.requests.slice(s3Requests)).toEqual([]);
    const records = await env.s3.send(
      new ListObjectsV2Command({
        Bucket: env.bucket,
        Prefix: `${env.application}/.codedeploy-gitops/commits/${head}`,
      }),
    );
    expect(records.Contents ?? []).toEqual([]);
  });

  it('refuses a checkout that is not the commit, saying how to check it out, before anything is written', async () => {
    const { workspace, head } = await checkout();
    const other = 'f'.repeat(40);
    const created = env.codedeploy.calls({ operation: 'CreateDeployment' }).length;
    const result = await env.run({ workspace, sha: other });
    expect(result.code).toBe(1);
    const error = result.annotations.find((a) => a.level === 'error');
    expect(error?.message).toContain(
      `the checkout is at commit ${head.slice(0, 7)}, but the run deploys fffffff as a GitHub revision`,
    );
    expect(error?.message).toContain(`actions/checkout with "ref: ${other}"`);
    expect(env.codedeploy.calls({ operation: 'CreateDeployment' })).toHaveLength(created);
  });

  it('redeploys a commit by sha only where it is proven to belong (the guard holds without S3 records)', async () => {
    const { workspace } = await checkout();
    const never = 'e'.repeat(40);
    const created = env.codedeploy.calls({ operation: 'CreateDeployment' }).length;
    const refused = await env.run({
      workspace,
      eventName: 'workflow_dispatch',
      inputs: { revision: never },
    });
    expect(refused.code).toBe(1);
    expect(refused.annotations.find((a) => a.level === 'error')?.message).toContain(
      'revision: commit eeeeeee is not in the history of refs/heads/develop (there is no GitHub compare API to ask), and deployment group "staging" never ran its revision',
    );
    expect(env.codedeploy.calls({ operation: 'CreateDeployment' })).toHaveLength(created);
  });
});
