import { CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { COMPARE_FILES_LIMIT } from '../../src/github/compare.js';
import { type DeployEnv, SHA, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { ROLE } from '../helpers/local.js';

// Several applications in one repository, through dist/index.js: a folder of configs read from the
// default branch (fake GitHub API), each with its paths, the push's changed files from the compare API.
let env: DeployEnv;
const github = new FakeGitHub();
let shop: string;
let api: string;
let configs: Record<string, string>;
const BEFORE = 'b'.repeat(40);

beforeAll(async () => {
  env = await startDeployEnv(inject('motoEndpoint'));
  await github.start();
  shop = env.application;
  api = `${env.application}-api`;
  await env.createGroups(['mono-shop']);
  await env.client.send(new CreateApplicationCommand({ applicationName: api, computePlatform: 'Server' }));
  await env.client.send(
    new CreateDeploymentGroupCommand({
      applicationName: api,
      deploymentGroupName: 'mono-api',
      serviceRoleArn: ROLE,
    }),
  );
  const config = (application: string, group: string, paths: string) =>
    `${testConfig(`  develop: ${group}\n`).replaceAll('APPLICATION', application).replaceAll('BUCKET', env.bucket)}paths: ${paths}\n`;
  configs = {
    '.github/codedeploy/api.yml': config(api, 'mono-api', '["api/**", "!api/**/*.md"]'),
    '.github/codedeploy/shop.yml': config(shop, 'mono-shop', '["app/**", "shared/**"]'),
  };
  for (const [path, text] of Object.entries(configs)) github.setFile('main', path, text);
});
afterAll(async () => {
  await env?.stop();
  await github.stop();
});

/** A push of develop (at `before`, or a new branch), with the config folder read from main. */
async function push(before?: string) {
  const workspace = await env.workspace(
    testConfig('  develop: nowhere\n'),
    {},
    {
      ...configs,
      // Only on this branch: the trusted folder on main does not have it, so it must not count.
      '.github/codedeploy/intruder.yml': testConfig('  develop: mono-shop\n').replaceAll(
        'APPLICATION',
        `${shop}-intruder`,
      ),
    },
  );
  return env.run({
    workspace,
    payload: {
      ref: 'refs/heads/develop',
      after: SHA,
      ...(before ? { before } : {}),
      deleted: false,
      repository: { full_name: 'acme/shop', default_branch: 'main' },
    },
    inputs: {
      'github-token': 'ghs_monorepo_test',
      'config-source': 'trusted',
      config: '.github/codedeploy/',
    },
    env: { GITHUB_API_URL: github.url },
  });
}

const deployed = (outputs: Record<string, string>) =>
  (JSON.parse(outputs.deployments!) as Array<{ application: string; group: string; status: string }>).map(
    (d) => `${d.application}/${d.group}: ${d.status}`,
  );

describe('several applications in one repository', () => {
  it('a push deploys only the application whose paths it changed; the outputs and the summary name each', async () => {
    github.reset();
    github.changes.set(`${BEFORE}...${SHA}`, ['app/site/index.html', 'api/README.md']);
    const result = await push(BEFORE);
    if (process.env.SHOW_LOG) console.log(result.stdout, result.summary);
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('succeeded');
    expect(deployed(result.outputs)).toEqual([`${shop}/mono-shop: succeeded`]);
    const plan = JSON.parse(result.outputs.plan!);
    expect(plan.applications).toEqual([
      {
        application: api,
        skipped: true,
        reason: `no file the push changed (2) matches the paths of .github/codedeploy/api.yml@main ("api/**", "!api/**/*.md")`,
      },
      { application: shop, skipped: false, reason: null },
    ]);
    expect(plan.deployments).toEqual([
      expect.objectContaining({ application: shop, deploymentGroup: 'mono-shop' }),
    ]);
    expect(github.calls().filter((c) => c.includes('/compare/'))).toEqual([
      `GET /repos/acme/shop/compare/${BEFORE}...${SHA}`,
    ]);
    expect(result.summary).toContain(`## CodeDeploy: ${shop}`);
    expect(result.summary).toContain(`## CodeDeploy: ${api}`);
    expect(result.stdout).not.toContain('intruder');
    expect(github.deployments.map((d) => d.environment)).toEqual(['mono-shop']);
  });

  it('a new branch is compared with the default branch', async () => {
    github.reset();
    github.changes.set(`main...${SHA}`, ['api/server.ts']);
    const result = await push();
    expect(result.code, result.stdout).toBe(0);
    expect(deployed(result.outputs)).toEqual([`${api}/mono-api: succeeded`]);
    expect(github.calls().filter((c) => c.includes('/compare/'))).toEqual([
      `GET /repos/acme/shop/compare/main...${SHA}`,
    ]);
  });

  it('more changed files than GitHub lists: every application is deployed, and the log says why', async () => {
    github.reset();
    github.changes.set(
      `${BEFORE}...${SHA}`,
      Array.from({ length: COMPARE_FILES_LIMIT + 1 }, (_, i) => `docs/page-${i}.md`),
    );
    const result = await push(BEFORE);
    expect(result.code, result.stdout).toBe(0);
    expect(deployed(result.outputs)).toEqual([`${api}/mono-api: succeeded`, `${shop}/mono-shop: succeeded`]);
    expect(result.stdout).toContain(
      "the push changed more files than GitHub's compare API lists: deploying it, whatever its paths",
    );
    expect(result.outputs['revision-digest']!.split(',')).toHaveLength(2);
  });

  it('nothing changed that any application is built from: a skip that names each application', async () => {
    github.reset();
    github.changes.set(`${BEFORE}...${SHA}`, ['README.md']);
    const result = await push(BEFORE);
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'skipped', skipped: 'true', deployments: '[]' });
    expect(result.outputs['skip-reason']).toMatch(
      new RegExp(`^${api}: no file the push changed .* · ${shop}: `),
    );
    expect(result.annotations).toContainEqual(
      expect.objectContaining({ level: 'notice', message: result.outputs['skip-reason'] }),
    );
  });
});
