import { GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DeployEnv, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { show } from '../helpers/run-checks.js';

// dist/index.js creates a feature branch's group from a template (create: { from }) on the local
// CodeDeploy, which answers GetDeploymentGroup in full as AWS does (an empty tag set beside the tag
// filters, the hooks on the Auto Scaling groups, blue/green options, a target group pair list) and
// checks CreateDeploymentGroup as AWS does.

let env: DeployEnv;
beforeAll(async () => {
  env = await startDeployEnv(inject('motoEndpoint'));
});
afterAll(() => env?.stop());

describe('a group created from a template, end to end', () => {
  it('copies every setting of a full answer, fills the placeholders and deploys', async () => {
    await env.createGroups(['tpl-full'], {
      deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
      ec2TagFilters: [
        { Key: 'Environment', Value: 'feature-{name}', Type: 'KEY_AND_VALUE' },
        { Key: 'local:instances', Value: '2', Type: 'KEY_AND_VALUE' },
      ],
      autoScalingGroups: ['web-{name}'],
      triggerConfigurations: [
        {
          triggerName: 'failures',
          triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:deployments',
          triggerEvents: ['DeploymentFailure', 'InstanceFailure'],
        },
      ],
      alarmConfiguration: { enabled: true, ignorePollAlarmFailure: true, alarms: [{ name: 'latency' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
      outdatedInstancesStrategy: 'IGNORE',
      terminationHookEnabled: true,
      deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      blueGreenDeploymentConfiguration: {
        terminateBlueInstancesOnDeploymentSuccess: { action: 'KEEP_ALIVE', terminationWaitTimeInMinutes: 0 },
        greenFleetProvisioningOption: { action: 'COPY_AUTO_SCALING_GROUP' },
      },
      loadBalancerInfo: { targetGroupInfoList: [{ name: 'web' }], targetGroupPairInfoList: [] },
    });
    const result = await env.run({
      workspace: await env.workspace(
        testConfig("  'feature/*':\n    deploymentGroup: feature-{name}\n    create: { from: tpl-full }\n"),
      ),
      branch: 'feature/cart',
    });
    show(result);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created deployment group "feature-cart" from "tpl-full"');
    const [template = {}, created = {}] = await Promise.all(
      ['tpl-full', 'feature-cart'].map(
        async (deploymentGroupName) =>
          (
            await env.client.send(
              new GetDeploymentGroupCommand({ applicationName: env.application, deploymentGroupName }),
            )
          ).deploymentGroupInfo ?? {},
      ),
    );
    const {
      deploymentGroupId,
      deploymentGroupName,
      ec2TagFilters,
      autoScalingGroups,
      lastAttemptedDeployment,
      lastSuccessfulDeployment,
      targetRevision,
      ...copied
    } = created;
    const hooks = `feature-cart-${deploymentGroupId}`;
    expect({ ...copied, deploymentGroupName, ec2TagFilters, autoScalingGroups }).toEqual({
      ...template,
      deploymentGroupId: undefined,
      deploymentGroupName: 'feature-cart',
      ec2TagFilters: [
        { Key: 'Environment', Value: 'feature-cart', Type: 'KEY_AND_VALUE' },
        { Key: 'local:instances', Value: '2', Type: 'KEY_AND_VALUE' },
      ],
      autoScalingGroups: [
        {
          name: 'web-cart',
          hook: `CodeDeploy-managed-automatic-launch-deployment-hook-${hooks}`,
          terminationHook: `CodeDeploy-managed-termination-hook-${hooks}`,
        },
      ],
    });
    expect(lastSuccessfulDeployment?.status).toBe('Succeeded');
    expect(lastAttemptedDeployment?.deploymentId).toBe(lastSuccessfulDeployment?.deploymentId);
    expect(targetRevision?.revisionType).toBe('S3');
  });
});
