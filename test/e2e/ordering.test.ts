import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DeployEnv, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { codeDeployOperation } from '../helpers/fault-proxy.js';

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
    expect(late.outputs).toMatchObject({ status: 'superseded', skipped: 'true' });
    expect(late.outputs['skip-reason']).toMatch(/^ord-a: commit \w{7} is older than \w{7}/);
    expect(late.annotations).toContainEqual(
      expect.objectContaining({ level: 'notice', message: late.outputs['skip-reason'] }),
    );
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

  it('an older commit does not wait for, or stop, a newer one that started after its preflight', async () => {
    await env.createGroups(['ord-c']);
    github.comparisons.set(`${NEW}...${OLD}`, 'behind');
    const common = { inputs: { 'github-token': 'ghs_ordering' }, env: { GITHUB_API_URL: github.url } };
    const created = () =>
      env.codedeploy.calls({ operation: 'CreateDeployment', deploymentGroupName: 'ord-c' });
    const previous = env.faults.decide;
    let held = false;
    // The older run looks for an active deployment only once the newer run has started one: the
    // newer commit arrived between the older run's preflight and its CreateDeployment.
    env.faults.decide = async (request) => {
      if (
        codeDeployOperation(request) === 'ListDeployments' &&
        String(request.headers.authorization).includes('OLDERRUN')
      ) {
        held = true;
        while (created().length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return previous(request);
    };
    try {
      const older = env.run({
        ...common,
        workspace: await env.workspace(testConfig('  develop: ord-c\n', '  onActiveDeployment: stop\n')),
        sha: OLD,
        env: { ...common.env, AWS_ACCESS_KEY_ID: 'OLDERRUN' },
      });
      while (!held) await new Promise((resolve) => setTimeout(resolve, 100));
      const newer = await env.run({
        ...common,
        workspace: await env.workspace(testConfig('  develop: ord-c\n'), {
          slowGroups: ['ord-c'],
          slowSeconds: 3,
        }),
        sha: NEW,
      });
      const late = await older;
      expect(JSON.parse(late.outputs.deployments!)).toMatchObject([{ group: 'ord-c', status: 'superseded' }]);
      expect(late.stdout).not.toContain('stopping the active deployment');
      expect(newer.outputs.status).toBe('succeeded');
      expect(created()).toHaveLength(1);
    } finally {
      env.faults.decide = previous;
    }
  });
});
