import { describe, expect, it } from 'vitest';
import { parseConfigOrThrow } from '../../src/config/load.js';
import { pathsMatcher, pathsVerdict } from '../../src/plan/changes.js';

const loadConfigText = (text: string) => parseConfigOrThrow(text, 'deploy/shop.yml').config;

describe('pathsMatcher: gitignore patterns, in order, the last match decides', () => {
  it.each([
    // [paths, file, matches]
    [['api/'], 'api/server.ts', true],
    [['api/'], 'api', false],
    [['api/'], 'web/api/x.ts', true],
    [['/api/'], 'web/api/x.ts', false],
    [['api/**'], 'api/deep/er/x.ts', true],
    [['*.tf'], 'infra/main.tf', true],
    [['/*.tf'], 'infra/main.tf', false],
    [['/*.tf'], 'main.tf', true],
    [['shop/**', '!shop/**/*.md'], 'shop/docs/usage.md', false],
    [['shop/**', '!shop/**/*.md'], 'shop/src/cart.ts', true],
    [['shop/**', '!shop/**/*.md', 'shop/CHANGELOG.md'], 'shop/CHANGELOG.md', true],
    [['!shop/**'], 'shop/x.ts', false],
    [['package.json'], 'packages/a/package.json', true],
    [['/package.json'], 'packages/a/package.json', false],
    [['shared/'], 'sharedlib/x.ts', false],
  ])('%j matches %s: %s', (paths, file, expected) => {
    expect(pathsMatcher(paths)(file)).toBe(expected);
  });
});

describe('pathsVerdict', () => {
  const withPaths = loadConfigText(
    'application: shop\nrevision: { bucket: artifacts }\npaths: ["shop/**"]\nbranches: { main: prod }\n',
  );
  const without = loadConfigText(
    'application: shop\nrevision: { bucket: artifacts }\nbranches: { main: prod }\n',
  );

  it('no paths: every push deploys, without a note', () => {
    expect(pathsVerdict(without, { known: true, files: [] })).toEqual({ deploy: true });
  });

  it('names the first changed file that matches', () => {
    expect(pathsVerdict(withPaths, { known: true, files: ['README.md', 'shop/a.ts', 'shop/b.ts'] })).toEqual({
      deploy: true,
      note: 'shop/a.ts matches its paths',
    });
  });

  it('no match: a skip naming the config, its patterns and how many files changed', () => {
    expect(pathsVerdict(withPaths, { known: true, files: ['README.md', 'api/x.ts'] })).toEqual({
      deploy: false,
      reason: `no file the push changed (2) matches the paths of ${withPaths.file} ("shop/**")`,
    });
  });

  it('unknown changes: deploys, and says why', () => {
    expect(pathsVerdict(withPaths, { known: false, why: 'no GitHub' })).toEqual({
      deploy: true,
      note: 'no GitHub: deploying it, whatever its paths',
    });
  });
});

describe('the monorepo example (examples/monorepo)', () => {
  it('each file loads, and a push deploys the applications whose files it changed', async () => {
    const { loadWorkspaceConfigs } = await import('../../src/deploy/load-config.js');
    const { planDeployments } = await import('../../src/plan/plan.js');
    const { push } = await import('../helpers/triggers.js');
    const configs = await loadWorkspaceConfigs(process.cwd(), ['examples/monorepo'], {
      warn: (w) => {
        throw new Error(`unexpected warning: ${String(typeof w === 'string' ? w : w.message)}`);
      },
    });
    expect(configs.map((c) => c.application)).toEqual(['api', 'shop']);
    const deployedBy = (files: string[]) =>
      configs
        .map((config) => ({
          config,
          plan: planDeployments(config, push('develop'), { changed: { known: true, files } }),
        }))
        .flatMap(({ config, plan }) => (plan.skipped ? [] : [config.application]));
    expect(deployedBy(['shop/cart.ts'])).toEqual(['shop']);
    expect(deployedBy(['shared/money.ts'])).toEqual(['api', 'shop']);
    expect(deployedBy(['shop/README.md', 'docs/index.md'])).toEqual([]);
  });
});
