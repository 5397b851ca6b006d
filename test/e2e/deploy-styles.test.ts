import {
  BatchGetDeploymentTargetsCommand,
  ContinueDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TimelineEntry } from '../../src/local/index.js';
import { blueGreenGroup, type DeployEnv, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { deploymentsOf, show } from '../helpers/run-checks.js';
import type { RunnerResult } from '../helpers/runner.js';

// dist/index.js run as a runner runs it, against moto's S3 and the local CodeDeploy, for each
// deployment style a group can have. The local CodeDeploy's minutes last a second here.

let env: DeployEnv;
beforeAll(async () => {
  env = await startDeployEnv(inject('motoEndpoint'));
});
afterAll(() => env?.stop());

const deployments = deploymentsOf;
const idOf = (result: RunnerResult) => deployments(result)[0]?.id ?? '';
const calls = (operation: string, group: string) =>
  env.codedeploy.calls({ operation, deploymentGroupName: group }).filter((call) => !call.error);
const routerUrl = (group: string) => env.codedeploy.router(env.application, group)?.url ?? '';

async function served(group: string): Promise<string> {
  const response = await fetch(routerUrl(group));
  return `${response.status} ${(await response.text()).trim()}`;
}

function maxInFlight(timeline: TimelineEntry[]): number {
  let running = 0;
  let max = 0;
  for (const entry of timeline) {
    running += entry.phase === 'start' ? 1 : -1;
    max = Math.max(max, running);
  }
  return max;
}

const TERMINATE = (minutes: number) => ({
  terminateBlueInstancesOnDeploymentSuccess: {
    action: 'TERMINATE' as const,
    terminationWaitTimeInMinutes: minutes,
  },
});
// The action sees Ready at its next poll, in real time (up to 30 s apart, more on a loaded machine),
// while the local CodeDeploy's minutes last a second here: a 30-minute wait ran out after 30 s, before
// a slow run reached Ready, and failed the deployment. Two hours (2 minutes here) outlast any test,
// so what these tests check never depends on the machine's speed.
const STOP_WHEN_READY = {
  ...TERMINATE(0),
  deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT' as const, waitTimeInMinutes: 120 },
};

// The action polls in real time, up to 30 s apart when a deployment is slower than forecast (a loaded
// machine): a test that follows a deployment and then its rollback may wait that twice, on top of
// the work itself. Two minutes each, not the suite's one.
describe.concurrent('deployment styles, end to end', { timeout: 120_000 }, () => {
  it.each([
    ['OneAtATime', 1],
    ['HalfAtATime', 2],
    ['AllAtOnce', 4],
  ] as const)('in place, CodeDeployDefault.%s: %i of 4 instances at once', async (config, atOnce) => {
    const group = `ip-${config.toLowerCase()}`;
    await env.createGroups([group], {
      ec2TagFilters: [{ Key: 'local:instances', Value: '4', Type: 'KEY_AND_VALUE' }],
    });
    const result = await env.run({
      workspace: await env.workspace(
        testConfig(
          `  develop:\n    deploymentGroup: ${group}\n    deploymentConfig: CodeDeployDefault.${config}\n`,
        ),
      ),
    });
    show(result);
    expect(result.code).toBe(0);
    const timeline = env.codedeploy.timeline(idOf(result));
    expect(timeline.filter((entry) => entry.phase === 'start')).toHaveLength(4);
    expect(maxInFlight(timeline)).toBe(atOnce);
    expect(result.stdout).toMatch(new RegExp(`${group}: d-\\w+ Succeeded — 4/4 succeeded`));
    expect(result.stdout).not.toContain('blue/green');
  });

  it('blue/green: the router flips to the new fleet without an error, the original fleet is terminated', async () => {
    const group = 'bg-switch';
    await env.createGroups([group], blueGreenGroup(TERMINATE(1)));
    const config = testConfig(`  develop: ${group}\n`);
    const first = await env.run({ workspace: await env.workspace(config, { serve: true, version: 'v1' }) });
    expect(first.code).toBe(0);
    expect(await served(group)).toMatch(/^200 v1 i-/);
    const original = env.codedeploy.instances(env.application, group);

    const answers: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        answers.push(await served(group).catch((error: Error) => `error ${error.message}`));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const second = await env.run({
      workspace: await env.workspace(config, { serve: true, version: 'v2' }),
      sha: '4'.repeat(40),
    });
    answers.push(await served(group));
    polling = false;
    await poller;
    show(second);

    expect(second.code).toBe(0);
    expect(deployments(second)[0]?.status).toBe('succeeded');
    // Every request answered throughout; first the old version, at the end only the new one.
    expect(answers.filter((answer) => !answer.startsWith('200 '))).toEqual([]);
    expect(answers[0]).toMatch(/^200 v1 /);
    expect(answers.at(-1)).toMatch(/^200 v2 /);
    const lastOld = answers.findLastIndex((answer) => answer.startsWith('200 v1 '));
    expect(answers.slice(lastOld + 1).every((answer) => answer.startsWith('200 v2 '))).toBe(true);

    expect(second.stdout).toContain(
      `${group}: blue/green deployment (the group's style): a replacement fleet takes the traffic from the original one; ` +
        'following it up to 3m: wait 2m + termination wait of the original fleet 1m',
    );
    expect(second.stdout).toMatch(/replacement fleet: \d+ [a-z]/);
    expect(second.stdout).toMatch(/original fleet: \d+ [a-z]/);
    const fleet = env.codedeploy.instances(env.application, group);
    expect(fleet.map((i) => i.instanceId)).not.toEqual(original.map((i) => i.instanceId));
    for (const instance of original) {
      expect(
        await fetch(`http://127.0.0.1:${instance.port}/`).then(
          () => 'up',
          () => 'down',
        ),
      ).toBe('down');
    }
  });

  it('blue/green: a failing AfterAllowTraffic rolls back and traffic returns to the original fleet', async () => {
    const group = 'bg-rollback';
    await env.createGroups([group], blueGreenGroup(TERMINATE(0)));
    const config = testConfig(`  develop: ${group}\n`, '  autoRollback: [DEPLOYMENT_FAILURE]\n');
    const good = await env.run({ workspace: await env.workspace(config, { serve: true, version: 'v1' }) });
    expect(good.code).toBe(0);
    const original = env.codedeploy.instances(env.application, group);

    const bad = await env.run({
      workspace: await env.workspace(config, {
        serve: true,
        version: 'v2',
        failGroups: [group],
        failAt: 'AfterAllowTraffic',
      }),
      sha: '5'.repeat(40),
    });
    show(bad);
    expect(bad.code).not.toBe(0);
    const [report] = deployments(bad);
    expect(report).toMatchObject({ status: 'failed', rollbackId: expect.stringMatching(/^d-/) });
    expect(bad.stdout).toMatch(new RegExp(`${group} \\(rollback\\): ${report?.rollbackId} Succeeded`));
    const errors = bad.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${group} › i-[0-9a-f]+ \\(replacement fleet\\): AfterAllowTraffic failed \\(ScriptFailed\\)`,
        ),
      ),
    );
    expect(env.codedeploy.instances(env.application, group)).toEqual(original);
    for (let i = 0; i < 4; i += 1) expect(await served(group)).toMatch(/^200 v1 /);
  });

  it('blue/green Ready, on-ready wait: says how to reroute and follows the deployment until a person does', async () => {
    const group = 'ready-wait';
    await env.createGroups([group], blueGreenGroup(STOP_WHEN_READY));
    let continued = false;
    const result = await env.run({
      workspace: await env.workspace(testConfig(`  develop: ${group}\n`), { serve: true }),
      onOutput: (stdout) => {
        const ready = /(d-\w+) is Ready: the replacement fleet is installed/.exec(stdout);
        if (!ready || continued) return;
        continued = true;
        void env.client.send(
          new ContinueDeploymentCommand({ deploymentId: ready[1], deploymentWaitType: 'READY_WAIT' }),
        );
      },
    });
    show(result);
    expect(result.code).toBe(0);
    expect(continued).toBe(true);
    const id = idOf(result);
    expect(result.stdout).toContain('following it up to 2h2m: wait 2m + deployment-ready wait 2h');
    const warnings = result.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toContainEqual(
      expect.stringContaining(
        `Reroute it in the console (${env.proxy.endpoint}/console/deployments/${id}) ` +
          `or with "aws deploy continue-deployment --deployment-id ${id} --deployment-wait-type READY_WAIT"`,
      ),
    );
    // Only the person's ContinueDeployment (the test's), none from the action.
    expect(calls('ContinueDeployment', group)).toHaveLength(1);
    expect(await served(group)).toMatch(/^200 1 /);
  });

  it('blue/green Ready, on-ready continue: reroutes traffic once', async () => {
    const group = 'ready-continue';
    await env.createGroups([group], blueGreenGroup(STOP_WHEN_READY));
    const result = await env.run({
      workspace: await env.workspace(testConfig(`  develop: ${group}\n`), { serve: true }),
      inputs: { 'on-ready': 'continue' },
    });
    show(result);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Rerouting traffic now (on-ready: continue)');
    // The ready wait is not added: nobody waits for a person.
    expect(result.stdout).toContain('following it up to 2m (wait)');
    expect(calls('ContinueDeployment', group)).toHaveLength(1);
    expect(await served(group)).toMatch(/^200 1 /);
  });

  it('blue/green Ready, on-ready stop: stops the deployment, traffic stays on the original fleet', async () => {
    const group = 'ready-stop';
    await env.createGroups([group], blueGreenGroup(STOP_WHEN_READY));
    const config = testConfig(`  develop: ${group}\n`);
    const first = await env.run({
      workspace: await env.workspace(config, { serve: true, version: 'v1' }),
      inputs: { 'on-ready': 'continue' },
    });
    expect(first.code).toBe(0);
    const stopped = await env.run({
      workspace: await env.workspace(config, { serve: true, version: 'v2' }),
      sha: '6'.repeat(40),
      inputs: { 'on-ready': 'stop' },
    });
    show(stopped);
    expect(stopped.code).not.toBe(0);
    expect(stopped.outputs.status).toBe('stopped');
    expect(stopped.stdout).toContain('Stopping it (on-ready: stop)');
    expect(calls('StopDeployment', group)).toHaveLength(1);
    expect(calls('ContinueDeployment', group)).toHaveLength(1);
    for (let i = 0; i < 4; i += 1) expect(await served(group)).toMatch(/^200 v1 /);
  });

  it('a group created from a blue/green template is blue/green too', async () => {
    await env.createGroups(['tpl-bg'], blueGreenGroup(TERMINATE(0)));
    const result = await env.run({
      workspace: await env.workspace(
        testConfig("  'feature/*':\n    deploymentGroup: bg-{name}\n    create: { from: tpl-bg }\n"),
        { serve: true },
      ),
      branch: 'feature/cart',
    });
    show(result);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created deployment group "bg-cart" from "tpl-bg"');
    expect(result.stdout).toContain("bg-cart: blue/green deployment (the group's style)");
    const [template, created] = await Promise.all(
      ['tpl-bg', 'bg-cart'].map(async (deploymentGroupName) => {
        const { deploymentGroupInfo } = await env.client.send(
          new GetDeploymentGroupCommand({ applicationName: env.application, deploymentGroupName }),
        );
        return deploymentGroupInfo;
      }),
    );
    expect(created?.deploymentStyle).toEqual(template?.deploymentStyle);
    expect(created?.blueGreenDeploymentConfiguration).toEqual(template?.blueGreenDeploymentConfiguration);
    expect(created?.loadBalancerInfo).toEqual(template?.loadBalancerInfo);
    const deploymentId = idOf(result);
    const { targetIds = [] } = await env.client.send(new ListDeploymentTargetsCommand({ deploymentId }));
    const { deploymentTargets = [] } = await env.client.send(
      new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds }),
    );
    expect(deploymentTargets.map((t) => t.instanceTarget?.instanceLabel).sort()).toEqual([
      'Blue',
      'Blue',
      'Green',
      'Green',
    ]);
  });
});
