import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// A stand-in app: its start script records that it ran and its ValidateService succeeds or fails.
async function workspace(validateExit: number): Promise<{ dir: string; data: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cdg-local-ws-'));
  const data = await mkdtemp(join(tmpdir(), 'cdg-local-data-'));
  dirs.push(dir, data);
  await cp('examples/product-catalog/.github', join(dir, '.github'), { recursive: true });
  await writeFile(
    join(dir, 'appspec.yml'),
    'version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/site\nhooks:\n  ValidateService:\n    - location: validate.sh\n',
  );
  await cp('examples/product-catalog/site', join(dir, 'site'), { recursive: true });
  await writeFile(
    join(dir, 'validate.sh'),
    `#!/bin/sh\necho "validating $DEPLOYMENT_GROUP_NAME"\nexit ${validateExit}\n`,
    {
      mode: 0o755,
    },
  );
  return { dir, data };
}

describe('codedeploy-gitops local', () => {
  it('rehearses the whole flow on local instances and says where they are', async () => {
    const { dir, data } = await workspace(0);
    const result = cli(['local', '--branch', 'develop', '--data', data, '--instances', '1'], { cwd: dir });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^SUCCEEDED$/m);
    expect(result.stdout).not.toContain('could not make sure');
    expect(result.stdout).toMatch(/staging: succeeded d-\w+ .* 1\/1 succeeded/);
    expect(result.stdout).toMatch(/test2 i-[0-9a-f]+: .*instances\/i-[0-9a-f]+/);
  });

  it('shows the failing hook and exits 1', async () => {
    const { dir, data } = await workspace(4);
    const result = cli(['local', '--branch', 'feature/x', '--data', data, '--instances', '1'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('feature-x: created deployment');
    expect(result.stdout).toMatch(/ValidateService failed \(ScriptFailed\)[\s\S]*failed with exit code 4/);
    expect(result.stdout).toMatch(/^FAILED$/m);
  });

  it('skips a ref the map skips, touching nothing', async () => {
    const { dir, data } = await workspace(0);
    const result = cli(['local', '--branch', 'experimental/y', '--data', data], { cwd: dir });
    expect(result.code).toBe(0);
    // Said once, by the flow; the result line only says how it ended.
    expect(result.stdout.match(/branch "experimental\/y" matches "experimental\/\*\*"/g)).toHaveLength(1);
    expect(result.stdout).toContain('Nothing to deploy: branch "experimental/y" matches "experimental/**"');
    expect(result.stdout).toMatch(/^SKIPPED$/m);
  });

  it('rehearses a branch deletion from a saved event: the group the first rehearsal created is deleted', async () => {
    const { dir, data } = await workspace(0);
    const config = join(dir, '.github/codedeploy.yml');
    const map = await readFile(config, 'utf8');
    await writeFile(
      config,
      map.replace(
        '    create: { from: staging }\n  "experimental',
        '    create: { from: staging }\n    deleteOnBranchDelete: true\n  "experimental',
      ),
    );
    const local = (...args: string[]) =>
      cli(['local', '--data', data, '--instances', '1', ...args], { cwd: dir });
    expect(local('--branch', 'feature/login').stdout).toMatch(/^ {2}feature-login: succeeded /m);
    const event = resolve('examples/events/delete-feature-login.json');
    const deleted = local('--event-file', event);
    expect(deleted.code, deleted.stdout + deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain(
      'Plan: tear down feature-login — branch "feature/login" (deleted) matches "feature/*"',
    );
    expect(deleted.stdout).toMatch(/^ {2}feature-login: torn-down \(deleted the branch's group\)$/m);
    const again = local('--event-file', event);
    expect(again.stdout).toMatch(/^ {2}feature-login: torn-down \(the group does not exist\)$/m);
  });

  it('takes the map by an absolute path inside the working folder', async () => {
    const { dir, data } = await workspace(0);
    const config = join(dir, '.github/codedeploy.yml');
    const result = cli(
      ['local', '--config', config, '--branch', 'develop', '--data', data, '--instances', '1'],
      {
        cwd: dir,
      },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^SUCCEEDED$/m);
  });

  it('rehearses every application of a config folder, each result named', async () => {
    const { dir, data } = await workspace(0);
    const shop = (await readFile(join(dir, '.github/codedeploy.yml'), 'utf8')).replace(
      /^branches:[\s\S]*$/m,
      'branches:\n  develop: staging\n',
    );
    await mkdir(join(dir, 'deploy'));
    await writeFile(join(dir, 'deploy/shop.yml'), shop);
    await writeFile(
      join(dir, 'deploy/api.yml'),
      shop
        .replace('application: product-catalog', 'application: product-api')
        .replace('develop: staging', 'develop: api-staging'),
    );
    const result = cli(
      ['local', '--config', 'deploy', '--branch', 'develop', '--data', data, '--instances', '1'],
      { cwd: dir },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^product-api: SUCCEEDED$/m);
    expect(result.stdout).toMatch(/^product-catalog: SUCCEEDED$/m);
    expect(result.stdout).toMatch(/api-staging i-[0-9a-f]+: .*instances\/i-[0-9a-f]+/);
  });

  it('checks the appspec before it creates anything on the local CodeDeploy', async () => {
    const { dir, data } = await workspace(0);
    await writeFile(
      join(dir, 'appspec.yml'),
      'version: 0.0\nos: linux\nhooks:\n  ValidateService:\n    - location: gone.sh\n',
    );
    const result = cli(['local', '--branch', 'develop', '--data', data, '--instances', '1'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).toContain('script "gone.sh" is not in the bundle');
    expect(result.stdout).not.toMatch(/created (the CodeDeploy application|deployment group)/i);
  });

  it('rehearses a pre-built archive: what the build made is what lands on the instances', async () => {
    const { dir, data } = await workspace(0);
    execFileSync('zip', ['-qry', 'build.zip', 'appspec.yml', 'site', 'validate.sh'], { cwd: dir });
    await writeFile(join(dir, 'site/index.html'), 'changed after the build\n');
    const config = join(dir, '.github/codedeploy.yml');
    const map = await readFile(config, 'utf8');
    await writeFile(config, map.replace(/ {2}source: \.\n {2}exclude: .*\n/, '  archive: build.zip\n'));
    const result = cli(['local', '--branch', 'develop', '--data', data, '--instances', '1'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/archive build\.zip: \d+ files/);
    const instance = /staging (i-[0-9a-f]+): (\S+)/.exec(result.stdout)!;
    expect(await readFile(join(instance[2]!, 'srv/site/index.html'), 'utf8')).not.toContain(
      'changed after the build',
    );
  });

  it('rehearses a GitHub revision from the folder’s own .git: the committed files', async () => {
    const { dir, data } = await workspace(0);
    const config = join(dir, '.github/codedeploy.yml');
    const map = await readFile(config, 'utf8');
    await writeFile(
      config,
      // The records bucket stays: the map's previews are deleted on close.
      map.replace(
        /revision:\n(?: {2}.*\n)+/,
        'revision:\n  type: github\n  bucket: product-catalog-revisions\n',
      ),
    );
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], {
        cwd: dir,
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'develop');
    git('add', '-A');
    git('commit', '-qm', 'rehearsed');
    await writeFile(join(dir, 'site/index.html'), 'not committed\n');
    const result = cli(['local', '--data', data, '--instances', '1'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `GitHub revision local/workspace@${git('rev-parse', 'HEAD').slice(0, 7)}`,
    );
    const instance = /staging (i-[0-9a-f]+): (\S+)/.exec(result.stdout)!;
    expect(await readFile(join(instance[2]!, 'srv/site/index.html'), 'utf8')).not.toContain('not committed');
  });

  it('says before a rehearsal as root that the hooks run as root', async () => {
    const { dir, data } = await workspace(0);
    const result = cli(['local', '--branch', 'develop', '--data', data, '--instances', '1'], { cwd: dir });
    const said = /this rehearsal runs as root/.test(result.stdout + result.stderr);
    expect(said).toBe(process.getuid?.() === 0);
  });

  it('--help documents every flag', () => {
    const help = cli(['local', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--config', '--branch', '--event-file', '--event', '--instances', '--wait', '--data'])
      expect(help.stdout).toContain(flag);
    expect(help.stdout).toContain('temp dir, kept between rehearsals');
  });

  it('bad usage exits 2', () => {
    expect(cli(['local', '--branch', 'a', '--event-file', 'b']).code).toBe(2);
    expect(cli(['local', '--instances', 'many']).code).toBe(2);
  });
});
