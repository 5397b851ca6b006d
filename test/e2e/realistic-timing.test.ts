import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REALISTIC_TIMING } from '../../src/local/index.js';
import { blueGreenGroup, type DeployEnv, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { deploymentsOf, show } from '../helpers/run-checks.js';

// dist/index.js against a local CodeDeploy with realistic timing: each deployment stays Created,
// then Queued, before its instances are assigned, as on AWS while the agents pick it up. The
// action must follow it through those states without asking for targets that do not exist yet.

let env: DeployEnv;
beforeAll(async () => {
  env = await startDeployEnv(inject('motoEndpoint'), REALISTIC_TIMING);
});
afterAll(() => env?.stop());

describe('realistic timing, end to end', () => {
  it.each([
    ['in place', 'timed-ip', {}],
    [
      'blue/green',
      'timed-bg',
      blueGreenGroup({ terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE' } }),
    ],
  ] as const)(
    '%s: the action follows a deployment through Created and Queued to its end',
    async (_, group, settings) => {
      await env.createGroups([group], settings);
      const result = await env.run({ workspace: await env.workspace(testConfig(`  develop: ${group}\n`)) });
      show(result);
      expect(result.code).toBe(0);
      expect(result.outputs.status).toBe('succeeded');
      const id = deploymentsOf(result)[0]?.id ?? '';
      const { deploymentInfo } = await env.client.send(new GetDeploymentCommand({ deploymentId: id }));
      const created = deploymentInfo?.createTime?.getTime() ?? 0;
      const started = deploymentInfo?.startTime?.getTime() ?? 0;
      // Instances were assigned only after Created and Queued had run their course.
      expect(started - created).toBeGreaterThanOrEqual(
        REALISTIC_TIMING.startDelayMs + REALISTIC_TIMING.queuedMs,
      );
      // The action polled the deployment while it had not started (its polls name no group)...
      const polls = env.codedeploy
        .calls()
        .filter(
          (c) => /^(Get|BatchGet)Deployments?$/.test(c.operation) && c.time > created && c.time < started,
        );
      expect(polls.length).toBeGreaterThan(0);
      // ...and never asked for its targets before there were any.
      expect(env.codedeploy.calls({ deploymentGroupName: group }).filter((c) => c.error)).toEqual([]);
    },
  );
});
