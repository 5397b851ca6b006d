import { describe, expect, it } from 'vitest';
import type { FetchConfigRequest } from '../../src/deploy/ports.js';
import { type RunOptions, runDeployment } from '../../src/deploy/run.js';
import type { RunnerEvent } from '../../src/event/trigger.js';
import type { ChangedFiles } from '../../src/plan/changes.js';
import { flowOptions, memoryEdges } from '../helpers/memory-edges.js';
import { finishedRunPayload } from '../helpers/triggers.js';

// Several applications in one repository (issue 18, part 5): a folder of config files on the default
// branch, each with its paths; a push deploys the applications whose files it changed.

const SHA = 'a'.repeat(40);
const BEFORE = 'b'.repeat(40);

const SHOP = `
application: shop
paths: ["shop/**", "shared/**"]
revision: { bucket: artifacts, source: shop }
branches:
  develop: staging
`;
const API = `
application: api
paths: ["api/**", "!api/**/*.md"]
revision: { bucket: artifacts, source: api }
branches:
  develop: api-staging
`;
// No paths: every push deploys it.
const DOCS = `
application: docs
revision: { bucket: artifacts, source: docs }
branches:
  develop: docs-staging
`;

/** A push of `ref`: a branch name, or a full ref (`refs/tags/v1`). */
function pushOf(ref: string, before?: string): RunnerEvent {
  return {
    eventName: 'push',
    payload: {
      ref: ref.startsWith('refs/') ? ref : `refs/heads/${ref}`,
      after: SHA,
      ...(before ? { before } : {}),
      repository: { full_name: 'acme/mono', default_branch: 'main' },
    },
    payloadFile: 'event.json',
  };
}

const options = (event: RunnerEvent, extra: Partial<RunOptions> = {}) =>
  flowOptions(event, { config: { paths: ['.github/codedeploy'], source: 'trusted' }, ...extra });

function monorepo(files: Record<string, string> = { 'shop.yml': SHOP, 'api.yml': API }) {
  const memory = memoryEdges(
    Object.fromEntries(Object.entries(files).map(([name, text]) => [`.github/codedeploy/${name}`, text])),
  );
  for (const group of ['staging', 'api-staging', 'docs-staging']) memory.codedeploy.addGroup(group);
  const fetched: FetchConfigRequest[] = [];
  const fetch = memory.edges.fetchConfig;
  memory.edges.fetchConfig = (request) => {
    fetched.push(request);
    return fetch(request);
  };
  const compared: string[] = [];
  let answer: ChangedFiles = { known: true, files: [] };
  memory.edges.changedFiles = async (base, head) => {
    compared.push(`${base}...${head}`);
    return answer;
  };
  /** What GitHub's compare answers: the files, or why they cannot be known. */
  const changes = (files: string[] | string) => {
    answer = typeof files === 'string' ? { known: false, why: files } : { known: true, files };
  };
  return { ...memory, fetched, compared, changes };
}

const deployedApplications = (report: Awaited<ReturnType<typeof runDeployment>>) =>
  report.results.filter((r) => !r.plan.skipped).map((r) => r.config.application);

