import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/core/yaml-source.js';

describe('parseYamlSource', () => {
  const text = [
    'application: app',
    'branches:',
    '  master: production',
    "  '10': ten",
    '  develop:',
    '    - a',
    '    - b',
    '',
  ].join('\n');
  const { source, problems } = parseYamlSource(text, 'cfg.yml');

  it('parses without problems', () => {
    expect(problems).toEqual([]);
  });

  it('locates values and keys by path', () => {
    expect(source.locate(['branches', 'master'])).toEqual({ file: 'cfg.yml', line: 3, col: 11 });
    expect(source.locateKey(['branches', 'master'])).toEqual({ file: 'cfg.yml', line: 3, col: 3 });
    expect(source.locate(['branches', 'develop', 1])).toEqual({ file: 'cfg.yml', line: 7, col: 7 });
  });

  it('falls back to the deepest existing ancestor', () => {
    expect(source.locate(['branches', 'develop', 'nothing'])).toEqual({ file: 'cfg.yml', line: 6, col: 5 });
  });

  it('lists entries in file order, integer-like keys included', () => {
    expect(source.entries(['branches']).map((e) => e.key)).toEqual(['master', '10', 'develop']);
  });

  it('reports syntax errors and duplicate keys with their position', () => {
    const dup = parseYamlSource('a: 1\na: 2\n', 'd.yml');
    expect(dup.problems[0]?.location).toEqual({ file: 'd.yml', line: 2, col: 1 });
    expect(dup.problems[0]?.hint).toMatch(/merge/);
  });
});
