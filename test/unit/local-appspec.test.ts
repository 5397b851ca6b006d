import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRevisionAppSpec } from '../../src/local/agent/appspec.js';

/** The local agent reads a revision's appspec with validate's rules, and fails as the agent does. */
let instance: string;
let archive: string;

beforeEach(async () => {
  instance = await mkdtemp(join(tmpdir(), 'cdg-agent-appspec-'));
  archive = join(instance, 'opt/codedeploy-agent/deployment-root/g/d-1/deployment-archive');
  await mkdir(join(archive, 'scripts'), { recursive: true });
  await writeFile(join(archive, 'scripts/start.sh'), '#!/bin/sh\n', { mode: 0o755 });
});
afterEach(async () => {
  await rm(instance, { recursive: true, force: true });
});

const appspec = (text: string, name = 'appspec.yml') => writeFile(join(archive, name), text);

describe('the local agent’s appspec reader', () => {
  it('reads what validate reads', async () => {
    await appspec(
      'version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: scripts/start.sh\n      runas: www-data\n',
    );
    const { appspec: read } = await readRevisionAppSpec(archive, instance, 'hooks');
    expect(read.hooks).toEqual({
      AfterInstall: [{ location: 'scripts/start.sh', timeout: 3600, runas: 'www-data' }],
    });
  });

  it('fails with the agent’s message where the agent refuses the appspec (application_specification.rb)', async () => {
    await appspec('version: "0.0"\nos: linux\n');
    await expect(readRevisionAppSpec(archive, instance, 'hooks')).rejects.toThrow(
      'The deployment failed because an invalid version value (0.0) was entered in the application specification file.',
    );
    await appspec('version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - timeout: 5\n');
    await expect(readRevisionAppSpec(archive, instance, 'hooks')).rejects.toThrow(
      'The deployment failed because the application specification file specifies a script with no location value.',
    );
  });

  it('is a Linux agent: os windows is an unsupported operating system (linux_util.rb supported_oses)', async () => {
    await appspec('version: 0.0\nos: windows\n');
    await expect(readRevisionAppSpec(archive, instance, 'hooks')).rejects.toThrow(
      'specifies an unsupported operating system (windows)',
    );
  });

  it('reads appspec.yml only for the hooks, appspec.yaml too for Install (hook_executor.rb, command_executor.rb)', async () => {
    await appspec('version: 0.0\nos: linux\n', 'appspec.yaml');
    await expect(readRevisionAppSpec(archive, instance, 'hooks')).rejects.toThrow(
      'The CodeDeploy agent did not find an AppSpec file within the unpacked revision directory at revision-relative path ' +
        '"appspec.yml". The revision was unpacked to directory "/opt/codedeploy-agent/deployment-root/g/d-1/deployment-archive"',
    );
    expect((await readRevisionAppSpec(archive, instance, 'install')).appspec.os).toBe('linux');
  });

  it('knows from the file what will fail the Install event', async () => {
    await appspec('version: 0.0\nos: linux\nfiles:\n  - source: web\n    destination: /srv\n');
    const { installFailure } = await readRevisionAppSpec(archive, instance, 'install');
    expect(installFailure).toMatch(/^appspec\.yml:4:13: source "web" is not in the bundle/);
  });
});
