import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalCodeDeploy } from '../../src/local/index.js';
import {
  buildBundle,
  createAppAndGroup,
  createBucket,
  deploy,
  finished,
  type LocalStack,
  ROLE,
  SIMPLE_APPSPEC,
  startLocalStack,
  TEST_CREDENTIALS,
  targetsOf,
  tempDir,
  unique,
  uploadBundle,
} from '../helpers/local.js';

let stack: LocalStack;
let shared: string;

beforeAll(async () => {
  stack = await startLocalStack({ instancesPerGroup: 1 });
  shared = await tempDir('cdg-shared-');
});
afterAll(async () => {
  await stack.stop();
  await rm(shared, { recursive: true, force: true });
});

describe('local agent lifecycle', () => {
  it('runs the hooks in the agent order with the agent environment, in the revision folder', async () => {
    const names = await createAppAndGroup(stack);
    const log = join(shared, 'order.log');
    const hook = (event: string) => `  ${event}:\n    - location: scripts/hook.sh\n      timeout: 10\n`;
    const events = ['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];
    const id = await deploy(stack, names, {
      'appspec.yml': `version: 0.0\nos: linux\nhooks:\n${events.map(hook).join('')}`,
      'scripts/hook.sh':
        '#!/bin/sh\n' +
        `echo "$LIFECYCLE_EVENT|$DEPLOYMENT_ID|$APPLICATION_NAME|$DEPLOYMENT_GROUP_NAME|$DEPLOYMENT_GROUP_ID|$BUNDLE_BUCKET|$BUNDLE_KEY|$BUNDLE_ETAG|$(pwd)" >> "${log}"\n` +
        'echo "hello from $LIFECYCLE_EVENT"\n',
    });
    const info = await finished(stack, id);
    expect(info.status).toBe('Succeeded');
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.split('|')[0])).toEqual(events);
    const [event, deploymentId, app, group, groupId, bucket, key, etag, cwd] = (lines[0] ?? '').split('|');
    expect({ event, deploymentId, app, group, bucket }).toEqual({
      event: 'BeforeInstall',
      deploymentId: id,
      app: names.applicationName,
      group: names.deploymentGroupName,
      bucket: stack.bucket,
    });
    expect(groupId).toMatch(/^[0-9a-f-]{36}$/);
    expect(key).toBe(info.revision?.s3Location?.key);
    expect(etag).toBe(info.revision?.s3Location?.eTag?.replaceAll('"', ''));
    expect(cwd).toMatch(new RegExp(`/${id}/deployment-archive$`));
    const [target] = await targetsOf(stack, id);
    expect(target?.lifecycleEvents?.map((e) => e.lifecycleEventName)).toEqual([
      'ApplicationStop',
      'DownloadBundle',
      'BeforeInstall',
      'Install',
      'AfterInstall',
      'ApplicationStart',
      'ValidateService',
    ]);
    const validate = target?.lifecycleEvents?.find((e) => e.lifecycleEventName === 'ValidateService');
    expect(validate?.diagnostics?.errorCode).toBe('Success');
    expect(validate?.diagnostics?.logTail).toContain('[stdout]hello from ValidateService');
  });
});

function instanceDir(names: { applicationName: string; deploymentGroupName: string }): string {
  const [instance] = stack.codedeploy.instances(names.applicationName, names.deploymentGroupName);
  if (!instance) throw new Error('no instance');
  return instance.dir;
}

async function eventOf(deploymentId: string, name: string) {
  const [target] = await targetsOf(stack, deploymentId);
  return target?.lifecycleEvents?.find((e) => e.lifecycleEventName === name);
}

