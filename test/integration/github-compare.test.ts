import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/core/log.js';
import { commitComparer } from '../../src/github/compare.js';
import { FakeGitHub } from '../helpers/fake-github.js';

const github = new FakeGitHub();
let apiUrl: string;
beforeAll(async () => {
  apiUrl = await github.start();
});
afterAll(() => github.stop());

const compareCalls = () => github.calls().filter((call) => call.includes('/compare/'));

describe('commitComparer', () => {
  it('asks GitHub once per pair of commits in a run, and again after a failure', async () => {
    github.reset();
    github.comparisons.set(`${'a'.repeat(40)}...${'b'.repeat(40)}`, 'behind');
    const compare = commitComparer({
      token: 'ghs_test',
      apiUrl,
      owner: 'acme',
      repo: 'shop',
      log: new MemoryLogger(),
    });
    let failures = 1;
    github.failWhen = (request) => (request.path.includes('/compare/') && failures-- > 0 ? 500 : undefined);
    await expect(compare('a'.repeat(40), 'b'.repeat(40))).rejects.toThrow();
    expect(await compare('a'.repeat(40), 'b'.repeat(40))).toBe('behind');
    expect(await compare('a'.repeat(40), 'b'.repeat(40))).toBe('behind');
    expect(compareCalls()).toHaveLength(2);
  });
});
