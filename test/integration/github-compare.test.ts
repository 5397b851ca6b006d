import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/log.js';
import {
  branchHeads,
  COMPARE_FILES_LIMIT,
  changedFilesLister,
  commitComparer,
} from '../../src/github/compare.js';
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

describe('changedFilesLister', () => {
  const [before, after] = ['c'.repeat(40), 'd'.repeat(40)];
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => 0,
    timeout: () => new AbortController().signal,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  const lister = () =>
    changedFilesLister(
      { token: 'ghs_test', apiUrl, owner: 'acme', repo: 'shop', log: new MemoryLogger() },
      clock,
    );

  it('lists the files of the comparison in one request, a moved file under both names', async () => {
    github.reset();
    github.changes.set(`${before}...${after}`, [
      'shop/cart.ts',
      { filename: 'api/new.ts', previous_filename: 'shop/old.ts' },
    ]);
    expect(await lister()(before, after)).toEqual({
      known: true,
      files: ['shop/cart.ts', 'api/new.ts', 'shop/old.ts'],
    });
    expect(compareCalls()).toEqual([`GET /repos/acme/shop/compare/${before}...${after}`]);
    expect(github.requests.find((r) => r.path.includes('/compare/'))!.query.get('per_page')).toBe('1');
  });

  it('a list as long as GitHub lists may be cut short: unknown', async () => {
    github.reset();
    const many = Array.from({ length: COMPARE_FILES_LIMIT + 5 }, (_, i) => `f${i}.ts`);
    github.changes.set(`main...${after}`, many);
    expect(await lister()('main', after)).toEqual({
      known: false,
      why: "the push changed more files than GitHub's compare API lists",
    });
    github.changes.set(`main...${after}`, many.slice(0, COMPARE_FILES_LIMIT - 1));
    expect(await lister()('main', after)).toMatchObject({
      known: true,
      files: many.slice(0, COMPARE_FILES_LIMIT - 1),
    });
  });

  it.each(['behind', 'diverged'])(
    'a push that rewrote the branch (%s): unknown, whatever files GitHub lists',
    async (status) => {
      github.reset();
      const rewritten = `${status[0]}`.repeat(40);
      github.comparisons.set(`${rewritten}...${after}`, status);
      github.changes.set(`${rewritten}...${after}`, []);
      expect(await lister()(rewritten, after)).toEqual({
        known: false,
        why: `the push rewrote the branch (GitHub compare says ${status}), so what it changed cannot be told`,
      });
    },
  );

  it('an outage is tried again before it is given up', async () => {
    github.reset();
    sleeps.length = 0;
    github.changes.set(`${before}...${after}`, ['a.ts']);
    let failures = 2;
    github.failWhen = (request) => (request.path.includes('/compare/') && failures-- > 0 ? 502 : undefined);
    expect(await lister()(before, after)).toEqual({ known: true, files: ['a.ts'] });
    expect(sleeps).toEqual([1_000, 3_000]);
    github.failWhen = () => 404;
    await expect(lister()(before, after)).rejects.toThrow();
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
