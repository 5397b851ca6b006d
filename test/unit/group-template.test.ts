import { describe, expect, it } from 'vitest';
import { instanceFailures } from '../../src/deploy/diagnostics.js';
import { groupFromTemplate } from '../../src/deploy/group-template.js';

describe('groupFromTemplate', () => {
  it('copies the settings and fills placeholders in tag values and Auto Scaling group names', () => {
    const input = groupFromTemplate(
      {
        applicationName: 'shop',
        deploymentGroupName: 'staging',
        deploymentGroupId: 'id-1',
        serviceRoleArn: 'arn:aws:iam::123456789012:role/CodeDeploy',
        deploymentConfigName: 'CodeDeployDefault.OneAtATime',
        ec2TagFilters: [
          { Key: 'Environment', Value: 'feature-{name}', Type: 'KEY_AND_VALUE' },
          { Key: 'Group', Value: '{group}', Type: 'KEY_AND_VALUE' },
        ],
        autoScalingGroups: [{ name: 'asg-{name}', hook: 'hook' }],
        alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }] },
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        lastSuccessfulDeployment: { deploymentId: 'd-OLD' },
        ec2TagSet: { ec2TagSetList: [[{ Key: 'Tier', Value: '{name}-web', Type: 'KEY_AND_VALUE' }]] },
      },
      'feature-login',
      { name: 'login', branch: 'feature/login' },
    );
    expect(input).toEqual({
      deploymentGroupName: 'feature-login',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/CodeDeploy',
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      ec2TagFilters: [
        { Key: 'Environment', Value: 'feature-login', Type: 'KEY_AND_VALUE' },
        { Key: 'Group', Value: 'feature-login', Type: 'KEY_AND_VALUE' },
      ],
      autoScalingGroups: ['asg-login'],
      alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      ec2TagSet: { ec2TagSetList: [[{ Key: 'Tier', Value: 'login-web', Type: 'KEY_AND_VALUE' }]] },
    });
  });

  it('copies no tag set that holds no tag (CodeDeploy answers an empty one beside tag filters)', () => {
    const input = groupFromTemplate(
      {
        ec2TagFilters: [{ Key: 'Environment', Value: 'feature-{name}', Type: 'KEY_AND_VALUE' }],
        ec2TagSet: { ec2TagSetList: [] },
        onPremisesTagSet: { onPremisesTagSetList: [[]] },
      },
      'feature-login',
      { name: 'login' },
    );
    expect(input).toEqual({
      deploymentGroupName: 'feature-login',
      ec2TagFilters: [{ Key: 'Environment', Value: 'feature-login', Type: 'KEY_AND_VALUE' }],
    });
  });

  it('leaves unknown braces alone', () => {
    const input = groupFromTemplate({ ec2TagFilters: [{ Key: 'k', Value: '{unknown}' }] }, 'g', {});
    expect(input.ec2TagFilters).toEqual([{ Key: 'k', Value: '{unknown}' }]);
  });
});

describe('instanceFailures', () => {
  it('finds the failed lifecycle event of each failed instance', () => {
    const failures = instanceFailures([
      {
        deploymentTargetType: 'InstanceTarget',
        instanceTarget: {
          targetId: 'i-2',
          status: 'Failed',
          lifecycleEvents: [
            { lifecycleEventName: 'BeforeInstall', status: 'Succeeded' },
            {
              lifecycleEventName: 'ValidateService',
              status: 'Failed',
              diagnostics: {
                errorCode: 'ScriptFailed',
                scriptName: 'scripts/validate.sh',
                message: 'Script at specified location: scripts/validate.sh failed with exit code 1',
                logTail: 'curl: (7) Failed to connect',
              },
            },
            { lifecycleEventName: 'AfterAllowTraffic', status: 'Skipped' },
          ],
        },
      },
      { deploymentTargetType: 'InstanceTarget', instanceTarget: { targetId: 'i-1', status: 'Succeeded' } },
    ]);
    expect(failures).toEqual([
      {
        instanceId: 'i-2',
        event: 'ValidateService',
        script: 'scripts/validate.sh',
        errorCode: 'ScriptFailed',
        message: 'Script at specified location: scripts/validate.sh failed with exit code 1',
        logTail: 'curl: (7) Failed to connect',
      },
    ]);
  });
});
