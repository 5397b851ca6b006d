import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { blueGreenGroup, type DeployEnv, previewConfig, pullRequestEvent, testConfig } from './deploy-env.js';
import { AMBIGUOUS_FAULTS } from './fault-proxy.js';
import { createdOn, type Expected } from './run-checks.js';
import type { RunnerResult } from './runner.js';

/**
 * The fault matrix of test/e2e/fault-matrix.test.ts: every S3 and CodeDeploy operation the action
 * uses, each with the run that reaches it and what that run must show. docs/reliability.md lists it
 * (test/unit/reliability-docs.test.ts checks the list and the counts).
 */
const MiB = 1024 * 1024;

export interface Scenario {
  /** The S3 or CodeDeploy operation the fault hits. */
  operation: string;
  service: 's3' | 'codedeploy';
  /** How the run reaches the operation, as docs/reliability.md says it. */
  how: string;
  /** Prepares the environment and runs the action as the scenario needs; the fault is in place. */
  run(env: DeployEnv): Promise<RunnerResult>;
  /** What the run must show; a function when it depends on what the scenario did before the run. */
  expected: Expected | ((env: DeployEnv) => Expected);
}

const deploy =
  (files: Record<string, string | Buffer> = {}) =>
  async (env: DeployEnv) => {
    await env.createGroups(['g']);
    return env.run({ workspace: await env.workspace(testConfig('  develop: g\n'), {}, files) });
  };
/** A 12 MiB bundle: a multipart upload of 3 parts. */
const deployBig = () => deploy({ 'app/site/big.bin': randomBytes(12 * MiB) });
const succeeds: Expected = { created: { g: 1 }, exit: 'ok', status: 'succeeded', withinSeconds: 150 };

export const SCENARIOS: Scenario[] = [
  {
    operation: 'HeadObject',
    how: 'a push: the revision looked up before the upload',
    service: 's3',
    run: deploy(),
    expected: succeeds,
  },
  {
    operation: 'PutObject',
    how: 'a push with a small bundle: one PutObject (and those of the commit record)',
    service: 's3',
    run: deploy(),
    expected: succeeds,
  },
  {
    operation: 'CreateMultipartUpload',
    how: 'a push with a 12 MiB bundle: a multipart upload of 3 parts',
    service: 's3',
    run: deployBig(),
    expected: succeeds,
  },
  { operation: 'UploadPart', how: 'the same', service: 's3', run: deployBig(), expected: succeeds },
  {
    operation: 'CompleteMultipartUpload',
    how: 'the same',
    service: 's3',
    run: deployBig(),
    expected: succeeds,
  },
  {
    operation: 'GetDeploymentGroup',
    how: 'a push: preflight',
    service: 'codedeploy',
    run: deploy(),
    expected: succeeds,
  },
  {
    operation: 'ListDeployments',
    how: 'a push: the active-deployment check',
    service: 'codedeploy',
    run: deploy(),
    expected: succeeds,
  },
  { operation: 'CreateDeployment', how: 'a push', service: 'codedeploy', run: deploy(), expected: succeeds },
  {
    operation: 'BatchGetDeployments',
    how: 'a push: the active-deployment check and the polls',
    service: 'codedeploy',
    run: deploy(),
    expected: succeeds,
  },
  {
    operation: 'CreateDeploymentGroup',
    how: 'a push of feature/x, its group created from a template',
    service: 'codedeploy',
    run: async (env) => {
      await env.createGroups(['tpl']);
      return env.run({
        workspace: await env.workspace(
          testConfig("  'feature/*':\n    deploymentGroup: f-{name}\n    create: { from: tpl }\n"),
        ),
        branch: 'feature/x',
      });
    },
    expected: { created: { 'f-x': 1 }, exit: 'ok', status: 'succeeded', withinSeconds: 150 },
  },
  ...(['ListDeploymentTargets', 'BatchGetDeploymentTargets'] as const).map(
    (operation): Scenario => ({
      operation,
      how: 'a push whose hook fails: the diagnostics of the failed instance',
      service: 'codedeploy',
      run: async (env) => {
        await env.createGroups(['g']);
        return env.run({
          workspace: await env.workspace(testConfig('  develop: g\n'), { failGroups: ['g'] }),
        });
      },
      expected: { created: { g: 1 }, exit: 'failed', status: 'failed', withinSeconds: 150 },
    }),
  ),
  {
    operation: 'StopDeployment',
    how: 'a push whose hook outlives `wait: 4s`',
    service: 'codedeploy',
    run: async (env) => {
      await env.createGroups(['g']);
      return env.run({
        workspace: await env.workspace(testConfig('  develop: g\n', '  wait: 4s\n'), {
          slowGroups: ['g'],
          slowSeconds: 40,
        }),
      });
    },
    expected: { created: { g: 1 }, exit: 'failed', status: 'stopped', withinSeconds: 4 + 150 },
  },
  {
    operation: 'ContinueDeployment',
    how: 'a blue/green group held Ready, `on-ready: continue`',
    service: 'codedeploy',
    run: async (env) => {
      await env.createGroups(
        ['g'],
        blueGreenGroup({
          terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
          deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 },
        }),
      );
      return env.run({
        workspace: await env.workspace(testConfig('  develop: g\n')),
        inputs: { 'on-ready': 'continue' },
      });
    },
    expected: succeeds,
  },
  {
    operation: 'DeleteDeploymentGroup',
    how: 'a pull request opened, then closed (teardown)',
    service: 'codedeploy',
    run: async (env) => {
      await env.createGroups(['tpl']);
      const config = previewConfig();
      const workspace = await env.workspace(config);
      const faults = env.faults.decide;
      env.faults.decide = () => ({ kind: 'pass' });
      const opened = await env.run({
        workspace,
        eventName: 'pull_request',
        payload: pullRequestEvent('opened'),
      });
      expect(opened.code, opened.stdout).toBe(0);
      env.faults.decide = faults;
      const closed = await env.run({
        workspace,
        eventName: 'pull_request',
        payload: pullRequestEvent('closed'),
      });
      expect(deployments(closed)).toEqual([['pr-7', 'torn-down']]);
      expect(closed.stdout).toContain('pr-7: deleted');
      return closed;
    },
    // The opening run created pr-7's one deployment; the teardown creates none.
    expected: (env) => ({
      created: { 'pr-7': 0 },
      others: createdOn(env, 'pr-7').map((call) => call.deploymentId!),
      exit: 'ok',
      status: 'succeeded',
      withinSeconds: 150,
    }),
  },
];

const deployments = (result: RunnerResult) =>
  (JSON.parse(result.outputs.deployments ?? '[]') as Array<{ group: string; status: string }>).map((d) => [
    d.group,
    d.status,
  ]);

/** Operations × kinds, each its own environment. */
export const FAULT_MATRIX = SCENARIOS.flatMap((scenario) =>
  AMBIGUOUS_FAULTS.map((kind) => ({ scenario, kind })),
);