describe('ApplicationStop', () => {
  it('runs nothing on the first deployment and the last successful revision’s script afterwards', async () => {
    const names = await createAppAndGroup(stack);
    const log = join(shared, `${names.deploymentGroupName}-stop.log`);
    const revision = (label: string) => ({
      'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  ApplicationStop:\n    - location: stop.sh\n',
      'stop.sh': `#!/bin/sh\necho "${label} $DEPLOYMENT_ID" >> "${log}"\n`,
    });
    const first = await deploy(stack, names, revision('v1'));
    expect((await finished(stack, first)).status).toBe('Succeeded');
    expect(await readFile(log, 'utf8').catch(() => '')).toBe('');
    const stop = await eventOf(first, 'ApplicationStop');
    expect(stop?.status).toBe('Succeeded');

    const second = await deploy(stack, names, revision('v2'));
    expect((await finished(stack, second)).status).toBe('Succeeded');
    expect(await readFile(log, 'utf8')).toBe(`v1 ${second}\n`);
  });

  it('ignores an ApplicationStop failure when the deployment says so', async () => {
    const names = await createAppAndGroup(stack);
    const failing = {
      'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  ApplicationStop:\n    - location: stop.sh\n',
      'stop.sh': '#!/bin/sh\nexit 3\n',
    };
    expect((await finished(stack, await deploy(stack, names, failing))).status).toBe('Succeeded');
    const blocked = await deploy(stack, names, failing);
    expect((await finished(stack, blocked)).status).toBe('Failed');
    expect((await eventOf(blocked, 'ApplicationStop'))?.diagnostics?.errorCode).toBe('ScriptFailed');
    const ignored = await deploy(stack, names, failing, { ignoreApplicationStopFailures: true });
    expect((await finished(stack, ignored)).status).toBe('Succeeded');
  });
});

describe('Install', () => {
  const withFiles = (extra = '') =>
    `version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /var/www/app\n${extra}`;

  it('copies files under the instance root and removes what the previous install wrote', async () => {
    const names = await createAppAndGroup(stack);
    const root = instanceDir(names);
    const v1 = await deploy(stack, names, {
      'appspec.yml': withFiles(),
      'site/index.html': 'v1',
      'site/old.html': 'old',
      'site/assets/app.js': 'js',
    });
    expect((await finished(stack, v1)).status).toBe('Succeeded');
    expect(await readFile(join(root, 'var/www/app/index.html'), 'utf8')).toBe('v1');
    expect(await readFile(join(root, 'var/www/app/assets/app.js'), 'utf8')).toBe('js');
    // Written by someone else: not part of the cleanup list, so it stays (and keeps its folder).
    await writeFile(join(root, 'var/www/app/assets/user.txt'), 'mine');

    const v2 = await deploy(stack, names, { 'appspec.yml': withFiles(), 'site/index.html': 'v2' });
    expect((await finished(stack, v2)).status).toBe('Succeeded');
    expect(await readFile(join(root, 'var/www/app/index.html'), 'utf8')).toBe('v2');
    await expect(stat(join(root, 'var/www/app/old.html'))).rejects.toThrow();
    await expect(stat(join(root, 'var/www/app/assets/app.js'))).rejects.toThrow();
    expect(await readFile(join(root, 'var/www/app/assets/user.txt'), 'utf8')).toBe('mine');
  });

  it('honours fileExistsBehavior DISALLOW, OVERWRITE and RETAIN for files it did not write, the appspec’s first', async () => {
    const names = await createAppAndGroup(stack);
    const root = instanceDir(names);
    const target = join(root, 'var/www/app/index.html');
    await mkdir(join(root, 'var/www/app'), { recursive: true });
    await writeFile(target, 'already there');
    const files = (appspecExtra = '') => ({
      'appspec.yml': withFiles(appspecExtra),
      'site/index.html': 'new',
    });

    const disallowed = await deploy(stack, names, files());
    const info = await finished(stack, disallowed);
    expect(info.status).toBe('Failed');
    expect(info.fileExistsBehavior).toBe('DISALLOW');
    const install = await eventOf(disallowed, 'Install');
    expect(install?.diagnostics).toMatchObject({
      errorCode: 'UnknownError',
      message: expect.stringContaining(
        'a specified file already exists at this location: /var/www/app/index.html',
      ),
    });
    expect(await readFile(target, 'utf8')).toBe('already there');

    const retained = await deploy(stack, names, files(), { fileExistsBehavior: 'RETAIN' });
    expect((await finished(stack, retained)).status).toBe('Succeeded');
    expect(await readFile(target, 'utf8')).toBe('already there');

    // The appspec's file_exists_behavior wins over the deployment's RETAIN.
    const overwritten = await deploy(stack, names, files('file_exists_behavior: OVERWRITE\n'), {
      fileExistsBehavior: 'RETAIN',
    });
    expect((await finished(stack, overwritten)).status).toBe('Succeeded');
    expect(await readFile(target, 'utf8')).toBe('new');
  });

  it('applies permissions to the files it installs', async () => {
    const names = await createAppAndGroup(stack);
    const root = instanceDir(names);
    const id = await deploy(stack, names, {
      'appspec.yml':
        'version: 0.0\nos: linux\nfiles:\n  - source: bin\n    destination: /opt/tool\n' +
        'permissions:\n  - object: /opt/tool\n    pattern: "*.sh"\n    mode: 750\n    type: [file]\n',
      'bin/run.sh': { content: '#!/bin/sh\n', mode: 0o644 },
      'bin/readme.txt': { content: 'x', mode: 0o644 },
    });
    expect((await finished(stack, id)).status).toBe('Succeeded');
    expect((await stat(join(root, 'opt/tool/run.sh'))).mode & 0o777).toBe(0o750);
    expect((await stat(join(root, 'opt/tool/readme.txt'))).mode & 0o777).toBe(0o644);
  });

  it('refuses a destination that climbs out of the instance with ..', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, {
      'appspec.yml':
        'version: 0.0\nos: linux\nfiles:\n  - source: a.txt\n    destination: /var/../../escape\n',
      'a.txt': 'a',
    });
    expect((await finished(stack, id)).status).toBe('Failed');
    expect((await eventOf(id, 'Install'))?.diagnostics?.message).toContain('climbs above /');
    await expect(stat(join(instanceDir(names), '..', 'escape'))).rejects.toThrow();
  });
});

