import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/core/log.js';
import { branchHeads, commitComparer } from '../../src/github/compare.js';
import { steppingClock } from '../helpers/clock.js';
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

describe('branchHeads', () => {
  const api = () => ({ token: 'ghs_test', apiUrl, owner: 'acme', repo: 'shop', log: new MemoryLogger() });

  it('answers where a branch is, a slash in its name included, and nothing for a name that is no branch', async () => {
    github.reset();
    github.branches.set('feature/login', 'c'.repeat(40));
    const head = branchHeads(api(), steppingClock());
    expect(await head('feature/login')).toBe('c'.repeat(40));
    expect(await head('v1.2.0')).toBeUndefined();
    expect(github.calls()).toEqual([
      'GET /repos/acme/shop/branches/feature/login',
      'GET /repos/acme/shop/branches/v1.2.0',
    ]);
  });

  it('tries an outage again, and fails when it lasts', async () => {
    github.reset();
    github.branches.set('main', 'd'.repeat(40));
    let failures = 1;
    github.failWhen = () => (failures-- > 0 ? 502 : undefined);
    expect(await branchHeads(api(), steppingClock())('main')).toBe('d'.repeat(40));
    github.failWhen = () => 502;
    await expect(branchHeads(api(), steppingClock())('main')).rejects.toThrow();
    expect(github.calls()).toHaveLength(2 + 3);
  });
});
