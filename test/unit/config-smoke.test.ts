import { expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';

it('validates through the build-time compiled schema', () => {
  const { problems } = parseConfig('application: a\nrevision: {bukket: x}\n', 'c.yml');
  expect(problems[0]?.message).toContain('unknown key "bukket"');
});