describe('hook scripts', () => {
  it('reports a failing script with the agent message, its log tail and the deployment log', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, {
      'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: scripts/fail.sh\n',
      'scripts/fail.sh': '#!/bin/sh\necho "about to fail"\necho "oops" >&2\nexit 7\n',
    });
    const info = await finished(stack, id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(await eventOf(id, 'AfterInstall')).toMatchObject({
      status: 'Failed',
      diagnostics: {
        errorCode: 'ScriptFailed',
        scriptName: 'scripts/fail.sh',
        message: 'Script at specified location: scripts/fail.sh failed with exit code 7',
        logTail: expect.stringContaining('[stdout]about to fail\n[stderr]oops\n'),
      },
    });
    expect((await eventOf(id, 'ApplicationStart'))?.status).toBe('Skipped');
    const [log] = await stack.codedeploy.logs(id);
    expect(log?.text).toContain('[stderr]oops');
  });

  it('kills a script that outlives its timeout, with its process group (ScriptTimedOut)', async () => {
    const names = await createAppAndGroup(stack);
    const pidFile = join(shared, `${names.deploymentGroupName}.pid`);
    const id = await deploy(stack, names, {
      'appspec.yml':
        'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: slow.sh\n      timeout: 1\n',
      'slow.sh': `#!/bin/sh\nsleep 30 &\necho $! > "${pidFile}"\nwait\n`,
    });
    expect((await finished(stack, id)).status).toBe('Failed');
    expect((await eventOf(id, 'ApplicationStart'))?.diagnostics).toMatchObject({
      errorCode: 'ScriptTimedOut',
      message: 'Script at specified location: slow.sh failed to complete in 1 seconds',
    });
    const child = Number(await readFile(pidFile, 'utf8'));
    expect(await isAlive(child)).toBe(false);
  });

  it('reports a missing script (ScriptMissing) and makes a non-executable one executable', async () => {
    const names = await createAppAndGroup(stack);
    const ok = await deploy(stack, names, {
      'appspec.yml':
        'version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: plain.sh\n    - location: nosh.sh\n',
      'plain.sh': { content: '#!/bin/sh\necho ran\n', mode: 0o644 },
      // No #! line: run by /bin/sh, as the agent does.
      'nosh.sh': { content: 'echo "no shebang"\n', mode: 0o755 },
    });
    expect((await finished(stack, ok)).status).toBe('Succeeded');
    expect((await eventOf(ok, 'BeforeInstall'))?.diagnostics?.logTail).toContain('[stdout]ran\n');
    expect((await eventOf(ok, 'BeforeInstall'))?.diagnostics?.logTail).toContain('[stdout]no shebang\n');

    const missing = await deploy(stack, names, {
      'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: nowhere.sh\n',
    });
    expect((await finished(stack, missing)).status).toBe('Failed');
    expect((await eventOf(missing, 'BeforeInstall'))?.diagnostics).toMatchObject({
      errorCode: 'ScriptMissing',
      message: 'Script does not exist at specified location: nowhere.sh',
    });
  });
});

