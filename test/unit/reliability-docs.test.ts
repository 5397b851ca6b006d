import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_MATRIX, SCENARIOS } from '../helpers/fault-matrix.js';
import { AMBIGUOUS_FAULTS } from '../helpers/fault-proxy.js';

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
    expect(doc).toContain(`**bad inputs: ${total}, each refused or skipped as`);
    expect(doc).toContain(`${rootOnly} of them only runs as root`);
    expect(doc).toMatch(new RegExp(`\\| ${configCases.length} +\\| exit 1 before any AWS call`));
    expect(doc).toMatch(new RegExp(`\\| ${appspecErrors.length} +\\| exit 1 before anything is uploaded`));
  });

  it('heads each list of the action’s cases with its size', () => {
    for (const kind of ['bundle', 'inputs', 'events'])
      expect(doc).toContain(
        `#### ${kind} (${actionCases.filter((name) => name.startsWith(`${kind} ›`)).length})`,
      );
  });

  it('names the config corpus’s first and last case', () => {
    const [first, last] = [configCases.sort()[0], configCases.sort().at(-1)];
    expect(doc).toContain(`\`config › ${first}\` … \`config › ${last}\``);
  });
});

/** Tree cases that need root to be made (a device file): skipped, not refused, elsewhere. */
const rootOnly = (
  JSON.parse(readFileSync(join(CORPUS, 'action', 'bundle-trees.json'), 'utf8')) as Array<{
    tree: Record<string, unknown>;
  }>
).filter((c) => Object.values(c.tree).includes('chardev')).length;

describe('docs/reliability.md on the fault tests', () => {
  it('states the size of the fault matrix and lists each operation and kind', () => {
    expect(FAULT_MATRIX).toHaveLength(SCENARIOS.length * AMBIGUOUS_FAULTS.length);
    expect(doc).toContain(
      `**${FAULT_MATRIX.length} ambiguous answers** (${SCENARIOS.length}\noperations × ${AMBIGUOUS_FAULTS.length} kinds`,
    );
    expect(doc).toContain(
      `${SCENARIOS.length} operations × ${AMBIGUOUS_FAULTS.length}\nkinds = ${FAULT_MATRIX.length} runs`,
    );
    for (const { operation } of SCENARIOS) expect(doc).toMatch(new RegExp(`^\\| ${operation} +\\|`, 'm'));
    for (const kind of AMBIGUOUS_FAULTS) expect(doc).toContain(`\`${kind}\``);
  });

  it('states how many cancels are tested', () => {
    const cancels = readFileSync('test/e2e/cancel.test.ts', 'utf8').match(/^\s+it\(/gm) ?? [];
    expect(doc).toContain(`**${cancels.length} cancels**`);
  });
});
