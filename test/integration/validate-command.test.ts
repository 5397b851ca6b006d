import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/commands/command.js';
import validate from '../../src/commands/validate.js';
import { UserError } from '../../src/core/problems.js';

// The command resolves the config and revision.source against the working directory (the workspace).
let workspace: string;
let cwd: string;

beforeEach(async () => {
  cwd = process.cwd();
  workspace = await mkdtemp(join(tmpdir(), 'validate-'));
  await mkdir(join(workspace, 'app/scripts'), { recursive: true });
  await writeFile(join(workspace, 'app/scripts/start.sh'), '#!/bin/sh\n');
  await chmod(join(workspace, 'app/scripts/start.sh'), 0o755);
  process.chdir(workspace);
});
afterEach(async () => {
  process.chdir(cwd);
  vi.restoreAllMocks();
  await rm(workspace, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const code = await validate(argv);
    return { code, stdout: chunks.join('') };
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
  }
}

const appspec = (hook: string) =>
  `version: 0.0\nos: linux\nhooks:\n  ${hook}:\n    - location: scripts/start.sh\n      timeout: 60\n`;

describe('validate command', () => {
  it('exits 0 and says ok for a valid appspec', async () => {
    await writeFile(join(workspace, 'app/appspec.yml'), appspec('ApplicationStart'));
    expect(await run(['--source', 'app'])).toEqual({ code: 0, stdout: 'app/appspec.yml: ok\n' });
  });

  it('exits 0 with warnings printed', async () => {
    await writeFile(join(workspace, 'app/appspec.yml'), appspec('ApplicationStart'));
    await chmod(join(workspace, 'app/scripts/start.sh'), 0o644);
    const { code, stdout } = await run(['--source', 'app']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^app\/appspec\.yml:5:17: warning: script not executable: scripts\/start\.sh \(/);
    expect(stdout).toMatch(/\napp\/appspec\.yml: 1 warning\n$/);
  });

  it('exits 1 and lists every error and warning as PATH:LINE:COL: message (hint)', async () => {
    await writeFile(
      join(workspace, 'app/appspec.yml'),
      `version: 2\n${appspec('Install').slice(13)}  ValidateService:\n    - location: scripts/check.sh\n`,
    );
    const { code, stdout } = await run(['--source', 'app']);
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      'app/appspec.yml:1:10: version must be 0.0, found 2 (write version: 0.0, the only AppSpec version)',
      expect.stringMatching(
        /^app\/appspec\.yml:4:3: warning: Install runs no scripts: .* \(run the script in BeforeInstall or AfterInstall\)$/,
      ),
      expect.stringMatching(/^app\/appspec\.yml:8:17: script "scripts\/check\.sh" is not in the bundle \(/),
      'app/appspec.yml: 2 errors, 1 warning; on an instance the deployment fails at BeforeInstall (UnknownError)',
      '',
    ]);
  });

  it('says at which event the agent fails a revision whose appspec it reads', async () => {
    await writeFile(
      join(workspace, 'app/appspec.yml'),
      `${appspec('AfterInstall')}  ValidateService:\n    - location: scripts/missing.sh\n`,
    );
    const { code, stdout } = await run(['--source', 'app']);
    expect(code).toBe(1);
    expect(stdout.split('\n').at(-2)).toBe(
      'app/appspec.yml: 1 error; on an instance the deployment fails at ValidateService (ScriptMissing)',
    );
  });

  it('takes the folder from revision.source of the config', async () => {
    await writeFile(join(workspace, 'app/appspec.yml'), appspec('ApplicationStart'));
    await mkdir(join(workspace, '.github'));
    await writeFile(
      join(workspace, '.github/codedeploy.yml'),
      'application: web\nrevision:\n  bucket: web-artifacts\n  source: app\n',
    );
    expect(await run([])).toEqual({ code: 0, stdout: 'app/appspec.yml: ok\n' });
    await writeFile(join(workspace, 'other.yml'), 'application: web\nrevision: { bucket: web-artifacts }\n');
    const { code, stdout } = await run(['--config', 'other.yml']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^\.: no appspec\.yml at the root of \. \(it is in app: set revision\.source/);
  });

  it('reads revision.archive from the config, or --archive, from the archive itself', async () => {
    await writeFile(join(workspace, 'app/appspec.yml'), appspec('ApplicationStart'));
    await mkdir(join(workspace, 'build'));
    execFileSync('zip', ['-qry', '../build/app.zip', '.'], { cwd: join(workspace, 'app') });
    execFileSync('tar', ['-czf', 'build/broken.tgz', '--exclude', './scripts', '-C', 'app', '.']);
    await mkdir(join(workspace, '.github'));
    await writeFile(
      join(workspace, '.github/codedeploy.yml'),
      'application: web\nrevision:\n  bucket: web-artifacts\n  archive: build/app.zip\n',
    );
    expect(await run([])).toEqual({ code: 0, stdout: 'build/app.zip/appspec.yml: ok\n' });
    const { code, stdout } = await run(['--archive', 'build/broken.tgz']);
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^build\/broken\.tgz\/appspec\.yml:5:17: script "scripts\/start\.sh" is not in the bundle/,
      ),
      'build/broken.tgz/appspec.yml: 1 error; on an instance the deployment fails at ApplicationStart (ScriptMissing)',
      '',
    ]);
    await expect(run(['--archive', 'build/app.bin'])).rejects.toThrow(
      new UsageError('say the format of build/app.bin with --bundle-type zip|tgz|tar'),
    );
  });

  it('checks the checked-out commit for GitHub revisions, as GitHub serves it', async () => {
    await writeFile(
      join(workspace, 'appspec.yml'),
      appspec('ApplicationStart').replace('scripts/', 'app/scripts/'),
    );
    await mkdir(join(workspace, '.github'));
    await writeFile(
      join(workspace, '.github/codedeploy.yml'),
      'application: web\nrevision:\n  type: github\n',
    );
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: workspace });
    git('init', '-q');
    git('add', '.github', 'appspec.yml');
    git('commit', '-qm', 'without the script');
    // The script is in the working tree, not in the commit GitHub will serve.
    const { code, stdout } = await run([]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^appspec\.yml:5:17: script "app\/scripts\/start\.sh" is not in the bundle/);
    git('add', 'app');
    git('commit', '-qm', 'with it');
    expect(await run([])).toEqual({ code: 0, stdout: 'appspec.yml: ok\n' });
  });

  it('fails with the config location when the config is missing or revision.source is wrong', async () => {
    await expect(run([])).rejects.toThrow(UserError);
    await expect(run([])).rejects.toThrow(/^\.github\/codedeploy\.yml: config file not found \(.*--config/);
    await writeFile(
      join(workspace, 'c.yml'),
      'application: web\nrevision:\n  bucket: web-artifacts\n  source: [app]\n',
    );
    await expect(run(['--config', 'c.yml'])).rejects.toThrow(
      /^c\.yml:4:11: revision › source must be a string/,
    );
  });

  it.each([
    ['an unknown option', ['--sauce', 'app']],
    ['a positional argument', ['app']],
    ['an option without its value', ['--source']],
    ['both --config and --source', ['--config', 'c.yml', '--source', 'app']],
    ['both --source and --archive', ['--source', 'app', '--archive', 'a.zip']],
    ['--bundle-type without --archive', ['--bundle-type', 'zip']],
  ])('is a usage error (exit 2) with %s', async (_, argv) => {
    await expect(run(argv)).rejects.toThrow(UsageError);
  });
});
