import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
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
import { type AgentDeployment, hookEnvironment } from '../../src/local/agent/agent.js';
import { startLocalCodeDeploy } from '../../src/local/index.js';
import { type AgentVerdict, corpusCases } from '../helpers/appspec-corpus.js';
import {
  buildBundle,
  createAppAndGroup,
  createBucket,
  deploy,
  finished,
  type LocalStack,
  type RevisionFiles,
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
const root = process.getuid?.() === 0;

beforeAll(async () => {
  stack = await startLocalStack({ instancesPerGroup: 1 });
  // Other users (runas) must reach the revision folder, as on a real instance.
  await chmod(stack.dataDir, 0o755);
  shared = await tempDir('cdg-shared-');
  await chmod(shared, 0o777);
});
afterAll(async () => {
  await stack.stop();
  await rm(shared, { recursive: true, force: true });
});

function instanceDir(names: { applicationName: string; deploymentGroupName: string }, on = stack): string {
  const [instance] = on.codedeploy.instances(names.applicationName, names.deploymentGroupName);
  if (!instance) throw new Error('no instance');
  return instance.dir;
}

async function eventOf(deploymentId: string, name: string, on = stack) {
  const [target] = await targetsOf(on, deploymentId);
  return target?.lifecycleEvents?.find((e) => e.lifecycleEventName === name);
}

async function scriptsLog(deploymentId: string, on = stack): Promise<string> {
  const [log] = await on.codedeploy.logs(deploymentId);
  return log?.text ?? '';
}

/** An appspec with these scripts in one event. */
const hooks = (event: string, ...scripts: Array<Record<string, string | number>>) =>
  `version: 0.0\nos: linux\nhooks:\n  ${event}:\n${scripts
    .map((script) =>
      Object.entries(script)
        .map(([key, value], index) => `${index === 0 ? '    - ' : '      '}${key}: ${value}\n`)
        .join(''),
    )
    .join('')}`;

describe('local agent lifecycle', () => {
  it('runs the hooks in the agent order with the agent’s environment and nothing else, from the instance’s / (hook_executor.rb)', async () => {
    const names = await createAppAndGroup(stack);
    const events = ['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];
    const hook = (event: string) => `  ${event}:\n    - location: scripts/hook.sh\n      timeout: 10\n`;
    // What the developer's shell holds must not reach the hooks: the agent deletes AWS credentials.
    const developer = { AWS_ACCESS_KEY_ID: 'AKIADEVELOPER0000000', CDG_DEVELOPER_SETTING: 'mine' };
    Object.assign(process.env, developer);
    let id: string;
    let info: Awaited<ReturnType<typeof finished>>;
    try {
      id = await deploy(stack, names, {
        'appspec.yml': `version: 0.0\nos: linux\nhooks:\n${events.map(hook).join('')}`,
        'scripts/hook.sh':
          '#!/bin/sh\n' +
          '{ echo "cwd=$(pwd)"; env; } > "$LOCAL_CODEDEPLOY_INSTANCE_ROOT/hook-$LIFECYCLE_EVENT.txt"\n' +
          'echo "hello from $LIFECYCLE_EVENT"\n',
      });
      info = await finished(stack, id);
    } finally {
      for (const key of Object.keys(developer)) delete process.env[key];
    }
    expect(info.status).toBe('Succeeded');
    const dir = instanceDir(names);
    const [cwdLine = '', ...envLines] = (await readFile(join(dir, 'hook-BeforeInstall.txt'), 'utf8'))
      .trim()
      .split('\n');
    expect(cwdLine).toBe(`cwd=${await realpath(dir)}`);
    const env = Object.fromEntries(
      envLines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const { PWD: _pwd, SHLVL: _shlvl, _: _last, OLDPWD: _oldpwd, ...variables } = env;
    expect(variables).toEqual({
      PATH: expect.stringMatching(
        /^\/usr\/local\/sbin:\/usr\/local\/bin:\/usr\/sbin:\/usr\/bin:\/sbin:\/bin/,
      ),
      LIFECYCLE_EVENT: 'BeforeInstall',
      DEPLOYMENT_ID: id,
      APPLICATION_NAME: names.applicationName,
      DEPLOYMENT_GROUP_NAME: names.deploymentGroupName,
      DEPLOYMENT_GROUP_ID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      BUNDLE_BUCKET: stack.bucket,
      BUNDLE_KEY: info.revision?.s3Location?.key,
      BUNDLE_ETAG: info.revision?.s3Location?.eTag?.replaceAll('"', ''),
      LOCAL_CODEDEPLOY_INSTANCE_ROOT: dir,
      LOCAL_CODEDEPLOY_INSTANCE_ID: expect.stringMatching(/^i-[0-9a-f]{17}$/),
      LOCAL_CODEDEPLOY_INSTANCE_PORT: expect.stringMatching(/^\d+$/),
    });
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
    // A succeeded event's diagnostics carry no log tail (command_poller.rb); the output is in scripts.log.
    const validate = target?.lifecycleEvents?.find((e) => e.lifecycleEventName === 'ValidateService');
    expect(validate?.diagnostics).toMatchObject({ errorCode: 'Success', logTail: '' });
    expect(await scriptsLog(id)).toContain('[stdout]hello from ValidateService');
  });

  it('fails a script that counts on the revision folder as its working directory, as an instance does', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, {
      'appspec.yml': hooks('AfterInstall', { location: 'scripts/start.sh' }),
      'scripts/start.sh': '#!/bin/sh\n. ./scripts/common.sh\necho "$GREETING"\n',
      'scripts/common.sh': 'GREETING=hello\n',
    });
    expect((await finished(stack, id)).status).toBe('Failed');
    expect((await eventOf(id, 'AfterInstall'))?.diagnostics).toMatchObject({
      errorCode: 'ScriptFailed',
      message: expect.stringMatching(
        /^Script at specified location: scripts\/start\.sh failed with exit code [12]$/,
      ),
      logTail: expect.stringContaining('[stderr]'),
    });
  });

  it('leaves BUNDLE_VERSION and BUNDLE_ETAG unset when the revision names none (command_executor.rb get_s3_envs)', () => {
    const deployment: AgentDeployment = {
      deploymentId: 'd-ABCDEFGHI',
      applicationName: 'app',
      deploymentGroupName: 'group',
      deploymentGroupId: '6b1c6b51-2a11-4f6e-9a55-8d0e2b8a1c11',
      revision: { revisionType: 'S3', s3Location: { bucket: 'bundles', key: 'app.zip', bundleType: 'zip' } },
      fileExistsBehavior: 'DISALLOW',
      ignoreApplicationStopFailures: false,
      instance: { id: 'i-0123456789abcdef0', port: 20000 },
      traffic: async () => '',
    };
    const bare = hookEnvironment(deployment, 'AfterInstall', '/instances/i-0123456789abcdef0');
    expect(Object.keys(bare)).not.toContain('BUNDLE_VERSION');
    expect(Object.keys(bare)).not.toContain('BUNDLE_ETAG');
    const named = hookEnvironment(
      {
        ...deployment,
        revision: {
          revisionType: 'S3',
          s3Location: {
            bucket: 'bundles',
            key: 'app.zip',
            bundleType: 'zip',
            version: 'v3',
            eTag: '"0123abcd"',
          },
        },
      },
      'AfterInstall',
      '/instances/i-0123456789abcdef0',
    );
    expect(named).toMatchObject({ BUNDLE_VERSION: 'v3', BUNDLE_ETAG: '0123abcd' });
  });
});

describe('ApplicationStop', () => {
  const revision = (log: string, label: string) => ({
    'appspec.yml': hooks('ApplicationStop', { location: 'stop.sh' }),
    'stop.sh': `#!/bin/sh\necho "${label} $DEPLOYMENT_ID" >> "${log}"\n`,
  });

  it('runs nothing on the first deployment and the last successful revision’s script afterwards', async () => {
    const names = await createAppAndGroup(stack);
    const log = join(shared, `${names.deploymentGroupName}-stop.log`);
    const first = await deploy(stack, names, revision(log, 'v1'));
    expect((await finished(stack, first)).status).toBe('Succeeded');
    expect(await readFile(log, 'utf8').catch(() => '')).toBe('');
    expect((await eventOf(first, 'ApplicationStop'))?.status).toBe('Succeeded');

    const second = await deploy(stack, names, revision(log, 'v2'));
    expect((await finished(stack, second)).status).toBe('Succeeded');
    expect(await readFile(log, 'utf8')).toBe(`v1 ${second}\n`);
  });

  it('fails when the last successful revision’s folder is gone (hook_executor.rb parse_app_spec)', async () => {
    const names = await createAppAndGroup(stack);
    const log = join(shared, `${names.deploymentGroupName}-stop.log`);
    const first = await deploy(stack, names, revision(log, 'v1'));
    expect((await finished(stack, first)).status).toBe('Succeeded');
    const root = join(instanceDir(names), 'opt/codedeploy-agent/deployment-root');
    const [groupId = ''] = (await readdir(root)).filter((name) => name !== 'deployment-instructions');
    await rm(join(root, groupId, first), { recursive: true });

    const second = await deploy(stack, names, revision(log, 'v2'));
    expect((await finished(stack, second)).status).toBe('Failed');
    expect((await eventOf(second, 'ApplicationStop'))?.diagnostics).toMatchObject({
      errorCode: 'UnknownError',
      message: expect.stringContaining(
        `did not find an AppSpec file within the unpacked revision directory at revision-relative path "appspec.yml". ` +
          `The revision was unpacked to directory "/opt/codedeploy-agent/deployment-root/${groupId}/${first}/deployment-archive"`,
      ),
    });
    const ignored = await deploy(stack, names, revision(log, 'v3'), { ignoreApplicationStopFailures: true });
    expect((await finished(stack, ignored)).status).toBe('Succeeded');
  });

  it('ignores an ApplicationStop failure when the deployment says so', async () => {
    const names = await createAppAndGroup(stack);
    const failing = {
      'appspec.yml': hooks('ApplicationStop', { location: 'stop.sh' }),
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
  const withFiles = (extra = '', destination = '/var/www/app') =>
    `version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: ${destination}\n${extra}`;

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
    expect((await eventOf(disallowed, 'Install'))?.diagnostics).toMatchObject({
      errorCode: 'UnknownError',
      message:
        'The deployment failed because a specified file already exists at this location: /var/www/app/index.html',
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

  it('applies permissions to the files its pattern names, in the object’s folder only (linux_permission_info.rb)', async () => {
    const names = await createAppAndGroup(stack);
    const root = instanceDir(names);
    const id = await deploy(stack, names, {
      'appspec.yml':
        'version: 0.0\nos: linux\nfiles:\n  - source: bin\n    destination: /opt/tool\n' +
        'permissions:\n  - object: /opt/tool\n    pattern: "*.sh"\n    mode: 750\n    type: [file]\n',
      'bin/run.sh': { content: '#!/bin/sh\n', mode: 0o644 },
      'bin/readme.txt': { content: 'x', mode: 0o644 },
      'bin/lib/deep.sh': { content: '#!/bin/sh\n', mode: 0o644 },
    });
    expect((await finished(stack, id)).status).toBe('Succeeded');
    expect((await stat(join(root, 'opt/tool/run.sh'))).mode & 0o777).toBe(0o750);
    expect((await stat(join(root, 'opt/tool/readme.txt'))).mode & 0o777).toBe(0o644);
    // "*.sh" never crosses "/": the script one folder down keeps its mode.
    expect((await stat(join(root, 'opt/tool/lib/deep.sh'))).mode & 0o777).toBe(0o644);
  });

  it('copies a linked folder as a folder, and installs into a destination that links to one (installer.rb, File.directory?)', async () => {
    const names = await createAppAndGroup(stack);
    const root = instanceDir(names);
    await mkdir(join(root, 'srv/releases/7'), { recursive: true });
    await symlink('releases/7', join(root, 'srv/current'));
    const id = await deploy(stack, names, {
      'appspec.yml': withFiles('', '/srv/current'),
      'site/versions/2/index.html': 'two',
      'site/latest': { symlink: 'versions/2' },
    });
    expect((await finished(stack, id)).status).toBe('Succeeded');
    const latest = join(root, 'srv/releases/7/latest');
    expect((await stat(join(root, 'srv/current'))).isDirectory()).toBe(true);
    expect((await readdir(join(root, 'srv/releases/7'))).sort()).toEqual(['latest', 'versions']);
    expect(await readFile(join(latest, 'index.html'), 'utf8')).toBe('two');
    expect((await lstat(latest)).isSymbolicLink()).toBe(false);
  });

  it('writes through a link to a file with OVERWRITE (install_instruction.rb CopyCommand)', async () => {
    const names = await createAppAndGroup(stack);
    const root = instanceDir(names);
    await mkdir(join(root, 'var/www/app'), { recursive: true });
    await mkdir(join(root, 'var/www/shared'), { recursive: true });
    await writeFile(join(root, 'var/www/shared/config.json'), 'old');
    await symlink('../shared/config.json', join(root, 'var/www/app/config.json'));
    const id = await deploy(
      stack,
      names,
      { 'appspec.yml': withFiles(), 'site/config.json': 'new' },
      { fileExistsBehavior: 'OVERWRITE' },
    );
    expect((await finished(stack, id)).status).toBe('Succeeded');
    expect(await readFile(join(root, 'var/www/shared/config.json'), 'utf8')).toBe('new');
    expect(await readlink(join(root, 'var/www/app/config.json'))).toBe('../shared/config.json');
  });

  it('refuses to write through a link that leads out of the instance', async () => {
    const names = await createAppAndGroup(stack);
    const root = instanceDir(names);
    await mkdir(join(root, 'var/www'), { recursive: true });
    await symlink(shared, join(root, 'var/www/app'));
    const id = await deploy(stack, names, { 'appspec.yml': withFiles(), 'site/index.html': 'x' });
    expect((await finished(stack, id)).status).toBe('Failed');
    expect((await eventOf(id, 'Install'))?.diagnostics?.message).toContain('leads outside the instance');
    await expect(stat(join(shared, 'index.html'))).rejects.toThrow();
  });

  it('installs a destination that climbs above / with .. at /, as Linux does', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, {
      'appspec.yml':
        'version: 0.0\nos: linux\nfiles:\n  - source: a.txt\n    destination: /var/../../escape\n',
      'a.txt': 'a',
    });
    expect((await finished(stack, id)).status).toBe('Succeeded');
    expect(await readFile(join(instanceDir(names), 'escape/a.txt'), 'utf8')).toBe('a');
  });
});

describe('hook scripts', () => {
  it('reports a failing script with the agent message, its log tail and the deployment log', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, {
      'appspec.yml': hooks('AfterInstall', { location: 'scripts/fail.sh' }),
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
        logTail:
          'LifecycleEvent - AfterInstall\nScript - scripts/fail.sh\n[stdout]about to fail\n[stderr]oops\n',
      },
    });
    expect((await eventOf(id, 'ApplicationStart'))?.status).toBe('Skipped');
    expect(await scriptsLog(id)).toContain('[stderr]oops');
  });

  it('keeps the newest whole lines within 2048 characters as the log tail (hook_executor.rb ScriptLog)', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, {
      'appspec.yml': hooks('AfterInstall', { location: 'noisy.sh' }),
      // 100 lines of 50 characters, each line numbered.
      'noisy.sh':
        '#!/bin/sh\nfor i in $(seq -w 1 100); do printf "line %s %s\\n" "$i" "$(printf "%040d" 0)"; done\nexit 1\n',
    });
    expect((await finished(stack, id)).status).toBe('Failed');
    const tail = (await eventOf(id, 'AfterInstall'))?.diagnostics?.logTail ?? '';
    const lines = tail.split('\n').slice(0, -1);
    // Each kept line is "[stdout]line NNN 000…0" (57 characters and its line break): 35 fit in 2048.
    expect(tail.length).toBeLessThanOrEqual(2048);
    expect(lines).toHaveLength(35);
    expect(lines[0]).toMatch(/^\[stdout\]line 066 0{40}$/);
    expect(lines.at(-1)).toMatch(/^\[stdout\]line 100 0{40}$/);
  });

  it('kills a script that outlives its timeout, with its process group (ScriptTimedOut)', async () => {
    const names = await createAppAndGroup(stack);
    const pidFile = join(shared, `${names.deploymentGroupName}.pid`);
    const id = await deploy(stack, names, {
      'appspec.yml': hooks('ApplicationStart', { location: 'slow.sh', timeout: 1 }),
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

  it('fails a script whose background process keeps its output open, with the agent’s message (thread_joiner.rb)', async () => {
    const names = await createAppAndGroup(stack);
    const pidFile = join(shared, `${names.deploymentGroupName}.pid`);
    const id = await deploy(stack, names, {
      'appspec.yml': hooks('ApplicationStart', { location: 'start.sh', timeout: 1 }),
      // The server's output is not redirected: it keeps the script's stdout open after the script exits.
      'start.sh': `#!/bin/sh\nsleep 30 &\necho $! > "${pidFile}"\necho started\nexit 0\n`,
    });
    expect((await finished(stack, id)).status).toBe('Failed');
    expect((await eventOf(id, 'ApplicationStart'))?.diagnostics).toMatchObject({
      errorCode: 'UnknownError',
      message: 'Script at specified location: start.sh failed to close STDOUT',
      logTail: expect.stringContaining('[stdout]started\n'),
    });
    // The agent leaves that process running, as the instance would.
    const server = Number(await readFile(pidFile, 'utf8'));
    expect(await isAlive(server)).toBe(true);
    process.kill(server);
  });

  it('reports a missing script (ScriptMissing) and makes a non-executable one executable', async () => {
    const names = await createAppAndGroup(stack);
    const ok = await deploy(stack, names, {
      'appspec.yml': hooks('BeforeInstall', { location: 'plain.sh' }, { location: 'nosh.sh' }),
      'plain.sh': { content: '#!/bin/sh\necho ran\n', mode: 0o644 },
      // No #! line: run by /bin/sh, as the agent does.
      'nosh.sh': { content: 'echo "no shebang"\n', mode: 0o755 },
    });
    expect((await finished(stack, ok)).status).toBe('Succeeded');
    const log = await scriptsLog(ok);
    expect(log).toContain('[stdout]ran\n');
    expect(log).toContain('[stdout]no shebang\n');
    expect(log).toContain(
      'Script at specified location: plain.sh is not executable.  Trying to make it executable.',
    );

    const missing = await deploy(stack, names, {
      'appspec.yml': hooks('BeforeInstall', { location: 'nowhere.sh' }),
    });
    expect((await finished(stack, missing)).status).toBe('Failed');
    expect((await eventOf(missing, 'BeforeInstall'))?.diagnostics).toMatchObject({
      errorCode: 'ScriptMissing',
      message: expect.stringMatching(
        new RegExp(
          `^Script does not exist at specified location: /opt/codedeploy-agent/deployment-root/[0-9a-f-]{36}/${missing}/deployment-archive/nowhere\\.sh$`,
        ),
      ),
    });
  });

  it('runs the location as one command line split at spaces, as Ruby spawns the agent’s command', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, {
      'appspec.yml': hooks('AfterInstall', { location: 'tool.sh --quiet' }),
      'tool.sh': '#!/bin/sh\necho "arguments: $*"\n',
      // hook_executor.rb checks that the whole location exists, then runs it split at spaces.
      'tool.sh --quiet': '#!/bin/sh\necho "never run"\n',
    });
    expect((await finished(stack, id)).status).toBe('Succeeded');
    expect(await scriptsLog(id)).toContain('[stdout]arguments: --quiet\n');
  });
});

/** A user with a login shell, other than root, to run scripts as; undefined when the system has none. */
function userWithShell(): string | undefined {
  const shells = readFileSync('/etc/shells', 'utf8').split('\n');
  return readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find(
      ([name, , uid, , , , shell]) =>
        name && uid !== '0' && shell && shells.includes(shell) && shell !== '/usr/bin/tmux',
    )?.[0];
}

describe('runas (linux_util.rb prepare_script_command: su USER -c)', () => {
  const who = (runas: string) => hooks('ValidateService', { location: 'who.sh', runas });
  const whoScript = { 'who.sh': '#!/bin/sh\necho "as $(id -un)"\n' };
  const user = userWithShell();

  it.skipIf(!root || user === undefined)('runs the script as that user', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, { 'appspec.yml': who(user!), ...whoScript });
    expect((await finished(stack, id)).status).toBe('Succeeded');
    expect(await scriptsLog(id)).toContain(`[stdout]as ${user}\n`);
  });

  it.skipIf(!root)(
    'fails the script of an unknown user and of an account without a login shell (ScriptFailed)',
    async () => {
      for (const [runas, why] of [
        ['no-such-user-here', /does not exist/],
        ['nobody', /not available/],
      ] as const) {
        const names = await createAppAndGroup(stack);
        const id = await deploy(stack, names, { 'appspec.yml': who(runas), ...whoScript });
        expect((await finished(stack, id)).status).toBe('Failed');
        const event = await eventOf(id, 'ValidateService');
        expect(event?.diagnostics).toMatchObject({
          errorCode: 'ScriptFailed',
          message: `Script at specified location: who.sh run as user ${runas} failed with exit code 1`,
          logTail: expect.stringMatching(why),
        });
      }
    },
  );

  describe('when the local CodeDeploy cannot switch users (not root)', () => {
    it('fails the script, and says why and how to opt out', async () => {
      const local = await startLocalStack({ instancesPerGroup: 1, runas: { canSwitchUsers: false } });
      try {
        const names = await createAppAndGroup(local);
        const id = await deploy(local, names, { 'appspec.yml': who('www-data'), ...whoScript });
        expect((await finished(local, id)).status).toBe('Failed');
        expect((await eventOf(id, 'ValidateService', local))?.diagnostics).toMatchObject({
          errorCode: 'ScriptFailed',
          message:
            'Script at specified location: who.sh run as user www-data failed: the local CodeDeploy is not running as ' +
            'root, so it cannot switch to www-data (the CodeDeploy agent runs as root): run it as root, or set ' +
            'LOCAL_CODEDEPLOY_RUNAS=current-user to run such scripts as yourself',
        });
      } finally {
        await local.stop();
      }
    });

    it('runs it as the current user with LOCAL_CODEDEPLOY_RUNAS=current-user', async () => {
      process.env.LOCAL_CODEDEPLOY_RUNAS = 'current-user';
      let local: LocalStack;
      try {
        local = await startLocalStack({ instancesPerGroup: 1, runas: { canSwitchUsers: false } });
      } finally {
        delete process.env.LOCAL_CODEDEPLOY_RUNAS;
      }
      try {
        const names = await createAppAndGroup(local);
        const id = await deploy(local, names, { 'appspec.yml': who('www-data'), ...whoScript });
        expect((await finished(local, id)).status).toBe('Succeeded');
        const log = await scriptsLog(id, local);
        expect(log).toContain(`[stdout]as ${userInfo().username}\n`);
        expect(log).toContain(
          'who.sh: runs as the current user: the local CodeDeploy is not running as root',
        );
      } finally {
        await local.stop();
      }
    });
  });
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

  it('fails BeforeInstall with UnknownError and the agent’s message on a bad or missing appspec', async () => {
    const names = await createAppAndGroup(stack);
    const bad = await deploy(stack, names, { 'appspec.yml': 'version: 1.0\nos: linux\n' });
    expect((await finished(stack, bad)).status).toBe('Failed');
    expect((await eventOf(bad, 'BeforeInstall'))?.diagnostics).toMatchObject({
      errorCode: 'UnknownError',
      message:
        'The deployment failed because an invalid version value (1.0) was entered in the application specification file. ' +
        'Make sure your AppSpec file specifies "0.0" as the version, and then try again.',
    });
    const none = await deploy(stack, names, { 'readme.txt': 'no appspec here' });
    expect((await finished(stack, none)).status).toBe('Failed');
    expect((await eventOf(none, 'BeforeInstall'))?.diagnostics?.message).toContain(
      'The CodeDeploy agent did not find an AppSpec file',
    );
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
    const root = join(instanceDir(names), 'opt/codedeploy-agent/deployment-root');
    const [groupId = ''] = (await readdir(root)).filter((name) => name !== 'deployment-instructions');
    const kept = (await readdir(join(root, groupId))).sort();
    expect(kept).toEqual([good, ...failed.slice(-4)].sort());
  });
});

