import { describe, expect, it } from 'vitest';
import { parseAppSpec } from '../../src/local/agent/appspec.js';

describe('the agent’s appspec reader', () => {
  it('reads files, permissions, hooks and file_exists_behavior with the agent’s defaults', () => {
    const spec = parseAppSpec(
      [
        'version: 0.0',
        'os: linux',
        'file_exists_behavior: RETAIN',
        'files:',
        '  - source: /',
        '    destination: /var/www/app',
        'permissions:',
        '  - object: /var/www/app',
        '    mode: 644',
        'hooks:',
        '  AfterInstall:',
        '    - location: scripts/a.sh',
        '      runas: www-data',
        '    - location: scripts/b.sh',
        '      timeout: 30',
      ].join('\n'),
    );
    expect(spec.fileExistsBehavior).toBe('RETAIN');
    expect(spec.files).toEqual([{ source: '/', destination: '/var/www/app' }]);
    expect(spec.permissions).toEqual([
      { object: '/var/www/app', pattern: '**', except: [], type: ['file', 'directory'], mode: '644' },
    ]);
    expect(spec.hooks.get('AfterInstall')).toEqual([
      { location: 'scripts/a.sh', timeoutSeconds: 3600, runas: 'www-data' },
      { location: 'scripts/b.sh', timeoutSeconds: 30 },
    ]);
  });

  it.each([
    ['version: "0.0"\nos: linux', 'invalid version value (0.0)'],
    ['version: 0.0\nos: windows', 'unsupported operating system (windows)'],
    [
      'version: 0.0\nos: linux\nhooks:\n  AfterDeploy:\n    - location: a.sh',
      'unknown lifecycle events: [AfterDeploy]',
    ],
    ['version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - timeout: 5', 'script with no location value'],
    [
      'version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 0',
      'invalid timeout value',
    ],
    [
      'version: 0.0\nos: linux\nfile_exists_behavior: MERGE',
      'invalid option was specified for file_exists_behavior: MERGE',
    ],
    ['version: 0.0\nos: linux\nfiles:\n  - source: a', 'needs both a source and a destination'],
    [
      'version: 0.0\nos: linux\npermissions:\n  - mode: 644',
      'permission listed in the application specification file has no object',
    ],
    ['version: 0.0\nos: linux\nkey: [unclosed', 'not valid YAML'],
  ])('refuses %j', (text, message) => {
    expect(() => parseAppSpec(text)).toThrow(message);
  });
});
