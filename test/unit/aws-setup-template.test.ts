// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, compared as written
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadTemplate, walk } from '../helpers/cfn.js';

// No AWS here: the template is checked for shape and internal consistency; cfn-lint, when installed,
// checks it against the CloudFormation resource specification too.
const FILE = 'examples/aws-setup.cfn.yml';
const template = loadTemplate(FILE);
const resources = template.Resources;
// biome-ignore lint/suspicious/noExplicitAny: assertions reach deep into the template document
const props = (id: string) => resources[id]?.Properties as Record<string, any>;

const PSEUDO = [
  'AWS::Region',
  'AWS::AccountId',
  'AWS::Partition',
  'AWS::NoValue',
  'AWS::StackName',
  'AWS::URLSuffix',
];

describe('examples/aws-setup.cfn.yml', () => {
  it('declares the resources of docs/setup-aws.md', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, r.Type]))).toEqual({
      RevisionBucket: 'AWS::S3::Bucket',
      RevisionBucketPolicy: 'AWS::S3::BucketPolicy',
      Application: 'AWS::CodeDeploy::Application',
      CodeDeployServiceRole: 'AWS::IAM::Role',
      InstanceRole: 'AWS::IAM::Role',
      InstanceProfile: 'AWS::IAM::InstanceProfile',
      GitHubOidcProvider: 'AWS::IAM::OIDCProvider',
      GitHubDeployRole: 'AWS::IAM::Role',
    });
  });

  it('refers only to parameters, resources, conditions and attributes that exist', () => {
    const names = new Set([...Object.keys(template.Parameters ?? {}), ...Object.keys(resources), ...PSEUDO]);
    const conditions = new Set(Object.keys(template.Conditions ?? {}));
    const dangling: string[] = [];
    for (const [key, value] of walk(template)) {
      if (key === 'Ref' && !names.has(String(value))) dangling.push(`Ref ${value}`);
      if (key === 'Fn::GetAtt' && !(String((value as string[])[0]) in resources))
        dangling.push(`GetAtt ${value}`);
      if (key === 'Fn::Sub' && typeof value === 'string') {
        for (const [, ref] of value.matchAll(/\$\{([^}!]+)\}/g)) {
          const [base, attribute] = ref!.split('.');
          if (!names.has(attribute ? base! : ref!)) dangling.push(`Sub \${${ref}}`);
        }
      }
      if (key === 'Fn::If' && !conditions.has(String((value as unknown[])[0]))) dangling.push(`If ${value}`);
    }
    for (const [id, resource] of Object.entries(resources))
      if (resource.Condition && !conditions.has(resource.Condition)) dangling.push(`${id}.Condition`);
    expect(dangling).toEqual([]);
  });

  it('the bucket is versioned, encrypted, private, and cleans up after itself', () => {
    const bucket = props('RevisionBucket');
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({
      SSEAlgorithm: 'AES256',
    });
    expect(Object.values(bucket.PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
    const [rule] = bucket.LifecycleConfiguration.Rules;
    expect(rule).toMatchObject({
      Status: 'Enabled',
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    });
  });

  it("the service role is CodeDeploy's, with AWSCodeDeployRole", () => {
    const role = props('CodeDeployServiceRole');
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'codedeploy.amazonaws.com',
    });
    expect(role.ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSCodeDeployRole' },
    ]);
  });

  it("the instances may read revisions, and only the application's folder", () => {
    const role = props('InstanceRole');
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
    const [statement] = role.Policies[0].PolicyDocument.Statement;
    expect(statement).toEqual({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: { 'Fn::Sub': '${RevisionBucket.Arn}/${RevisionPrefix}${ApplicationName}/*' },
    });
    expect(props('InstanceProfile').Roles).toEqual([{ Ref: 'InstanceRole' }]);
  });

  it('GitHub assumes the deploy role through OIDC, for the listed subjects only', () => {
    const [trust] = props('GitHubDeployRole').AssumeRolePolicyDocument.Statement;
    expect(trust.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': { Ref: 'GitHubSubjects' } },
    });
    expect(props('GitHubOidcProvider')).toMatchObject({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    expect(template.Parameters?.GitHubSubjects).toEqual(
      expect.objectContaining({ Type: 'CommaDelimitedList' }),
    );
    expect(template.Parameters?.GitHubSubjects).not.toHaveProperty('Default');
  });

  it('the deploy role may pass only the service role, and only to CodeDeploy', () => {
    const statements = props('GitHubDeployRole').Policies[0].PolicyDocument.Statement as Array<
      Record<string, unknown>
    >;
    expect(statements.find((s) => s.Action === 'iam:PassRole')).toEqual({
      Sid: 'PassTheServiceRoleToNewGroups',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': ['CodeDeployServiceRole', 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'codedeploy.amazonaws.com' } },
    });
    expect(statements.every((s) => s.Resource !== '*')).toBe(true);
  });

  const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  it.skipIf(cfnLint.status !== 0)('passes cfn-lint', () => {
    const lint = spawnSync('cfn-lint', [FILE], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});
