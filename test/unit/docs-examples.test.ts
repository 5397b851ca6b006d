import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { formatProblem } from '../../src/core/problems.js';
import { cli } from '../helpers/cli.js';

const DOCS = ['README.md', 'docs/config.md', 'docs/migrating.md'];
// An example that shows an error starts with this comment; every other one must be valid.
const MISTAKE = /^# A mistake, on purpose/;

interface Block {
  language: string;
  text: string;
}
const blocksOf = (file: string): Block[] =>
  [...readFileSync(file, 'utf8').matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({
    language: match[1]!,
    text: match[2]!,
  }));
const isConfig = (block: Block) => block.language === 'yaml' && /^application:/m.test(block.text);

// The config examples a user copies must stay valid as the schema changes.
const examples = DOCS.flatMap((file) =>
  blocksOf(file)
    .filter((block) => isConfig(block) && !MISTAKE.test(block.text))
    .map((block, index) => ({ name: `${file} example ${index + 1}`, text: block.text })),
);
for (const file of [
  'examples/codedeploy.yml',
  ...readdirSync('examples/revisions').map((name) => `examples/revisions/${name}`),
  ...readdirSync('examples/monorepo').map((name) => `examples/monorepo/${name}`),
])
  examples.push({ name: file, text: readFileSync(file, 'utf8') });

describe('documented config examples are valid', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  it.each(examples)('$name', ({ name, text }) => {
    const { problems } = parseConfig(text, name);
    expect(problems.map(formatProblem)).toEqual([]);
  });

  // Revisions are stored at {prefix}{application}/{digest}: a prefix named after the application
  // would repeat it (s3://bucket/shop/shop/…).
  it.each(examples)('$name: revision.prefix does not repeat the application', ({ text }) => {
    const { application, revision } = parse(text) as { application: string; revision: { prefix?: string } };
    expect(revision.prefix ?? '').not.toMatch(new RegExp(`(^|/)${application}/$`));
  });
});

// A `console` block runs its `$ codedeploy-gitops …` lines in a folder whose .github/codedeploy.yml
// is the config shown last before it, and shows exactly what they print.
const sessions = DOCS.flatMap((file) => {
  let config: string | undefined;
  return blocksOf(file).flatMap((block) => {
    if (isConfig(block)) config = block.text;
    if (block.language !== 'console') return [];
    return block.text
      .split(/^\$ /m)
      .filter(Boolean)
      .map((step) => {
        const [command = '', ...output] = step.split('\n');
        return { file, command, output: output.join('\n'), config };
      });
  });
}).map((session, index) => ({
  ...session,
  name: `${session.file} session ${index + 1}: ${session.command}`,
}));

describe('documented CLI sessions print what the docs show', () => {
  it('finds the sessions', () => {
    expect(sessions.length).toBeGreaterThanOrEqual(7);
  });

  for (const { name, command, output, config } of sessions) {
    it(name, () => {
      expect(config, 'a session needs a config example before it').toBeDefined();
      const [program, ...args] = command.split(' ');
      expect(program).toBe('codedeploy-gitops');
      const dir = mkdtempSync(join(tmpdir(), 'cdg-docs-'));
      mkdirSync(join(dir, '.github'));
      writeFileSync(join(dir, '.github/codedeploy.yml'), config!);
      const result = cli(args, { cwd: dir });
      expect(`${result.stdout}${result.stderr}`).toBe(output);
    });
  }
});
