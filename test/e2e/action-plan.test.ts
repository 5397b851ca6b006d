import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { runBundledAction } from '../helpers/runner.js';

const TRUSTED = `application: shop
revision: { bucket: acme-artifacts }
branches:
  master: production
  develop: [staging, test1, test2]
  'feature/*':
    deploymentGroup: feature-{name}
    create: { from: staging }
  'experimental/**': ~
`;
// What a pushed branch might try: re-map itself to production.
const TAMPERED = TRUSTED.replace('deploymentGroup: feature-{name}', 'deploymentGroup: production');

const repository = { full_name: 'acme/shop', default_branch: 'master' };
const SHA = '0123456789abcdef0123456789abcdef01234567';
const pushTo = (branch: string) => ({ ref: `refs/heads/${branch}`, after: SHA, deleted: false, repository });

let workspace: string;
const github = new FakeGitHub();

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'cdg-ws-'));
  await mkdir(join(workspace, '.github'));
  await writeFile(join(workspace, '.github/codedeploy.yml'), TAMPERED);
  await github.start();
  github.setFile('master', '.github/codedeploy.yml', TRUSTED);
});
afterAll(() => github.stop());

const env = () => ({ GITHUB_API_URL: github.url });

describe('the bundled action, run as a runner runs it', () => {
  it('dry-run on a push writes the plan to the outputs and the job summary', async () => {
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('develop'),
      workspace,
      inputs: { 'dry-run': 'true', 'github-token': 'ghs_test' },
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({
      status: 'planned',
      skipped: 'false',
      'deployment-groups': 'staging,test1,test2',
    });
    expect(JSON.parse(result.outputs.plan!)).toMatchObject({
      skipped: false,
      deployments: [
        { deploymentGroup: 'staging' },
        { deploymentGroup: 'test1' },
        { deploymentGroup: 'test2' },
      ],
    });
    expect(result.summary).toContain('**Dry run:** nothing was uploaded or deployed.');
    expect(result.summary).toContain('| staging | no |');
  });

  it('reads the map from the default branch, so a branch cannot re-map itself to production', async () => {
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('feature/login'),
      workspace,
      inputs: { 'dry-run': 'true', 'github-token': 'ghs_test' },
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.outputs['deployment-groups']).toBe('feature-login');
    expect(result.stdout).toContain('from the default branch "master"');
    const fetch = github.requests.find((r) => r.path.endsWith('/contents/.github/codedeploy.yml'));
    expect(fetch?.query.get('ref')).toBe('master');
    expect(fetch?.authorization).toBe('token ghs_test');
  });

  it('config-source: workspace trusts the branch copy', async () => {
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('feature/login'),
      workspace,
      inputs: { 'dry-run': 'true', 'config-source': 'workspace' },
    });
    expect(result.outputs['deployment-groups']).toBe('production');
  });

  it('fails with the fix when no token is given for a non-default branch', async () => {
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('feature/login'),
      workspace,
      inputs: { 'dry-run': 'true' },
      env: env(),
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/no github-token.*config-source: workspace/s);
  });

  it('fails with the fix when the GitHub API is unreachable', async () => {
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('feature/login'),
      workspace,
      inputs: { 'dry-run': 'true', 'github-token': 'ghs_test' },
      env: { GITHUB_API_URL: 'http://127.0.0.1:9' },
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/cannot reach the GitHub API.*config-source: workspace/s);
  });

  it('fails when the config is missing on the default branch', async () => {
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('feature/login'),
      workspace,
      inputs: { 'dry-run': 'true', 'github-token': 'ghs_test', config: '.github/other.yml' },
      env: env(),
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('does not exist on the default branch "master"');
  });

  it('a skip succeeds and says why', async () => {
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('experimental/x'),
      workspace,
      inputs: { 'github-token': 'ghs_test' },
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'skipped', skipped: 'true' });
    expect(result.summary).toContain('**Skipped:**');
  });

  it('a config error is an annotation on the file and line', async () => {
    github.setFile(
      'master',
      '.github/broken.yml',
      'application: shop\nrevision: { bucket: acme-artifacts }\nbranchs: {}\n',
    );
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('feature/login'),
      workspace,
      inputs: { 'dry-run': 'true', 'github-token': 'ghs_test', config: '.github/broken.yml' },
      env: env(),
    });
    expect(result.code).not.toBe(0);
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        properties: expect.objectContaining({ file: '.github/broken.yml', line: '3', col: '1' }),
        message: expect.stringMatching(/^\.github\/broken\.yml@master:3:1: unknown key "branchs"/),
      }),
    );
  });

  it('a warning annotation does not repeat "warning" in its text', async () => {
    github.setFile(
      'master',
      '.github/warned.yml',
      `${TRUSTED}pullRequests:\n  deploymentGroup: pr-{pr}\n  deleteOnClose: true\n`,
    );
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('develop'),
      workspace,
      inputs: { 'dry-run': 'true', 'github-token': 'ghs_test', config: '.github/warned.yml' },
      env: env(),
    });
    expect(result.code).toBe(0);
    const warnings = result.annotations.filter((a) => a.level === 'warning');
    expect(warnings).toEqual([
      expect.objectContaining({
        properties: expect.objectContaining({ file: '.github/warned.yml', line: '12', col: '18' }),
        message: expect.stringMatching(
          /^\.github\/warned\.yml@master:12:18: pullRequests › deleteOnClose only/,
        ),
      }),
    ]);
  });

  it('bad inputs fail before anything else', async () => {
    const result = await runBundledAction({
      eventName: 'push',
      payload: pushTo('develop'),
      workspace,
      inputs: { 'dry-run': 'maybe' },
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('input "dry-run" is "maybe"');
    expect(result.outputs).toMatchObject({ status: 'failed', skipped: 'false' });
  });
});
