import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateDeploymentCommand, type RevisionLocation } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmulator } from '../../src/commands/emulator.js';
import { repositoriesIn } from '../../src/local/index.js';
import { AWS_CLI_CONFIG, awsCli, awsCliEnv } from '../helpers/aws-cli.js';
import {
  createAppAndGroup,
  finished,
  type LocalStack,
  ROLE,
  startLocalStack,
  targetsOf,
  tempDir,
} from '../helpers/local.js';
import { writeTree } from '../helpers/tree.js';

/**
 * GitHub revisions on the local CodeDeploy: the agents take the commit from the local git repository
 * that stands for `account/repository` (`git archive`, as GitHub makes its tarballs), unpack it as
 * the agent unpacks a GitHub tarball, and give the hooks BUNDLE_COMMIT, as the agent does.
 */
let repos: string;
let stack: LocalStack;
const commits: string[] = [];

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();

const APPSPEC = `version: 0.0
os: linux
files:
  - source: site
    destination: /srv/shop
hooks:
  ApplicationStop:
    - location: scripts/stop.sh
  ApplicationStart:
    - location: scripts/start.sh
`;

beforeAll(async () => {
  repos = await tempDir('cdg-repos-');
  const shop = join(repos, 'acme', 'shop');
  for (const version of ['1', '2']) {
    await writeTree(shop, {
      'appspec.yml': APPSPEC,
      'site/version.txt': `${version}\n`,
      'scripts/start.sh': {
        content: `#!/bin/sh\necho "start ${version} commit=$BUNDLE_COMMIT bucket=\${BUNDLE_BUCKET-unset}"\n`,
        mode: 0o755,
      },
      'scripts/stop.sh': { content: `#!/bin/sh\necho "stop ${version}"\n`, mode: 0o755 },
      'README.md': 'not deployed by the appspec, but in the revision\n',
    });
    if (version === '1') git(shop, 'init', '-q', '-b', 'main');
    git(shop, 'add', '-A');
    git(shop, 'commit', '-qm', `version ${version}`);
    commits.push(git(shop, 'rev-parse', 'HEAD'));
  }
  // A bare clone stands for another repository: DIR/account/name.git.
  execFileSync('git', ['clone', '-q', '--bare', shop, join(repos, 'acme', 'bare.git')]);
  stack = await startLocalStack({ gitHubRepository: repositoriesIn(repos) });
});
afterAll(async () => {
  await stack?.stop();
  await rm(repos, { recursive: true, force: true });
});

const github = (repository: string, commitId: string): RevisionLocation => ({
  revisionType: 'GitHub',
  gitHubLocation: { repository, commitId },
});

async function deployRevision(
  names: { applicationName: string; deploymentGroupName: string },
  revision: RevisionLocation,
) {
  const { deploymentId } = await stack.client.send(new CreateDeploymentCommand({ ...names, revision }));
  return { id: deploymentId ?? '', info: await finished(stack, deploymentId ?? '') };
}

describe('GitHub revisions on the local CodeDeploy', () => {
  it('deploys a commit of the repository standing for account/name, then the next one, as the agent would', async () => {
    const names = await createAppAndGroup(stack, {
      ec2TagFilters: [{ Key: 'local:instances', Value: '1', Type: 'KEY_AND_VALUE' }],
    });
    const first = await deployRevision(names, github('acme/shop', commits[0]!));
    expect(first.info.status).toBe('Succeeded');
    expect(first.info.revision).toEqual(github('acme/shop', commits[0]!));
    const [instance] = stack.codedeploy.instances(names.applicationName, names.deploymentGroupName);
    expect(await readFile(join(instance!.dir, 'srv/shop/version.txt'), 'utf8')).toBe('1\n');
    const [log] = await stack.codedeploy.logs(first.id);
    // get_github_envs: the commit only, no BUNDLE_BUCKET.
    expect(log?.text).toContain(`[stdout]start 1 commit=${commits[0]} bucket=unset`);

    const second = await deployRevision(names, github('acme/shop', commits[1]!));
    expect(second.info.status).toBe('Succeeded');
    expect(await readFile(join(instance!.dir, 'srv/shop/version.txt'), 'utf8')).toBe('2\n');
    const [next] = await stack.codedeploy.logs(second.id);
    // ApplicationStop runs the last successful revision's script: the first commit's.
    expect(next?.text).toContain('[stdout]stop 1');
    expect(next?.text).toContain(`[stdout]start 2 commit=${commits[1]}`);
  });

  it('takes an abbreviated commit, and a bare repository (DIR/account/name.git)', async () => {
    const names = await createAppAndGroup(stack);
    const { info } = await deployRevision(names, github('acme/bare', commits[1]!.slice(0, 10)));
    expect(info.status).toBe('Succeeded');
  });

  it.each([
    ['acme/unknown', () => commits[0]!, 'the local CodeDeploy has no repository for acme/unknown'],
    ['acme/shop', () => 'f'.repeat(40), `git archive ${'f'.repeat(40)} failed`],
  ])(
    'fails DownloadBundle for %s at a commit it cannot serve, saying so',
    async (repository, commit, message) => {
      const names = await createAppAndGroup(stack, {
        ec2TagFilters: [{ Key: 'local:instances', Value: '1', Type: 'KEY_AND_VALUE' }],
      });
      const { id, info } = await deployRevision(names, github(repository, commit()));
      expect(info.status).toBe('Failed');
      const [target] = await targetsOf(stack, id);
      const download = target?.lifecycleEvents?.find((e) => e.lifecycleEventName === 'DownloadBundle');
      expect(download).toMatchObject({ status: 'Failed' });
      expect(download?.diagnostics?.message).toContain(
        `Could not download bundle at 'https://api.github.com/repos/${repository}/tarball/${commit()}': `,
      );
      expect(download?.diagnostics?.message).toContain(message);
    },
  );

  it.each([
    ['../acme', 'a'.repeat(40)],
    ['acme/..', 'a'.repeat(40)],
    ['acme', 'a'.repeat(40)],
    ['acme/shop', '--output=/tmp/x'],
    ['acme/shop', 'main'],
  ])('refuses repository %j at commit %j (InvalidRevisionException)', async (repository, commitId) => {
    const names = await createAppAndGroup(stack);
    await expect(
      stack.client.send(new CreateDeploymentCommand({ ...names, revision: github(repository, commitId) })),
    ).rejects.toMatchObject({ name: 'InvalidRevisionException' });
  });
});

