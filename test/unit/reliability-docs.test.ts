import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** docs/reliability.md lists every bad-input case by name, and its headline count is the corpus's. */
const doc = readFileSync('docs/reliability.md', 'utf8');
const CORPUS = 'test/corpus';

const actionCases = (['bundle', 'inputs', 'events'] as const).flatMap((kind) => {
  const file = kind === 'bundle' ? 'bundle-trees.json' : `${kind}.json`;
  const cases = JSON.parse(readFileSync(join(CORPUS, 'action', file), 'utf8')) as Array<{ name: string }>;
  return cases.map((c) => `${kind} › ${c.name}`);
});
const configCases = readdirSync(join(CORPUS, 'config')).filter((name) => name.endsWith('.yml'));
const appspecErrors = readdirSync(join(CORPUS, 'appspec'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .filter((entry) =>
    (
      JSON.parse(readFileSync(join(CORPUS, 'appspec', entry.name, 'case.json'), 'utf8')) as {
        problems: Array<{ severity: string }>;
      }
    ).problems.some((p) => p.severity === 'error'),
  );

describe('docs/reliability.md', () => {
  it.each(actionCases)('lists %s', (name) => {
    expect(doc).toContain(`\`${name}\``);
  });

  it('states the corpus sizes', () => {
    const total = actionCases.length + configCases.length + appspecErrors.length;
    expect(doc).toContain(`**bad inputs tried: ${total},`);
    expect(doc).toMatch(new RegExp(`\\| ${configCases.length} +\\| exit 1 before any AWS call`));
    expect(doc).toMatch(new RegExp(`\\| ${appspecErrors.length} +\\| exit 1 before anything is uploaded`));
  });
});