/** Running, as opposed to gone or a zombie waiting for a parent that does not reap (PID 1 here). */
async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== '' && state !== 'Z' && state !== 'X';
}

describe('the appspec corpus, rehearsed (test/corpus/appspec)', () => {
  const exists = (user: string) => {
    try {
      execFileSync('getent', ['passwd', user]);
      return true;
    } catch {
      return false;
    }
  };
  /** What this machine cannot rehearse: a Windows appspec, a runas user it does not have, runas or sudo without root. */
  const unrehearsable = (text: string) => {
    const runas = [...text.matchAll(/^\s*runas: (\S+)$/gm)].map((match) => match[1]!);
    return (
      /^os: windows/m.test(text) ||
      ((runas.length > 0 || /sudo: true/.test(text)) && !root) ||
      runas.some((u) => !exists(u))
    );
  };
  const cases = [...corpusCases].filter(([, { text }]) => !unrehearsable(text));

  it('rehearses all but the Windows ones here', () => {
    expect(cases.length).toBeGreaterThan(corpusCases.size - 10);
  });

  it.each(cases.map(([name, { spec }]) => [name, spec.rule]))(
    '%s gets the verdict of the agent’s source (%s)',
    async (name) => {
      const { spec, text } = corpusCases.get(name)!;
      const files: RevisionFiles = { [spec.appspec ?? 'appspec.yml']: text };
      for (const [path, kind] of Object.entries(spec.bundle)) {
        files[path] = kind.startsWith('-> ')
          ? { symlink: kind.slice(3) }
          : { content: '#!/bin/sh\nexit 0\n', mode: kind === 'exec' ? 0o755 : 0o644 };
      }
      const names = await createAppAndGroup(stack);
      const id = await deploy(stack, names, files);
      const info = await finished(stack, id);
      const [target] = await targetsOf(stack, id);
      const failed = target?.lifecycleEvents?.find((event) => event.status === 'Failed');
      const verdict: AgentVerdict =
        info.status === 'Succeeded'
          ? 'deploys'
          : { fails: failed?.lifecycleEventName ?? '', errorCode: failed?.diagnostics?.errorCode ?? '' };
      expect(verdict, failed?.diagnostics?.message).toEqual(spec.agent);
    },
  );
});

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
