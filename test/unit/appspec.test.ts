import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPSPEC_MAX_BYTES, findAppSpec, validateAppSpec } from '../../src/bundle/appspec.js';
import { type MemoryBundle, memoryBundle } from '../helpers/memory-bundle.js';

interface Case {
  bundle: MemoryBundle;
  problems: Array<{
    severity: 'error' | 'warning';
    line: number | null;
    col: number | null;
    message: string;
    hint?: string;
  }>;
}

const corpus = join(import.meta.dirname, '../corpus/appspec');
const cases = readdirSync(corpus, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function validateCase(name: string) {
  const spec = JSON.parse(readFileSync(join(corpus, name, 'case.json'), 'utf8')) as Case;
  const text = readFileSync(join(corpus, name, 'appspec.yml'), 'utf8');
  return { spec, result: validateAppSpec({ text, file: 'appspec.yml', tree: memoryBundle(spec.bundle) }) };
}

describe('appspec corpus', () => {
  it('holds at least 30 broken appspecs', () => {
    const broken = cases.filter((name) =>
      validateCase(name).spec.problems.some((p) => p.severity === 'error'),
    );
    expect(broken.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', (name) => {
    const { spec, result } = validateCase(name);
    const actual = result.problems.map((p) => ({
      severity: p.severity,
      line: p.location?.line ?? null,
      col: p.location?.col ?? null,
      message: p.message,
      hint: p.hint ?? '',
    }));
    expect(actual).toEqual(
      spec.problems.map((p) => ({
        severity: p.severity,
        line: p.line,
        col: p.col,
        message: expect.stringContaining(p.message),
        hint: expect.stringContaining(p.hint ?? ''),
      })),
    );
    const hasErrors = spec.problems.some((p) => p.severity === 'error');
    expect(result.appspec === undefined).toBe(hasErrors);
  });
});

describe('the AppSpec model', () => {
  it('normalizes paths and fills the defaults the agent uses', () => {
    const { appspec } = validateCase('valid-linux-full').result;
    expect(appspec).toEqual({
      version: '0.0',
      os: 'linux',
      files: [
        { source: '', destination: '/var/www/app' },
        { source: 'app/index.js', destination: '/opt/app' },
      ],
      fileExistsBehavior: 'OVERWRITE',
      permissions: [
        {
          object: '/var/www/app',
          pattern: '**',
          except: ['logs'],
          type: ['directory'],
          owner: 'www-data',
          group: 'www-data',
          mode: '0755',
          acls: ['u:deploy:rwx', 'd:g:web:rx'],
          context: { type: 'httpd_sys_content_t', user: 'system_u', range: 's0-s0:c0.c1023' },
        },
        { object: '/var/www/app/index.js', pattern: '**', except: [], type: ['file'], mode: '644' },
      ],
      hooks: {
        ApplicationStop: [{ location: 'scripts/stop.sh', timeout: 60 }],
        AfterInstall: [{ location: 'scripts/start.sh', timeout: 120 }],
        ApplicationStart: [{ location: 'scripts/start.sh', timeout: 300, runas: 'ec2-user' }],
        ValidateService: [{ location: 'scripts/start.sh', timeout: 3600 }],
      },
    });
  });

  it('reads Windows paths with backslashes', () => {
    const { appspec } = validateCase('valid-windows').result;
    expect(appspec?.files).toEqual([{ source: '', destination: 'C:\\inetpub\\wwwroot' }]);
    expect(appspec?.hooks.BeforeInstall).toEqual([{ location: 'scripts/before-install.bat', timeout: 900 }]);
    expect(appspec?.permissions).toEqual([]);
  });

  it('accepts version 0 and 0.0 alike (YAML reads both as the number 0)', () => {
    const tree = memoryBundle({});
    for (const version of ['0', '0.0', '0.00']) {
      const { problems } = validateAppSpec({ text: `version: ${version}\nos: linux\n`, file: 'a.yml', tree });
      expect(problems).toEqual([]);
    }
  });
});

describe('validateAppSpec limits', () => {
  it('refuses an appspec over 1 MiB before parsing it', () => {
    const text = `version: 0.0\nos: linux\n#${'x'.repeat(APPSPEC_MAX_BYTES)}\n`;
    const { problems, appspec } = validateAppSpec({ text, file: 'app/appspec.yml', tree: memoryBundle({}) });
    expect(appspec).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.location).toEqual({ file: 'app/appspec.yml' });
    expect(problems[0]?.message).toMatch(/1\.0 MiB.*refused unread/);
  });

  it('reports every syntax error, not just the first', () => {
    const text = 'version: 0.0\nos: linux\nos: windows\nhooks: [a\n';
    const { problems } = validateAppSpec({ text, file: 'a.yml', tree: memoryBundle({}) });
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.every((p) => p.message.startsWith('YAML syntax'))).toBe(true);
  });
});

describe('findAppSpec', () => {
  it('finds appspec.yml or appspec.yaml at the root', () => {
    expect(findAppSpec(memoryBundle({ 'appspec.yml': 'file' }), 'app')).toEqual({
      name: 'appspec.yml',
      problems: [],
    });
    expect(findAppSpec(memoryBundle({ 'appspec.yaml': 'file', src: 'dir' }), '.').name).toBe('appspec.yaml');
  });

  it('accepts a symlinked appspec that stays in the bundle', () => {
    const tree = memoryBundle({ 'appspec.yml': '-> deploy/appspec.yml', 'deploy/appspec.yml': 'file' });
    expect(findAppSpec(tree, 'app').name).toBe('appspec.yml');
  });

  it.each([
    [
      'both names',
      { 'appspec.yml': 'file', 'appspec.yaml': 'file' },
      /both appspec\.yml and appspec\.yaml/,
      /delete one/,
    ],
    ['neither', { 'index.js': 'file' }, /no appspec\.yml at the root of app$/, /revision\.source/],
    ['a capitalized name', { 'AppSpec.yml': 'file' }, /there is AppSpec\.yml/, /rename it to appspec\.yml/],
    [
      'one folder down',
      { 'deploy/appspec.yml': 'file', 'README.md': 'file' },
      /no appspec\.yml at the root/,
      /it is in app\/deploy: set revision\.source/,
    ],
    [
      'a folder named appspec.yml',
      { 'appspec.yml/x': 'file' },
      /appspec\.yml at the root of app is not a file/,
      /commit appspec\.yml/,
    ],
    [
      'a symlink out of the bundle',
      { 'appspec.yml': '-> ../../appspec.yml' },
      /symlink to a file outside the bundle/,
      /commit appspec\.yml/,
    ],
    ['a dangling symlink', { 'appspec.yml': '-> nowhere.yml' }, /symlink to nothing/, /commit/],
  ] as const)('reports %s', (_, bundle, message, hint) => {
    const { name, problems } = findAppSpec(memoryBundle(bundle), 'app');
    expect(name).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', location: { file: 'app' } });
    expect(problems[0]?.message).toMatch(message);
    expect(problems[0]?.hint).toMatch(hint);
  });
});
