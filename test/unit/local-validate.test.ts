import { describe, expect, it } from 'vitest';
import { MODEL_OPERATIONS } from '../../src/local/api-model.js';
import { readRequest } from '../../src/local/validate.js';
import { ApiError } from '../../src/local/wire.js';

const model = (name: string) => {
  const operation = MODEL_OPERATIONS.get(name);
  if (!operation) throw new Error(`no operation ${name}`);
  return operation;
};

/** The error a request gets, as `Type: message`. */
function refusal(
  operation: string,
  body: Record<string, unknown>,
  rules?: Parameters<typeof readRequest>[2],
) {
  try {
    readRequest(model(operation), body, rules);
  } catch (error) {
    if (error instanceof ApiError) return `${error.type}: ${error.message}`;
    throw error;
  }
  return 'accepted';
}

const GROUP = {
  applicationName: 'shop',
  deploymentGroupName: 'staging',
  serviceRoleArn: 'arn:aws:iam::123456789012:role/CodeDeploy',
};

describe('reading a request by the API model', () => {
  it('drops nulls, reads timestamps as Dates, keeps what the model knows', () => {
    expect(
      readRequest(model('ListDeployments'), {
        applicationName: 'shop',
        deploymentGroupName: null,
        createTimeRange: { start: 1_700_000_000, end: 1_700_000_060.5 },
      }),
    ).toEqual({
      applicationName: 'shop',
      createTimeRange: { start: new Date(1_700_000_000_000), end: new Date(1_700_000_060_500) },
    });
    expect(
      readRequest(model('ListDeploymentTargets'), {
        deploymentId: 'd-AAAAAAAAA',
        targetFilters: { TargetStatus: null, ServerInstanceLabel: ['Blue'] },
      }),
    ).toEqual({ deploymentId: 'd-AAAAAAAAA', targetFilters: { ServerInstanceLabel: ['Blue'] } });
  });

  it('names the path of a member of the wrong type or unknown to the model (SerializationException)', () => {
    expect(refusal('CreateDeploymentGroup', { ...GROUP, ec2TagSet: { ec2TagSetList: [[{ Key: 1 }]] } })).toBe(
      'SerializationException: ec2TagSet.ec2TagSetList[0][0].Key must be a string, not the number 1',
    );
    expect(
      refusal('ListDeploymentTargets', {
        deploymentId: 'd-AAAAAAAAA',
        targetFilters: { TargetStatus: 'Failed' },
      }),
    ).toBe('SerializationException: targetFilters.TargetStatus must be a list, not the string "Failed"');
    expect(
      refusal('CreateApplication', {
        applicationName: 'shop',
        tags: [{ Key: 'a', Value: 'b', Colour: 'red' }],
      }),
    ).toBe('SerializationException: tags[0].Colour is not a member of Tag (its members: Key, Value)');
  });

  it('checks required members, then each rule in the model’s member order, with the declared errors', () => {
    expect(refusal('CreateDeploymentGroup', { deploymentGroupName: 'bad name!' })).toBe(
      'ApplicationNameRequiredException: applicationName is required',
    );
    expect(
      refusal('CreateDeploymentGroup', {
        ...GROUP,
        deploymentGroupName: 'bad name!',
        outdatedInstancesStrategy: 'NOW',
      }),
    ).toBe(
      'InvalidDeploymentGroupNameException: deploymentGroupName "bad name!" is not letters, digits and . _ + = , @ -',
    );
    expect(refusal('CreateDeploymentGroup', { ...GROUP, alarmConfiguration: { alarms: [{}] } })).toBe(
      'InvalidAlarmConfigException: alarmConfiguration.alarms[0].name is required',
    );
    expect(
      refusal('ListDeploymentTargets', { deploymentId: 'd-AAAAAAAAA', targetFilters: { Colour: ['Blue'] } }),
    ).toBe(
      'InvalidTargetFilterNameException: targetFilters key must be one of ServerInstanceLabel, TargetStatus (got "Colour")',
    );
    expect(refusal('CreateApplication', { applicationName: 'é'.repeat(100) })).toBe(
      // A long value is quoted cut short: its first 77 characters (the quote and 76 letters), then ...
      `InvalidApplicationNameException: applicationName "${'é'.repeat(76)}... is not letters, digits and . _ + = , @ -`,
    );
  });

  it('answers ValidationException, in AWS’s words, for a rule no declared error covers', () => {
    const rules = [{ at: 'CreateApplicationInput.applicationName', chars: { max: 3 }, source: 'a test' }];
    expect(refusal('CreateApplication', { applicationName: 'shop' }, rules)).toBe(
      'ValidationException: 1 validation error detected: applicationName is 4 characters long: use at most 3 characters',
    );
    expect(refusal('GetDeployment', {}, [])).toBe(
      'ValidationException: 1 validation error detected: deploymentId is required',
    );
  });
});
