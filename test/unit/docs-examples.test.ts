import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { formatProblem } from '../../src/core/problems.js';

// The config examples a user copies must stay valid as the schema changes.
const examples = ['README.md', 'docs/config.md'].flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .filter((block) => /^application:/m.test(block))
    .map((block, index) => ({ name: `${file} example ${index + 1}`, text: block })),
);
examples.push({ name: 'examples/codedeploy.yml', text: readFileSync('examples/codedeploy.yml', 'utf8') });

describe('documented config examples are valid', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples)('$name', ({ name, text }) => {
    const { problems } = parseConfig(text, name);
    expect(problems.map(formatProblem)).toEqual([]);
  });
});
