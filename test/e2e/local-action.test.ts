import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DeployEnv, E2E_SECRETS, SHA, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { findLeaks } from '../helpers/secrets.js';

// GitHub's @github/local-action runs an action's TypeScript sources (src/main.ts, through tsx) with
// its own stand-in for @actions/core: what a developer uses to debug the action without a bundle.
// It must be able to run them as they are, with no build step in between.
let env: DeployEnv;
const github = new FakeGitHub();
let work: string;
beforeAll(async () => {
  env = await startDeployEnv(inject('motoEndpoint'));
  await github.start();
  work = await mkdtemp(join(tmpdir(), 'cdg-local-action-'));
});
afterAll(async () => {
  await env?.stop();
  github.stop();
  await rm(work, { recursive: true, force: true });
});

/** `npx @github/local-action run . src/main.ts FILE`, as docs/development.md shows, without blocking this process. */
function localAction(dotenv: string): Promise<{ code: number | null; output: string }> {
  const bin = join('node_modules', '@github', 'local-action', 'bin', 'local-action.js');
  // Everything the action reads comes from the dotenv file, but GITHUB_API_URL: local-action's
  // @actions/github reads it before it loads the file.
  const child = spawn(process.execPath, [bin, 'run', '.', 'src/main.ts', dotenv], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, GITHUB_API_URL: github.url },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, output })));
}

const outputsOf = (output: string) =>
  Object.fromEntries([...output.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)].map((m) => [m[1], m[2]]));

describe('@github/local-action', () => {
  it('runs the dry run of .env.example that docs/development.md shows', async () => {
    const { output } = await localAction('.env.example');
    expect(outputsOf(output), output).toMatchObject({
      status: 'planned',
      'deployment-groups': 'staging,test1,test2',
    });
  });

  it('runs src/main.ts through a deployment on the local CodeDeploy', async () => {
    await env.createGroups(['la-staging']);
    const workspace = await env.workspace(testConfig('  develop: la-staging\n'));
    const event = join(work, 'event.json');
    const summary = join(work, 'summary.md');
    await writeFile(
      event,
      JSON.stringify({
        ref: 'refs/heads/develop',
        after: SHA,
        repository: { full_name: 'acme/shop', default_branch: 'develop' },
      }),
    );
    await writeFile(summary, '');
    const variables: Record<string, string> = {
      ...env.env,
      'INPUT_CONFIG-SOURCE': 'workspace',
      'INPUT_GITHUB-TOKEN': E2E_SECRETS.githubToken,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: event,
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: SHA,
      GITHUB_RUN_ID: '4242',
      GITHUB_STEP_SUMMARY: summary,
    };
    const dotenv = join(work, '.env');
    await writeFile(
      dotenv,
      Object.entries(variables)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
        .join(''),
    );

    const { output } = await localAction(dotenv);

    const outputs = outputsOf(output);
    expect(outputs.status, output).toBe('succeeded');
    const [deployment] = JSON.parse(outputs.deployments ?? '[]');
    expect(deployment).toMatchObject({ group: 'la-staging', status: 'succeeded' });
    const { deploymentInfo } = await env.client.send(
      new GetDeploymentCommand({ deploymentId: deployment.id }),
    );
    expect(deploymentInfo).toMatchObject({ deploymentGroupName: 'la-staging', status: 'Succeeded' });
    expect(await readFile(summary, 'utf8')).toContain('la-staging');
    // The GitHub deployment went through @actions/github, which local-action also stands in for.
    expect(github.deployments.map((d) => [d.environment, d.statuses.at(-1)?.state])).toEqual([
      ['la-staging', 'success'],
    ]);
    expect(
      findLeaks({ secret: E2E_SECRETS.secretAccessKey, token: E2E_SECRETS.githubToken }, { output }),
    ).toEqual([]);
  });
});