describe('repositoriesIn', () => {
  it('finds DIR/account/name and DIR/account/name.git, and nothing out of DIR', async () => {
    const find = repositoriesIn(repos);
    expect(await find('acme/shop')).toBe(join(repos, 'acme', 'shop'));
    expect(await find('acme/bare')).toBe(join(repos, 'acme', 'bare.git'));
    expect(await find('acme/none')).toBeUndefined();
    expect(await find('../etc')).toBeUndefined();
    expect(await find('acme/..')).toBeUndefined();
    expect(await find('acme/shop/extra')).toBeUndefined();
  });
});

describe('emulator --github-repos, driven by the AWS CLI', () => {
  it('deploys `aws deploy create-deployment --github-location` from the repository in DIR', async () => {
    const dataDir = await tempDir();
    const stop = new AbortController();
    const lines: string[] = [];
    let ready: (endpoints: { codedeploy: string }) => void = () => {};
    const endpoints = new Promise<{ codedeploy: string }>((resolve) => {
      ready = resolve;
    });
    const run = runEmulator(['--data', dataDir, '--instances-per-group', '1', '--github-repos', repos], {
      signal: stop.signal,
      out: (line) => lines.push(line),
      onReady: ready,
    });
    try {
      const { codedeploy } = await endpoints;
      expect(lines).toContain(
        `GitHub revisions of account/repository: from the git repository ${repos}/account/repository`,
      );
      const config = join(dataDir, 'aws-config');
      await writeFile(config, AWS_CLI_CONFIG);
      const cli = (...args: string[]) => [
        'deploy',
        ...args,
        '--endpoint-url',
        codedeploy,
        '--output',
        'json',
      ];
      const [, , created] = await awsCli(
        [
          cli('create-application', '--application-name', 'cli-app'),
          cli(
            'create-deployment-group',
            '--application-name',
            'cli-app',
            '--deployment-group-name',
            'cli-group',
            '--service-role-arn',
            ROLE,
          ),
          cli(
            'create-deployment',
            '--application-name',
            'cli-app',
            '--deployment-group-name',
            'cli-group',
            '--github-location',
            `repository=acme/shop,commitId=${commits[0]}`,
          ),
        ],
        awsCliEnv(config),
      );
      expect(created?.code).toBe(0);
      const id = String(created?.json.deploymentId);
      let status = '';
      for (let i = 0; i < 300 && !['Succeeded', 'Failed', 'Stopped'].includes(status); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const [got] = await awsCli([cli('get-deployment', '--deployment-id', id)], awsCliEnv(config));
        const info = got?.json.deploymentInfo as { status: string; revision: unknown };
        status = info.status;
        if (status === 'Succeeded') {
          expect(info.revision).toEqual({
            revisionType: 'GitHub',
            gitHubLocation: { repository: 'acme/shop', commitId: commits[0] },
          });
        }
      }
      expect(status).toBe('Succeeded');
    } finally {
      stop.abort();
      expect(await run).toBe(0);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
