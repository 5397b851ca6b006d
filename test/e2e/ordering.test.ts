import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DeployEnv, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { FakeGitHub } from '../helpers/fake-github.js';

// The ordering guard: an older commit never overwrites a newer one a later run already deployed,
// unless a person asks for it. GitHub's compare API (a fake on 127.0.0.1) says which is older.
let env: DeployEnv;
const github = new FakeGitHub();
beforeAll(async () => {
  env = await startDeployEnv(inject('motoEndpoint'));
  await github.start();
});
afterAll(async () => {
  await env?.stop();
  await github.stop();
});

const OLD = 'a0'.repeat(20);
const NEW = 'b1'.repeat(20);

describe('ordering guard', () => {
  it('refuses an older commit over a newer one, and lets an explicit workflow_dispatch through', async () => {
    await env.createGroups(['ord-a']);
    github.comparisons.set(`${NEW}...${OLD}`, 'behind');
    const config = testConfig('  develop: ord-a\n');
    const common = { inputs: { 'github-token': 'ghs_ordering' }, env: { GITHUB_API_URL: github.url } };
    const newer = await env.run({
      ...common,
      workspace: await env.workspace(config, { version: 'new' }),
      sha: NEW,
    });
    expect(newer.code).toBe(0);

    const late = await env.run({
      ...common,
      workspace: await env.workspace(config, { version: 'old' }),
      sha: OLD,
    });
    expect(late.code).toBe(0);
    expect(JSON.parse(late.outputs.deployments!)).toMatchObject([
      { group: 'ord-a', status: 'superseded', id: null },
    ]);
    expect(late.stdout).toContain(`commit ${OLD.slice(0, 7)} is older than ${NEW.slice(0, 7)}`);
    expect(
      env.codedeploy.calls({ operation: 'CreateDeployment', deploymentGroupName: 'ord-a' }),
    ).toHaveLength(1);

    const explicit = await env.run({
      ...common,
      workspace: await env.workspace(config, { version: 'old' }),
      sha: OLD,
      eventName: 'workflow_dispatch',
    });
    expect(explicit.code).toBe(0);
    expect(explicit.stdout).toContain(
      `explicit workflow_dispatch: deploying ${OLD.slice(0, 7)} over the newer ${NEW.slice(0, 7)}`,
    );
    expect(
      env.codedeploy.calls({ operation: 'CreateDeployment', deploymentGroupName: 'ord-a' }),
    ).toHaveLength(2);
  });
});