describe('runas', () => {
  it.skipIf(process.getuid?.() !== 0)(
    'runs the script as that user when running as root and the user exists',
    async () => {
      // The user must be able to reach the revision folder, as on a real instance.
      await chmod(stack.dataDir, 0o755);
      const names = await createAppAndGroup(stack);
      const id = await deploy(stack, names, {
        'appspec.yml':
          'version: 0.0\nos: linux\nhooks:\n  ValidateService:\n    - location: who.sh\n      runas: nobody\n' +
          '    - location: who.sh\n      runas: no-such-user-here\n',
        'who.sh': '#!/bin/sh\necho "as $(id -un)"\n',
      });
      expect((await finished(stack, id)).status).toBe('Succeeded');
      const tail = (await eventOf(id, 'ValidateService'))?.diagnostics?.logTail ?? '';
      expect(tail).toContain('[stdout]as nobody\n');
      expect(tail).toContain(`[stdout]as ${userInfo().username}\n`);
      const [log] = await stack.codedeploy.logs(id);
      expect(log?.text).toContain('runas no-such-user-here ignored: no such user on this machine');
    },
  );
});

describe('bundles', () => {
  it('strips a single top folder holding the appspec (tar and tgz)', async () => {
    const names = await createAppAndGroup(stack);
    const root = instanceDir(names);
    const files = {
      'appspec.yml': 'version: 0.0\nos: linux\nfiles:\n  - source: index.html\n    destination: /srv\n',
      'index.html': 'nested',
    };
    const tar = await deploy(stack, names, files, { format: 'tar', topFolder: 'repo-main' });
    expect((await finished(stack, tar)).status).toBe('Succeeded');
    expect(await readFile(join(root, 'srv/index.html'), 'utf8')).toBe('nested');
    const tgz = await deploy(stack, names, files, { format: 'tgz', topFolder: 'repo-main' });
    expect((await finished(stack, tgz)).status).toBe('Succeeded');
  });

  it('refuses a bundle whose eTag differs from the revision’s', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(
      stack,
      names,
      { 'appspec.yml': 'version: 0.0\nos: linux\n' },
      { eTag: '"0123456789abcdef0123456789abcdef"' },
    );
    expect((await finished(stack, id)).status).toBe('Failed');
    expect((await eventOf(id, 'DownloadBundle'))?.diagnostics).toMatchObject({
      errorCode: 'UnknownError',
      message: expect.stringMatching(
        /^Expected deployment artifact bundle etag "0123456789abcdef0123456789abcdef" but was actually "[0-9a-f]{32}"$/,
      ),
    });
    expect((await eventOf(id, 'BeforeInstall'))?.status).toBe('Skipped');
  });

  it('fails with UnknownError on a bad or missing appspec', async () => {
    const names = await createAppAndGroup(stack);
    const bad = await deploy(stack, names, { 'appspec.yml': 'version: 1.0\nos: linux\n' });
    expect((await finished(stack, bad)).status).toBe('Failed');
    expect((await eventOf(bad, 'BeforeInstall'))?.diagnostics).toMatchObject({
      errorCode: 'UnknownError',
      message: expect.stringContaining('invalid version value (1)'),
    });
    const none = await deploy(stack, names, { 'readme.txt': 'no appspec here' });
    expect((await finished(stack, none)).status).toBe('Failed');
    expect((await eventOf(none, 'BeforeInstall'))?.diagnostics?.message).toContain('no appspec.yml');
  });

  it('keeps the last 5 revisions of a group and never deletes the last successful one', async () => {
    const names = await createAppAndGroup(stack);
    const good = await deploy(stack, names, { 'appspec.yml': 'version: 0.0\nos: linux\n' });
    expect((await finished(stack, good)).status).toBe('Succeeded');
    const failed: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const id = await deploy(stack, names, { 'appspec.yml': 'version: 9\nos: linux\n' });
      expect((await finished(stack, id)).status).toBe('Failed');
      failed.push(id);
    }
    const info = await finished(stack, good);
    const groupDir = join(
      instanceDir(names),
      'opt/codedeploy-agent/deployment-root',
      info.deploymentGroupName ? await groupIdOf(good) : '',
    );
    const kept = (await readdir(groupDir)).sort();
    expect(kept).toEqual([good, ...failed.slice(-4)].sort());
  });
});

