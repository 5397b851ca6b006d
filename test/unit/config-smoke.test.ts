import { expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';

it('a malformed wait is the schema\'s error only, not also "is zero"', () => {
  const { problems } = parseConfig(
    'application: a\nrevision: {bucket: bucket-a}\ndefaults:\n  wait: 1m30\n',
    'c.yml',
  );
  expect(problems.map((p) => p.message)).toEqual(['defaults › wait cannot be "1m30"']);
});

it('validates through the build-time compiled schema', () => {
  const { problems } = parseConfig('application: a\nrevision: {bukket: x}\n', 'c.yml');
  expect(problems[0]?.message).toContain('unknown key "bukket"');
});
