import { describe, expect, it } from 'vitest';
import {
  APPSPEC_MAX_BYTES,
  type AppSpecResult,
  checkFoundAppSpec,
  findAppSpec,
  validateAppSpec,
} from '../../src/bundle/appspec/index.js';
import { type AppSpecCase, agentVerdict, caseBundle, corpusCases } from '../helpers/appspec-corpus.js';
import { memoryBundle } from '../helpers/memory-bundle.js';

function checkCase(name: string): { spec: AppSpecCase; result: AppSpecResult } {
  const { spec, text } = corpusCases.get(name)!;
  const found = findAppSpec(memoryBundle(caseBundle(spec)), '.');
  const result =
    found.path === undefined ? { problems: found.problems } : checkFoundAppSpec(found, text, found.path);
  return { spec, result };
}

describe('appspec corpus', () => {
  const names = [...corpusCases.keys()];

  it('holds at least 30 broken appspecs', () => {
    const broken = names.filter((name) => checkCase(name).spec.problems.some((p) => p.severity === 'error'));
    expect(broken.length).toBeGreaterThanOrEqual(30);
  });

  it.each(names.map((name) => [name, corpusCases.get(name)!.spec.rule]))('%s (%s)', (name) => {
    const { spec, result } = checkCase(name);
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
    // The verdict the agent's source gives, as the case states it, is the one the errors predict.
    expect(agentVerdict(result.problems)).toEqual(spec.agent);
    const refused = result.problems.some((p) => p.agent?.at === 'read');
    expect(result.appspec === undefined).toBe(refused);
    if (spec.problems.every((p) => !p.folder)) expect(result.refusal === undefined).toBe(!refused);
  });
});

describe('the AppSpec model', () => {
  it('keeps locations as written and fills the defaults the agent uses', () => {
    const { appspec } = checkCase('valid-linux-full').result;
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
          acls: [
            { text: 'u:deploy:rwx', default: false, type: 'user', name: 'deploy' },
            { text: 'd:g:web:rx', default: true, type: 'group', name: 'web' },
          ],
          context: { type: 'httpd_sys_content_t', user: 'system_u', range: 's0-s0:c0.c1023' },
        },
        { object: '/opt/app/index.js', pattern: '**', except: [], type: ['file'], mode: '644' },
      ],
      hooks: {
        ApplicationStop: [{ location: 'scripts/stop.sh', timeout: 60 }],
        AfterInstall: [{ location: '/scripts/start.sh', timeout: 120 }],
        ApplicationStart: [{ location: './scripts/start.sh', timeout: 300, runas: 'ec2-user' }],
        ValidateService: [{ location: 'scripts/start.sh', timeout: 3600 }],
      },
    });
  });

  it('reads Windows paths with backslashes, whatever their case', () => {
    const { appspec } = checkCase('valid-windows').result;
    expect(appspec?.files).toEqual([{ source: '', destination: 'C:\\inetpub\\wwwroot' }]);
    expect(appspec?.hooks.BeforeInstall).toEqual([{ location: 'scripts\\before-install.bat', timeout: 900 }]);
    expect(appspec?.permissions).toEqual([]);
  });

  it('accepts version 0, 0.0 and 0.00 alike (application_specification.rb compares with [0.0].include?)', () => {
    const tree = memoryBundle({});
    for (const version of ['0', '0.0', '0.00']) {
      const { problems } = validateAppSpec({ text: `version: ${version}\nos: linux\n`, file: 'a.yml', tree });
      expect(problems).toEqual([]);
    }
  });
});

describe('the YAML the agent reads (Psych, YAML 1.1)', () => {
  const source = (value: string) =>
    validateAppSpec({
      text: `version: 0.0\nos: linux\nfiles:\n  - source: ${value}\n    destination: /srv\n`,
      file: 'a.yml',
      tree: memoryBundle({ '00010358': 'file', '08': 'file', y: 'file', '1e3': 'file' }),
    });

  it.each(['00010358', '08', 'y', '1e3'])(
    'reads the plain scalar %s as text, as scalar_scanner.rb does',
    (value) => {
      const { problems, appspec } = source(value);
      expect(problems).toEqual([]);
      expect(appspec?.files).toEqual([{ source: value, destination: '/srv' }]);
    },
  );

  it.each([
    ['0644', 'octal', 420],
    ['1,000', 'with a comma', 1000],
    ['0x10', 'hexadecimal', 16],
  ])('reads %s (%s) as a number, as scalar_scanner.rb does', (value, _, number) => {
    const { problems } = validateAppSpec({
      text: `version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: ${value}\n`,
      file: 'a.yml',
      tree: memoryBundle({ 'a.sh': 'exec' }),
    });
    expect(problems.map((p) => p.message)).toEqual([
      `timeout ${value} is read by the agent as ${number} seconds`,
    ]);
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
    const text = 'version: 0.0\nos: [linux\nhooks: {a\n';
    const { problems, refusal } = validateAppSpec({ text, file: 'a.yml', tree: memoryBundle({}) });
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.every((p) => p.message.startsWith('YAML syntax'))).toBe(true);
    expect(refusal).toMatch(/^\(<unknown>\): /);
  });
});

describe('findAppSpec (command_executor.rb unpack_bundle, hook_executor.rb parse_app_spec)', () => {
  it('finds appspec.yml at the root', () => {
    expect(findAppSpec(memoryBundle({ 'appspec.yml': 'file' }), 'app')).toMatchObject({
      path: 'appspec.yml',
      problems: [],
    });
  });

  it('accepts a symlinked appspec that stays in the bundle', () => {
    const tree = memoryBundle({ 'appspec.yml': '-> deploy/appspec.yml', 'deploy/appspec.yml': 'file' });
    expect(findAppSpec(tree, 'app').path).toBe('appspec.yml');
  });

  it('looks inside a single top folder holding an appspec, which the agent strips', () => {
    const found = findAppSpec(
      memoryBundle({ 'repo-main/appspec.yml': 'file', 'repo-main/x': 'file' }),
      'app',
    );
    expect(found.path).toBe('repo-main/appspec.yml');
    expect(found.tree.node('x')?.type).toBe('file');
    expect(found.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('which the agent strips'),
      }),
    ]);
  });

  it('finds a name that differs in case only, for the Windows agent to read', () => {
    expect(findAppSpec(memoryBundle({ 'AppSpec.yml': 'file' }), 'app')).toMatchObject({
      path: 'AppSpec.yml',
      miscased: true,
    });
  });

  it.each([
    ['neither', { 'index.js': 'file' }, /no appspec\.yml at the root of app$/, /revision\.source/],
    [
      'only appspec.yaml',
      { 'appspec.yaml': 'file' },
      /only appspec\.yaml .* fails at BeforeInstall/,
      /rename it/,
    ],
    [
      'one folder down, beside other files',
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
    const { path, problems } = findAppSpec(memoryBundle(bundle), 'app');
    expect(path).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      severity: 'error',
      location: { file: 'app' },
      agent: { at: 'read' },
    });
    expect(problems[0]?.message).toMatch(message);
    expect(problems[0]?.hint).toMatch(hint);
  });
});
