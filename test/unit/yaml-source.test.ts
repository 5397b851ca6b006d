import { describe, expect, it } from 'vitest';
import { parseYamlSource, quotePlaceholders } from '../../src/core/yaml-source.js';

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

  it('reports an unclosed quote where it opened, not at the end of the file', () => {
    const { problems } = parseYamlSource("a: 1\nb: 'x\nc: 2\nd: 3\n", 'q.yml');
    expect(problems).toEqual([
      {
        severity: 'error',
        message: "YAML syntax: the ' opened here is never closed, so the value runs to the end of the file",
        location: { file: 'q.yml', line: 2, col: 4 },
        hint: "end the value with ' on this line",
      },
    ]);
  });

  it('with placeholders, reads an unquoted {name} as the text it was meant to be, with an error', () => {
    const text = 'a: {branch}\nb: [x, {pr}]\nc: { from: s }\n';
    const { source, problems } = parseYamlSource(text, 'p.yml', { placeholders: true });
    expect(source.value).toEqual({ a: '{branch}', b: ['x', '{pr}'], c: { from: 's' } });
    expect(problems.map((p) => [p.location?.line, p.location?.col, p.hint])).toEqual([
      [1, 4, "quote values that hold {placeholders}: write a: '{branch}'"],
      [2, 8, "quote values that hold {placeholders}: write b: [x, '{pr}']"],
    ]);
    expect(source.locate(['b', 1])).toEqual({ file: 'p.yml', line: 2, col: 8 });
    // Files without placeholders (the appspec) keep YAML's reading.
    const plain = parseYamlSource(text, 'p.yml');
    expect(plain.problems).toEqual([]);
    expect(plain.source.value).toMatchObject({ a: { branch: null } });
  });

  it.each([
    ["  'feature/*': {branch}-preview", "  'feature/*': '{branch}-preview'"],
    ['  develop: [a, pr-{pr}, "q-{pr}"]', `  develop: [a, 'pr-{pr}', "q-{pr}"]`],
    ['  url: https://{name}.example.com # c', "  url: 'https://{name}.example.com' # c"],
    ['  - {name}', "  - '{name}'"],
    ['  master: production', '  master: production'],
  ])('quotes the placeholders of %j', (line, quoted) => {
    expect(quotePlaceholders(line)).toBe(quoted);
  });
});