async function groupIdOf(deploymentId: string): Promise<string> {
  const [target] = await targetsOf(stack, deploymentId);
  const log = (await stack.codedeploy.logs(deploymentId))[0]?.path ?? '';
  expect(target).toBeDefined();
  // <instance>/opt/codedeploy-agent/deployment-root/<group id>/<deployment id>/logs/scripts.log
  return log.split('/').slice(-4)[0] ?? '';
}

/** Running, as opposed to gone or a zombie waiting for a parent that does not reap (PID 1 here). */
async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== '' && state !== 'Z' && state !== 'X';
}

describe('bundle source', () => {
  it('downloads from any S3 endpoint (moto here)', async () => {
    const moto = inject('motoEndpoint');
    const motoS3 = new S3Client({
      endpoint: moto,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    const bucket = unique('moto-bundles').toLowerCase();
    await createBucket(motoS3, bucket);
    const bundle = await buildBundle({ 'appspec.yml': SIMPLE_APPSPEC });
    const eTag = await uploadBundle(motoS3, bucket, 'app.zip', bundle);
    const dataDir = await tempDir();
    const local = await startLocalCodeDeploy({
      dataDir,
      s3: { endpoint: moto, credentials: TEST_CREDENTIALS },
    });
    const client = new CodeDeployClient({
      endpoint: local.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    try {
      await client.send(new CreateApplicationCommand({ applicationName: 'from-moto' }));
      await client.send(
        new CreateDeploymentGroupCommand({
          applicationName: 'from-moto',
          deploymentGroupName: 'g',
          serviceRoleArn: ROLE,
        }),
      );
      const { deploymentId = '' } = await client.send(
        new CreateDeploymentCommand({
          applicationName: 'from-moto',
          deploymentGroupName: 'g',
          revision: { revisionType: 'S3', s3Location: { bucket, key: 'app.zip', bundleType: 'zip', eTag } },
        }),
      );
      expect((await local.waitForDeployment(deploymentId)).status).toBe('Succeeded');
    } finally {
      client.destroy();
      motoS3.destroy();
      await local.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
