import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkspaceConfigs } from '../../src/deploy/load-config.js';

// The checked-out config folder (a push to the default branch, config-source: workspace, the CLI)
// is read as GitHub lists the trusted one: its files, not its folders or symlinks.
let workspace: string;
const config = (application: string) =>
  `application: ${application}\nrevision: { bucket: artifacts }\nbranches: { main: production }\n`;
const silent = { warn: () => {} };

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'cdg-config-folder-'));
  const folder = join(workspace, '.github/codedeploy');
  await mkdir(join(folder, 'old.yml'), { recursive: true });
  await writeFile(join(folder, 'old.yml/legacy.yml'), config('legacy'));
  await writeFile(join(folder, 'shop.yml'), config('shop'));
  await writeFile(join(folder, 'api.yaml'), config('api'));
  await writeFile(join(folder, 'README.md'), 'not a config');
  await writeFile(join(workspace, 'elsewhere.yml'), config('elsewhere'));
  await writeFile(join(workspace, 'shop-again.yml'), config('shop'));
  await symlink('../../elsewhere.yml', join(folder, 'linked.yml'));
  await mkdir(join(workspace, 'empty'));
});
afterAll(() => rm(workspace, { recursive: true, force: true }));

describe('loadWorkspaceConfigs', () => {
  it('a folder: its *.yml and *.yaml files in name order; a folder or a symlink in it is not read', async () => {
    const configs = await loadWorkspaceConfigs(workspace, ['.github/codedeploy'], silent);
    expect(configs.map((c) => [c.application, c.file])).toEqual([
      ['api', '.github/codedeploy/api.yaml'],
      ['shop', '.github/codedeploy/shop.yml'],
    ]);
  });

  it('a list: files and folders in the order given', async () => {
    const configs = await loadWorkspaceConfigs(workspace, ['elsewhere.yml', '.github/codedeploy/'], silent);
    expect(configs.map((c) => c.application)).toEqual(['elsewhere', 'api', 'shop']);
  });

  it('a file named and also in a named folder is loaded once', async () => {
    const configs = await loadWorkspaceConfigs(
      workspace,
      ['./.github/codedeploy/shop.yml', '.github/codedeploy'],
      silent,
    );
    expect(configs.map((c) => c.application)).toEqual(['shop', 'api']);
  });

  it('a folder without a config, and an application named in two files, are refused with the fix', async () => {
    await expect(loadWorkspaceConfigs(workspace, ['empty'], silent)).rejects.toThrow(
      'empty: the config folder holds no *.yml file (put one config file per application in it',
    );
    await expect(
      loadWorkspaceConfigs(
        workspace,
        ['.github/codedeploy/shop.yml', 'elsewhere.yml', 'shop-again.yml'],
        silent,
      ),
    ).rejects.toThrow(
      'shop-again.yml: application "shop" is mapped twice, here and in .github/codedeploy/shop.yml',
    );
  });
});
