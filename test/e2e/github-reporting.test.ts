import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DeployEnv, SHA, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { FakeGitHub } from '../helpers/fake-github.js';

// The bundled action against moto S3, the local CodeDeploy and a fake GitHub API: what GitHub is told.
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

const githubEnv = () => ({ GITHUB_API_URL: github.url });
const token = { 'github-token': 'ghs_reporting_test' };

function pullRequestEvent(action: string, number: number, fork = false) {
  return {
    action,
    number,
    repository: { full_name: 'acme/shop', default_branch: 'master' },
    pull_request: {
      number,
      head: { ref: 'feature/login', sha: SHA, repo: { full_name: fork ? 'stranger/shop' : 'acme/shop' } },
      base: { ref: 'master', repo: { full_name: 'acme/shop' } },
    },
  };
}

const PREVIEW_CONFIG = testConfig(
  '  develop: [gh-staging, gh-test1, gh-test2]\n',
  '  autoRollback: false\n',
).concat(`pullRequests:
  deploymentGroup: pr-{pr}
  create: { from: gh-template }
  environmentUrl: https://pr-{pr}.preview.example.com
  deleteOnClose: true
`);

describe('GitHub Deployments and the pull-request comment', () => {
  it('a push to 3 groups: one GitHub deployment each, in_progress then success, with the run as log_url', async () => {
    await env.createGroups(['gh-staging', 'gh-test1', 'gh-test2']);
    github.reset();
    const result = await env.run({
      workspace: await env.workspace(PREVIEW_CONFIG),
      inputs: token,
      env: githubEnv(),
    });
    if (process.env.SHOW_LOG)
      console.log(
        result.stdout,
        github.requests.map((r) => `${r.method} ${r.path}`),
      );
    expect(result.code).toBe(0);
    const deployments = github.deployments.filter((d) => d.environment.startsWith('gh-'));
    expect(deployments.map((d) => d.environment).sort()).toEqual(['gh-staging', 'gh-test1', 'gh-test2']);
    for (const deployment of deployments) {
      expect(deployment.body).toMatchObject({ required_contexts: [], auto_merge: false, ref: SHA });
      expect(deployment.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
      expect(deployment.statuses[1]).toMatchObject({ log_url: expect.stringContaining('/actions/runs/') });
    }
    expect(github.comments).toHaveLength(0);
  });

  it('a failed group gets a failure status and the others stay correct', async () => {
    await env.createGroups(['ghf-a', 'ghf-b']);
    github.reset();
    const result = await env.run({
      workspace: await env.workspace(testConfig('  develop: [ghf-a, ghf-b]\n'), { failGroups: ['ghf-b'] }),
      inputs: token,
      env: githubEnv(),
    });
    expect(result.code).not.toBe(0);
    const state = (environment: string) =>
      github.deployments.find((d) => d.environment === environment)?.statuses.at(-1)?.state;
    expect(state('ghf-a')).toBe('success');
    expect(state('ghf-b')).toBe('failure');
  });

  it('a redeploy attaches the GitHub deployment to the redeployed commit; a rollback says it rolls back', async () => {
    await env.createGroups(['gh-redeploy']);
    const config = testConfig('  develop: gh-redeploy\n');
    const [older, newer] = ['7'.repeat(40), '8'.repeat(40)];
    for (const [sha, version] of [
      [older, 'v7'],
      [newer, 'v8'],
    ] as const) {
      const pushed = await env.run({ workspace: await env.workspace(config, { version }), sha });
      expect(pushed.code).toBe(0);
    }
    const dispatch = async (inputs: Record<string, string>, known = [older, newer]) => {
      github.reset();
      github.commits.push(...known);
      const result = await env.run({
        workspace: await env.workspace(config),
        eventName: 'workflow_dispatch',
        sha: newer,
        inputs: { ...token, ...inputs },
        env: githubEnv(),
      });
      expect(result.code).toBe(0);
      const [deployment] = github.deployments;
      const warned = result.stdout.includes(`GitHub could not resolve commit ${inputs.revision}`);
      return { ref: deployment?.body.ref, started: deployment?.statuses[0]?.description, warned };
    };
    expect(await dispatch({ revision: '7777777' })).toEqual({
      ref: older,
      started: 'Redeploying 7777777 to gh-redeploy with CodeDeploy',
      warned: false,
    });
    // A commit GitHub cannot resolve: recorded on the workflow's commit, still named, with a warning.
    expect(await dispatch({ revision: '7777777' }, [newer])).toEqual({
      ref: newer,
      started: 'Redeploying 7777777 to gh-redeploy with CodeDeploy',
      warned: true,
    });
    expect(await dispatch({ rollback: 'true' })).toEqual({
      ref: newer,
      started: 'Rolling gh-redeploy back to its previous successful revision with CodeDeploy',
      warned: false,
    });
  });

  it('a pull request: opened → synchronize → closed keeps one comment, then deletes the preview group', async () => {
    await env.createGroups(['gh-template']);
    github.reset();
    const workspace = await env.workspace(PREVIEW_CONFIG);
    const run = (action: string) =>
      env.run({
        workspace,
        eventName: 'pull_request',
        payload: pullRequestEvent(action, 42),
        inputs: token,
        env: githubEnv(),
      });

    const opened = await run('opened');
    expect(opened.code).toBe(0);
    expect(opened.outputs['deployment-groups']).toBe('pr-42');
    expect(github.comments).toHaveLength(1);
    const commentId = github.comments[0]!.id;
    expect(github.comments[0]!.body).toContain('https://pr-42.preview.example.com');
    const preview = github.deployments.filter((d) => d.environment === 'pr-42');
    expect(preview).toHaveLength(1);
    expect(preview[0]!.body).toMatchObject({ transient_environment: true, production_environment: false });

    const synchronized = await run('synchronize');
    expect(synchronized.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.id).toBe(commentId);
    expect(
      github.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/issues/comments/')),
    ).not.toHaveLength(0);

    const closed = await run('closed');
    expect(closed.code).toBe(0);
    expect(
      env.codedeploy.calls({ operation: 'DeleteDeploymentGroup', deploymentGroupName: 'pr-42' }),
    ).toHaveLength(1);
    for (const deployment of github.deployments.filter((d) => d.environment === 'pr-42')) {
      expect(deployment.statuses.at(-1)?.state).toBe('inactive');
    }
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toMatch(/torn down|deleted/i);
  });

  it('a fork pull request is refused: no comment, no deployment, a notice in the log', async () => {
    github.reset();
    const result = await env.run({
      workspace: await env.workspace(PREVIEW_CONFIG),
      eventName: 'pull_request',
      payload: pullRequestEvent('opened', 43, true),
      inputs: token,
      env: githubEnv(),
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'skipped', skipped: 'true' });
    expect(result.stdout).toContain('comes from a fork');
    expect(github.comments).toHaveLength(0);
    expect(github.deployments).toHaveLength(0);
    expect(env.codedeploy.calls({ deploymentGroupName: 'pr-43' })).toHaveLength(0);
  });

  it('GitHub failing does not fail or hide the CodeDeploy result', async () => {
    await env.createGroups(['gh-down']);
    github.reset();
    github.failWith = 500;
    try {
      const result = await env.run({
        workspace: await env.workspace(testConfig('  develop: gh-down\n')),
        inputs: token,
        env: githubEnv(),
      });
      expect(result.code).toBe(0);
      expect(result.outputs.status).toBe('succeeded');
      expect(result.annotations.some((a) => a.level === 'warning')).toBe(true);
      expect(result.summary).toContain('gh-down');
    } finally {
      github.failWith = undefined;
    }
  });
});