describe('several applications, each with its paths', () => {
  it('reads every config of the folder on the default branch, and deploys only what the push changed', async () => {
    const { edges, codedeploy, fetched, compared, changes, log } = monorepo();
    changes(['shop/src/cart.ts', 'README.md']);
    const report = await runDeployment(options(pushOf('develop', BEFORE)), edges);
    expect(fetched.map((f) => `${f.path}@${f.branch}`)).toEqual([
      '.github/codedeploy@main',
      '.github/codedeploy/api.yml@main',
      '.github/codedeploy/shop.yml@main',
    ]);
    expect(compared).toEqual([`${BEFORE}...${SHA}`]);
    expect(report.status).toBe('succeeded');
    // A folder's files in name order.
    expect(report.results.map((r) => [r.config.application, r.status])).toEqual([
      ['api', 'skipped'],
      ['shop', 'succeeded'],
    ]);
    expect(report.results[0]!.plan).toMatchObject({ skipped: true, code: 'unchanged' });
    expect(codedeploy.created()).toHaveLength(1);
    expect(log.text()).toContain('shop/src/cart.ts matches its paths');
    expect(log.text()).toMatch(/no file the push changed \(2\) matches the paths of .*api\.yml/);
  });

  it('a negated pattern takes a file back out of an application paths', async () => {
    const { edges, changes } = monorepo();
    changes(['api/docs/usage.md']);
    const onlyDocs = await runDeployment(options(pushOf('develop', BEFORE)), edges);
    expect(deployedApplications(onlyDocs)).toEqual([]);
    expect(onlyDocs.status).toBe('skipped');
    changes(['api/docs/usage.md', 'api/server.ts']);
    const withCode = await runDeployment(options(pushOf('develop', BEFORE)), edges);
    expect(deployedApplications(withCode)).toEqual(['api']);
  });

  it('an application without paths is deployed by every push', async () => {
    const { edges, changes } = monorepo({ 'shop.yml': SHOP, 'docs.yml': DOCS });
    changes(['api/server.ts']);
    const report = await runDeployment(options(pushOf('develop', BEFORE)), edges);
    expect(deployedApplications(report)).toEqual(['docs']);
  });

  it('a new branch is compared with the default branch', async () => {
    const { edges, compared, changes } = monorepo();
    changes(['shared/money.ts']);
    const report = await runDeployment(options(pushOf('develop')), edges);
    expect(compared).toEqual([`main...${SHA}`]);
    expect(deployedApplications(report)).toEqual(['shop']);
  });

  it.each([
    ['GitHub says it cannot tell', 'unknown', /^.*; GitHub cannot tell: deploying it/],
    ['GitHub cannot be asked', 'throws', /the changed files could not be read \(GitHub is down\)/],
    ['there is no GitHub API (the CLI, no token)', 'absent', /cannot be asked without GitHub's API/],
  ] as const)(
    'when the changed files cannot be known (%s), every application is deployed, saying why',
    async (_, kind, why) => {
      const { edges, changes, codedeploy, compared } = monorepo();
      changes('GitHub cannot tell');
      if (kind === 'throws')
        edges.changedFiles = async () => {
          throw new Error('GitHub is down');
        };
      if (kind === 'absent') delete edges.changedFiles;
      const report = await runDeployment(options(pushOf('develop', BEFORE)), edges);
      expect(deployedApplications(report)).toEqual(['api', 'shop']);
      expect(codedeploy.created()).toHaveLength(2);
      // Asked once for both applications.
      expect(compared).toHaveLength(kind === 'unknown' ? 1 : 0);
      for (const result of report.results) {
        expect(result.plan.skipped).toBe(false);
        expect(result.plan.skipped ? '' : result.plan.matched).toMatch(why);
        expect(result.plan.skipped ? '' : result.plan.matched).toContain('deploying it, whatever its paths');
      }
    },
  );

  it('files the caller knows (the CLI --changed) are used as given: GitHub is not asked', async () => {
    const { edges, compared } = monorepo();
    const report = await runDeployment(
      options(pushOf('develop', BEFORE), { changedFiles: ['api/server.ts'] }),
      edges,
    );
    expect(compared).toEqual([]);
    expect(deployedApplications(report)).toEqual(['api']);
  });

  it('paths filter pushes only: a manual redeploy deploys every application it maps', async () => {
    const { edges, compared } = monorepo();
    const dispatch: RunnerEvent = {
      eventName: 'workflow_dispatch',
      payload: { ref: 'refs/heads/develop', repository: { full_name: 'acme/mono', default_branch: 'main' } },
      payloadFile: 'event.json',
      sha: SHA,
    };
    const report = await runDeployment(options(dispatch), edges);
    expect(compared).toEqual([]);
    expect(deployedApplications(report)).toEqual(['api', 'shop']);
  });

  it('a push of a branch no application maps asks GitHub nothing', async () => {
    const { edges, compared } = monorepo();
    const report = await runDeployment(options(pushOf('hotfix', BEFORE)), edges);
    expect(report.status).toBe('skipped');
    expect(compared).toEqual([]);
  });

  it('nothing is compared when no application has paths', async () => {
    const { edges, compared } = monorepo({ 'docs.yml': DOCS });
    await runDeployment(options(pushOf('develop', BEFORE)), edges);
    expect(compared).toEqual([]);
  });

  it('a tag is no change of files: its push deploys every application its tags map, nothing compared', async () => {
    const tagged = (text: string) =>
      `${text}tags:\n  "v*": ${text.includes('api') ? 'api-staging' : 'staging'}\n`;
    const { edges, compared } = monorepo({ 'shop.yml': tagged(SHOP), 'api.yml': tagged(API) });
    const report = await runDeployment(options(pushOf('refs/tags/v1.0.0', BEFORE)), edges);
    expect(compared).toEqual([]);
    expect(deployedApplications(report)).toEqual(['api', 'shop']);
  });

  it('a finished CI run cannot say what its push changed: every application is deployed, saying why', async () => {
    const { edges, compared, workspace } = monorepo();
    edges.branchHead = async () => SHA;
    workspace.head = SHA;
    const run: RunnerEvent = {
      eventName: 'workflow_run',
      payload: finishedRunPayload('develop', SHA, {}, 'main'),
      payloadFile: 'event.json',
    };
    const report = await runDeployment(options(run), edges);
    expect(report.results.map((r) => (r.plan.skipped ? r.plan.reason : ''))).toEqual(['', '']);
    expect(compared).toEqual([]);
    expect(deployedApplications(report)).toEqual(['api', 'shop']);
    for (const result of report.results) {
      expect(result.plan.skipped ? '' : result.plan.matched).toContain(
        'a finished run does not name the commit its branch was at before the push: deploying it, whatever its paths',
      );
    }
  });

  it('a branch no mapping takes is a no-match, whatever it changed', async () => {
    const { edges, changes } = monorepo();
    changes(['README.md']);
    const report = await runDeployment(options(pushOf('hotfix', BEFORE)), edges);
    expect(report.results.map((r) => r.plan.skipped && r.plan.code)).toEqual(['no-match', 'no-match']);
  });

  it('one application failing does not stop the others; the run fails and names it', async () => {
    const { edges, codedeploy, changes, log } = monorepo();
    changes(['api/server.ts', 'shop/cart.ts']);
    codedeploy.groups.delete('api-staging');
    const report = await runDeployment(options(pushOf('develop', BEFORE)), edges);
    expect(report.status).toBe('failed');
    expect(report.results.map((r) => [r.config.application, r.status])).toEqual([
      ['api', 'failed'],
      ['shop', 'succeeded'],
    ]);
    expect(report.results[0]!.groups).toMatchObject([{ group: 'api-staging', outcome: 'failed' }]);
    expect(log.text()).toContain('api-staging');
    expect(codedeploy.created()).toHaveLength(1);
  });
  it('an application whose map refuses the ref fails the run, not the other applications', async () => {
    const strict = `${API.replace('develop: api-staging', 'main: api-staging')}unmatched: fail\n`;
    const { edges, changes, codedeploy } = monorepo({ 'shop.yml': SHOP, 'api.yml': strict });
    changes(['api/server.ts', 'shop/cart.ts']);
    const report = await runDeployment(options(pushOf('develop', BEFORE)), edges);
    expect(report.status).toBe('failed');
    expect(report.results.map((r) => [r.config.application, r.status])).toEqual([
      ['api', 'failed'],
      ['shop', 'succeeded'],
    ]);
    expect(report.results[0]!.plan).toMatchObject({
      skipped: true,
      reason: expect.stringMatching(/^not planned: /),
    });
    expect(codedeploy.created()).toHaveLength(1);
  });
});

describe("GitHub environments are the repository's", () => {
  it("a name filled in from one application's template may not be one another application names", async () => {
    const web = 'application: web\nrevision: { bucket: artifacts }\nbranches:\n  main: production\n';
    const api = `application: api\nrevision: { bucket: artifacts }\nbranches:\n  "*": { deploymentGroup: "api-{name}", environment: "{name}" }\n`;
    const { edges, codedeploy } = monorepo({ 'web.yml': web, 'api.yml': api });
    codedeploy.addGroup('api-production');
    const report = await runDeployment(options(pushOf('production', BEFORE)), edges);
    expect(report.status).toBe('failed');
    expect(report.results[0]).toMatchObject({ status: 'failed', plan: { skipped: true } });
    expect(report.results[0]!.plan.skipped && report.results[0]!.plan.reason).toContain(
      'makes GitHub environment "production", which "main" (.github/codedeploy/web.yml@main:4:3) records its deployments in',
    );
    expect(codedeploy.created()).toEqual([]);
    // Within one application the same map was already refused; alone, api deploys to its own environment.
    const alone = monorepo({ 'api.yml': api });
    alone.codedeploy.addGroup('api-production');
    expect((await runDeployment(options(pushOf('production', BEFORE)), alone.edges)).status).toBe(
      'succeeded',
    );
  });
});

describe('the config folder', () => {
  it('two files naming the same application are refused, naming both', async () => {
    const { edges } = monorepo({ 'a.yml': SHOP, 'b.yml': SHOP });
    await expect(runDeployment(options(pushOf('develop', BEFORE)), edges)).rejects.toThrow(
      '.github/codedeploy/b.yml@main: application "shop" is mapped twice, here and in .github/codedeploy/a.yml@main',
    );
  });

  it('a folder without a config file is refused with the fix', async () => {
    const { edges } = monorepo({ 'README.md': 'not a config' });
    await expect(runDeployment(options(pushOf('develop', BEFORE)), edges)).rejects.toThrow(
      '.github/codedeploy@main: the config folder holds no *.yml file (put one config file per application in it',
    );
  });

  it('a list of files is read in its order, each from the default branch', async () => {
    const { edges, fetched } = monorepo();
    await runDeployment(
      options(pushOf('develop', BEFORE), {
        config: { paths: ['.github/codedeploy/shop.yml', '.github/codedeploy/api.yml'], source: 'trusted' },
      }),
      edges,
    );
    expect(fetched.map((f) => f.path)).toEqual(['.github/codedeploy/shop.yml', '.github/codedeploy/api.yml']);
  });

  it('a pull request from a branch cannot add an application: the folder is read from the default branch', async () => {
    const { edges, fetched } = monorepo();
    const pr: RunnerEvent = {
      eventName: 'pull_request',
      payload: {
        action: 'opened',
        number: 7,
        pull_request: {
          number: 7,
          head: { ref: 'feature/x', sha: SHA, repo: { full_name: 'acme/mono' } },
          base: { ref: 'main', repo: { full_name: 'acme/mono' } },
        },
        repository: { full_name: 'acme/mono', default_branch: 'main' },
      },
      payloadFile: 'event.json',
    };
    await runDeployment(options(pr), edges);
    expect(new Set(fetched.map((f) => f.branch))).toEqual(new Set(['main']));
  });
});
