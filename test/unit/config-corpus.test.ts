import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { formatProblem } from '../../src/core/problems.js';

// Each file states what it must produce in its first two lines:
//   # expect: LINE:COL <text the message contains>
//   # hint: <text the fix contains>
const DIR = 'test/corpus/config';
const cases = readdirSync(DIR)
  .filter((name) => name.endsWith('.yml'))
  .map((name) => {
    const text = readFileSync(join(DIR, name), 'utf8');
    const expectLine = /^# expect: (\d+):(\d+) (.*)$/m.exec(text);
    const hintLine = /^# hint:(.*)$/m.exec(text);
    if (!expectLine) throw new Error(`${name} has no "# expect:" line`);
    return {
      name,
      text,
      line: Number(expectLine[1]),
      col: Number(expectLine[2]),
      message: expectLine[3]!.trim(),
      hint: hintLine?.[1]?.trim() ?? '',
    };
  });

describe('malformed configs are rejected with file:line:col and a fix', () => {
  it('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('$name', ({ name, text, line, col, message, hint }) => {
    const file = `.github/${name}`;
    const { config, problems } = parseConfig(text, file);
    expect(config).toBeUndefined();
    const errors = problems.filter((p) => p.severity === 'error');
    const match = errors.find((p) => p.message.includes(message));
    expect(
      match,
      `no error containing ${JSON.stringify(message)} in:\n${errors.map(formatProblem).join('\n')}`,
    ).toBeDefined();
    expect(match!.location).toEqual({ file, line, col });
    expect(match!.hint ?? '').toContain(hint);
    expect(formatProblem(match!)).toMatch(
      new RegExp(`^\\.github/${name.replace('.', '\\.')}:${line}:${col}: `),
    );
  });
});
