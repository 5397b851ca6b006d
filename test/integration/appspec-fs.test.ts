import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPSPEC_MAX_BYTES } from '../../src/bundle/appspec/index.js';
import { loadAppSpecFromDir } from '../../src/bundle/appspec-fs.js';
import { formatProblem } from '../../src/core/problems.js';

const APPSPEC = [
  'version: 0.0',
  'os: linux',
  'files:',
  '  - source: /',
  '    destination: /var/www/app',
  'hooks:',
  '  ApplicationStart:',
  '    - location: scripts/start.sh',
  '      timeout: 60',
  '',
].join('\n');

let outer: string;
let bundle: string;

beforeEach(async () => {
  outer = await mkdtemp(join(tmpdir(), 'appspec-fs-'));
  bundle = join(outer, 'bundle');
  await mkdir(join(bundle, 'scripts'), { recursive: true });
});
afterEach(async () => {
  await rm(outer, { recursive: true, force: true });
});

async function script(path: string, mode: number): Promise<void> {
  await writeFile(join(bundle, path), '#!/bin/sh\nexit 0\n');
  await chmod(join(bundle, path), mode);
}

const texts = (problems: Array<Parameters<typeof formatProblem>[0]>) => problems.map(formatProblem);

describe('loadAppSpecFromDir', () => {
  it('loads a valid bundle into the model', async () => {
    await writeFile(join(bundle, 'appspec.yml'), APPSPEC);
    await script('scripts/start.sh', 0o755);
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(loaded.problems).toEqual([]);
    expect(loaded.file).toBe('bundle/appspec.yml');
    expect(loaded.appspec?.hooks.ApplicationStart).toEqual([{ location: 'scripts/start.sh', timeout: 60 }]);
  });

  it('warns once about the scripts without the executable bit, which the agent chmods (hook_executor.rb)', async () => {
    await writeFile(
      join(bundle, 'appspec.yml'),
      `${APPSPEC}  ValidateService:\n    - location: scripts/check.sh\n    - location: scripts/start.sh\n`,
    );
    await script('scripts/start.sh', 0o644);
    await script('scripts/check.sh', 0o640);
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([
      'bundle/appspec.yml:8:17: warning: scripts not executable: scripts/start.sh, scripts/check.sh (the agent makes ' +
        'them executable before running, but commit them so: chmod +x scripts/start.sh scripts/check.sh && ' +
        'git update-index --chmod=+x scripts/start.sh scripts/check.sh)',
    ]);
    expect(loaded.appspec).toBeDefined();
  });

  it('reports a missing script and a missing source with their positions, and where the agent fails', async () => {
    await writeFile(join(bundle, 'appspec.yml'), APPSPEC.replace('source: /', 'source: web'));
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([
      expect.stringMatching(/^bundle\/appspec\.yml:4:13: source "web" is not in the bundle/),
      expect.stringMatching(/^bundle\/appspec\.yml:8:17: script "scripts\/start\.sh" is not in the bundle/),
    ]);
    expect(loaded.problems.map((p) => p.agent)).toEqual([
      { at: 'install' },
      { at: 'script', event: 'ApplicationStart', errorCode: 'ScriptMissing' },
    ]);
    // The agent reads this appspec: it fails later, at Install.
    expect(loaded.appspec?.files).toEqual([{ source: 'web', destination: '/var/www/app' }]);
  });

  it('follows a symlink that stays inside the bundle', async () => {
    await writeFile(join(bundle, 'appspec.yml'), APPSPEC);
    await script('scripts/real-start.sh', 0o755);
    await symlink('real-start.sh', join(bundle, 'scripts/start.sh'));
    expect((await loadAppSpecFromDir(bundle, 'bundle')).problems).toEqual([]);
  });

  it('refuses a script that is a symlink out of the bundle', async () => {
    await writeFile(join(bundle, 'appspec.yml'), APPSPEC);
    await writeFile(join(outer, 'start.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await symlink('../../start.sh', join(bundle, 'scripts/start.sh'));
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([
      expect.stringMatching(/:8:17: script "scripts\/start\.sh" is a symlink that leads out of the bundle/),
    ]);
  });

  it('refuses a script reached through a symlinked folder outside the bundle', async () => {
    await writeFile(join(bundle, 'appspec.yml'), APPSPEC);
    await mkdir(join(outer, 'shared'));
    await writeFile(join(outer, 'shared/start.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await rm(join(bundle, 'scripts'), { recursive: true });
    await symlink('../shared', join(bundle, 'scripts'));
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([expect.stringMatching(/:8:17: .*leads out of the bundle/)]);
  });

  it('refuses a dangling symlink', async () => {
    await writeFile(join(bundle, 'appspec.yml'), APPSPEC);
    await symlink('gone.sh', join(bundle, 'scripts/start.sh'));
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([expect.stringMatching(/:8:17: .*is a symlink to nothing/)]);
  });

  it('refuses appspec.yaml alone: the hooks read appspec.yml only (hook_executor.rb parse_app_spec)', async () => {
    await writeFile(join(bundle, 'appspec.yaml'), 'version: 0.0\nos: linux\n');
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([
      "bundle: only appspec.yaml at the root of bundle: the agent's hooks read appspec.yml, so the deployment fails at " +
        'BeforeInstall (rename it to appspec.yml)',
    ]);
    expect(loaded.file).toBeUndefined();
  });

  it('warns about appspec.yaml beside appspec.yml, which the agent reads', async () => {
    await writeFile(join(bundle, 'appspec.yml'), 'version: 0.0\nos: linux\n');
    await writeFile(join(bundle, 'appspec.yaml'), 'version: 0.0\nos: linux\n');
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([
      expect.stringMatching(/^bundle: warning: both appspec\.yml and appspec\.yaml .* ignores appspec\.yaml/),
    ]);
    expect(loaded.file).toBe('bundle/appspec.yml');
  });

  it('reads the appspec of a single top folder, which the agent strips (command_executor.rb unpack_bundle)', async () => {
    await rm(join(bundle, 'scripts'), { recursive: true });
    await mkdir(join(bundle, 'repo-main/scripts'), { recursive: true });
    await writeFile(join(bundle, 'repo-main/appspec.yml'), APPSPEC);
    await writeFile(join(bundle, 'repo-main/scripts/start.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([
      expect.stringMatching(
        /^bundle: warning: everything in bundle is in the folder repo-main, which the agent strips/,
      ),
    ]);
    expect(loaded.file).toBe('bundle/repo-main/appspec.yml');
  });

  it('finds AppSpec.yml for a Windows appspec, not for a Linux one', async () => {
    await writeFile(join(bundle, 'AppSpec.yml'), 'version: 0.0\nos: windows\n');
    const windows = await loadAppSpecFromDir(bundle, 'bundle');
    expect(windows.problems.map((p) => p.severity)).toEqual(['warning']);
    expect(windows.appspec?.os).toBe('windows');
    await writeFile(join(bundle, 'AppSpec.yml'), 'version: 0.0\nos: linux\n');
    const linux = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(linux.problems)).toEqual([
      'bundle/AppSpec.yml: no appspec.yml, but there is AppSpec.yml (rename it to appspec.yml: the agent looks for the lower-case name)',
    ]);
    expect(linux.appspec).toBeUndefined();
  });

  it('points at the folder that holds the appspec when it is one level down', async () => {
    await mkdir(join(bundle, 'deploy'));
    await writeFile(join(bundle, 'deploy/appspec.yml'), 'version: 0.0\nos: linux\n');
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([
      expect.stringMatching(
        /^bundle: no appspec\.yml at the root of bundle \(it is in bundle\/deploy: set revision\.source/,
      ),
    ]);
  });

  it('refuses an appspec over 1 MiB without parsing it', async () => {
    await writeFile(join(bundle, 'appspec.yml'), `version: 0.0\nos: [\n${' '.repeat(APPSPEC_MAX_BYTES)}`);
    const loaded = await loadAppSpecFromDir(bundle, 'bundle');
    expect(texts(loaded.problems)).toEqual([
      expect.stringMatching(/^bundle\/appspec\.yml: the appspec is 1\.0 MiB/),
    ]);
  });

  it('reports a 0-byte appspec and one that is not UTF-8', async () => {
    await writeFile(join(bundle, 'appspec.yml'), '');
    expect(texts((await loadAppSpecFromDir(bundle, 'bundle')).problems)).toEqual([
      expect.stringMatching(/^bundle\/appspec\.yml: the appspec is empty/),
    ]);
    await writeFile(join(bundle, 'appspec.yml'), Buffer.from([0x76, 0x65, 0xff, 0xfe, 0x0a]));
    expect(texts((await loadAppSpecFromDir(bundle, 'bundle')).problems)).toEqual([
      expect.stringMatching(/^bundle\/appspec\.yml: the appspec is not UTF-8 text/),
    ]);
  });

  it('reports a source folder that does not exist', async () => {
    const loaded = await loadAppSpecFromDir(join(outer, 'nope'), 'nope');
    expect(texts(loaded.problems)).toEqual([
      expect.stringMatching(/^nope: folder nope does not exist \(.*revision\.source/),
    ]);
  });

  it('shows paths relative to the working directory when the folder is under it', async () => {
    await writeFile(join(bundle, 'appspec.yml'), 'version: 0.0\nos: linux\nhooks:\n  Install: []\n');
    const cwd = process.cwd();
    try {
      process.chdir(outer);
      expect(texts((await loadAppSpecFromDir(bundle)).problems)).toEqual([
        expect.stringMatching(/^bundle\/appspec\.yml:4:3: warning: Install runs no scripts/),
      ]);
      process.chdir(bundle);
      expect((await loadAppSpecFromDir('.')).problems[0]?.location?.file).toBe('appspec.yml');
    } finally {
      process.chdir(cwd);
    }
  });
});
