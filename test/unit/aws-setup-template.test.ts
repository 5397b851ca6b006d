// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, compared as written
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { evaluate, expandLoops, iamMatches, loadTemplate, parameterValues, walk } from '../helpers/cfn.js';

// No AWS here: the template is checked for shape and internal consistency; cfn-lint, when installed,
// checks it against the CloudFormation resource specification too.
const FILE = 'examples/aws-setup.cfn.yml';
const template = loadTemplate(FILE);
// The per-group policies of Fn::ForEach, as the stack with the default parameters creates them.
const resources = expandLoops(template, parameterValues(template));
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
  it('declares the resources of docs/setup-aws.md, one policy per deployment group', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, r.Type]))).toEqual({
      RevisionBucket: 'AWS::S3::Bucket',
      RevisionBucketPolicy: 'AWS::S3::BucketPolicy',
      Application: 'AWS::CodeDeploy::Application',
      CodeDeployServiceRole: 'AWS::IAM::Role',
      InstanceRole: 'AWS::IAM::Role',
      InstanceProfile: 'AWS::IAM::InstanceProfile',
      GitHubOidcProvider: 'AWS::IAM::OIDCProvider',
      ProductionDeployRole: 'AWS::IAM::Role',
      NonProductionDeployRole: 'AWS::IAM::Role',
      PreviewDeployRole: 'AWS::IAM::Role',
      RevisionsAndReads: 'AWS::IAM::ManagedPolicy',
      DeployToProductionGroupproduction: 'AWS::IAM::ManagedPolicy',
      DeployToNonProductionGroupstaging: 'AWS::IAM::ManagedPolicy',
      DeployToNonProductionGrouptest1: 'AWS::IAM::ManagedPolicy',
      DeployToNonProductionGrouptest2: 'AWS::IAM::ManagedPolicy',
      DeployToNonProductionGroupfeature: 'AWS::IAM::ManagedPolicy',
      TearDownBranchGroupfeature: 'AWS::IAM::ManagedPolicy',
      DeployToPreviewGrouppr: 'AWS::IAM::ManagedPolicy',
    });
  });

  it('refers only to parameters, resources, conditions and attributes that exist', () => {
    const expanded = { ...template, Resources: resources };
    const names = new Set([...Object.keys(template.Parameters ?? {}), ...Object.keys(resources), ...PSEUDO]);
    const conditions = new Set(Object.keys(template.Conditions ?? {}));
    const dangling: string[] = [];
    for (const [key, value] of walk(expanded)) {
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

  it('GitHub assumes each role through OIDC, for the subjects of its environment class only', () => {
    const subjects = {
      production: 'repo:acme/shop:environment:production',
      main: 'repo:acme/shop:ref:refs/heads/main',
      feature: 'repo:acme/shop:ref:refs/heads/feature/x',
      tag: 'repo:acme/shop:ref:refs/tags/v1.0.0',
      pullRequest: 'repo:acme/shop:pull_request',
      otherRepository: 'repo:acme/other:environment:production',
      otherEnvironment: 'repo:acme/shop:environment:staging',
    };
    const accepted = (role: string, overrides: Record<string, string> = {}) =>
      Object.entries(subjects)
        .filter(([, sub]) => mayAssume(role, sub, overrides))
        .map(([name]) => name);
    expect(accepted('ProductionDeployRole')).toEqual(['production']);
    expect(accepted('NonProductionDeployRole')).toEqual(['main', 'feature']);
    expect(accepted('PreviewDeployRole')).toEqual(['pullRequest']);
    expect(
      accepted('NonProductionDeployRole', {
        NonProductionSubjects:
          'repo:acme/shop:ref:refs/heads/develop,repo:acme/shop:ref:refs/heads/feature/*',
      }),
    ).toEqual(['feature']);
    expect(accepted('ProductionDeployRole', { ProductionEnvironment: 'staging' })).toEqual([
      'otherEnvironment',
    ]);
    expect(template.Parameters?.GitHubRepository).not.toHaveProperty('Default');
    expect(props('GitHubOidcProvider')).toMatchObject({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  describe.each([
    ['the default groups', {}],
    [
      'groups given as parameters',
      {
        ProductionGroups: 'prod-eu,prod-us',
        NonProductionGroups: 'qa,dev-*',
        BranchTeardownGroups: 'dev-*',
        PreviewGroups: 'preview-?',
      },
    ],
  ])('with %s, each role deploys to its own groups and no other', (_, overrides: Record<string, string>) => {
    const parameters = parameterValues(template, {
      GitHubRepository: 'acme/shop',
      ApplicationName: 'shop',
      ...overrides,
    });
    const classes = {
      ProductionDeployRole: parameters.ProductionGroups as string[],
      NonProductionDeployRole: parameters.NonProductionGroups as string[],
      PreviewDeployRole: parameters.PreviewGroups as string[],
    };
    const arn = (group: string) => `arn:aws:codedeploy:eu-west-1:123456789012:deploymentgroup:shop/${group}`;
    const DEPLOYING = [
      'codedeploy:CreateDeployment',
      'codedeploy:StopDeployment',
      'codedeploy:ContinueDeployment',
      'codedeploy:CreateDeploymentGroup',
      'codedeploy:DeleteDeploymentGroup',
    ];

    it.each(Object.keys(classes))('%s', (role) => {
      const own = classes[role as keyof typeof classes];
      const granted = statementsOf(role, parameters);
      const deploying = granted.filter((s) => s.actions.some((action) => DEPLOYING.includes(action)));
      expect([...new Set(deploying.flatMap((s) => s.resources))].sort()).toEqual(own.map(arn).sort());
      // Wildcards included: no other class's group is reachable.
      const others = Object.entries(classes).flatMap(([other, groups]) => (other === role ? [] : groups));
      for (const statement of deploying)
        for (const resource of statement.resources)
          for (const group of others)
            expect(iamMatches(resource, arn(group.replace(/[*?]/g, 'x'))), `${resource} ${group}`).toBe(
              false,
            );
      const actions = new Set(deploying.flatMap((s) => s.actions));
      expect([...actions].sort()).toEqual(
        {
          ProductionDeployRole: [
            'codedeploy:ContinueDeployment',
            'codedeploy:CreateDeployment',
            'codedeploy:StopDeployment',
          ],
          NonProductionDeployRole: [
            'codedeploy:ContinueDeployment',
            'codedeploy:CreateDeployment',
            'codedeploy:CreateDeploymentGroup',
            'codedeploy:DeleteDeploymentGroup',
            'codedeploy:StopDeployment',
          ],
          PreviewDeployRole: [
            'codedeploy:ContinueDeployment',
            'codedeploy:CreateDeployment',
            'codedeploy:CreateDeploymentGroup',
            'codedeploy:DeleteDeploymentGroup',
            'codedeploy:StopDeployment',
          ],
        }[role],
      );
      // Everything else a role may do to the application's groups is reading them.
      for (const statement of granted.filter((s) => !deploying.includes(s)))
        for (const action of statement.actions.filter((a) => a.startsWith('codedeploy:')))
          expect(action, statement.sid).toMatch(
            /^codedeploy:(Get|List|BatchGet|CreateApplication$|RegisterApplicationRevision$)/,
          );
    });
  });

  it.each([
    ['the default groups', {}, ['feature-*']],
    [
      'groups given as parameters',
      { NonProductionGroups: 'qa,review-*', BranchTeardownGroups: 'review-*' },
      ['review-*'],
    ],
  ])(
    'with %s, the non-production role deletes only the groups of deleted branches',
    (_, overrides, deletable) => {
      const parameters = parameterValues(template, {
        GitHubRepository: 'acme/shop',
        ApplicationName: 'shop',
        ...overrides,
      });
      const deleting = statementsOf('NonProductionDeployRole', parameters).filter((s) =>
        s.actions.includes('codedeploy:DeleteDeploymentGroup'),
      );
      expect(deleting.flatMap((s) => s.actions)).toEqual(['codedeploy:DeleteDeploymentGroup']);
      expect(deleting.flatMap((s) => s.resources)).toEqual(
        deletable.map((group) => `arn:aws:codedeploy:eu-west-1:123456789012:deploymentgroup:shop/${group}`),
      );
      for (const group of ['staging', 'test1', 'qa', 'production'])
        for (const resource of deleting.flatMap((s) => s.resources))
          expect(
            iamMatches(resource, `arn:aws:codedeploy:eu-west-1:123456789012:deploymentgroup:shop/${group}`),
          ).toBe(false);
    },
  );

  it('only roles that create groups may pass the service role, and only to CodeDeploy; only the roles that delete groups delete records', () => {
    const parameters = parameterValues(template, { GitHubRepository: 'acme/shop', ApplicationName: 'shop' });
    const passing = (role: string) =>
      statementsOf(role, parameters).filter((s) => s.actions.includes('iam:PassRole'));
    expect(passing('ProductionDeployRole')).toEqual([]);
    for (const role of ['NonProductionDeployRole', 'PreviewDeployRole']) {
      expect(passing(role)).toEqual([
        {
          sid: 'PassTheServiceRoleToNewGroups',
          actions: ['iam:PassRole'],
          resources: ['arn:aws:iam::123456789012:role/service-role'],
          condition: { StringEquals: { 'iam:PassedToService': 'codedeploy.amazonaws.com' } },
        },
      ]);
    }
    const deleting = Object.keys(ROLES).flatMap((role) =>
      statementsOf(role, parameters)
        .filter((s) => s.actions.includes('s3:DeleteObject'))
        .map((s) => [role, s.resources]),
    );
    expect(deleting).toEqual([
      ['NonProductionDeployRole', ['arn:aws:s3:::revisions/shop/.codedeploy-gitops/groups/*']],
      ['PreviewDeployRole', ['arn:aws:s3:::revisions/shop/.codedeploy-gitops/groups/*']],
    ]);
    const everything = Object.keys(ROLES).flatMap((role) => statementsOf(role, parameters));
    expect(everything.every((s) => s.resources.every((r) => r !== '*'))).toBe(true);
  });

  const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  it.skipIf(cfnLint.status !== 0)('passes cfn-lint', () => {
    const lint = spawnSync('cfn-lint', [FILE], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});

const ROLES = { ProductionDeployRole: 1, NonProductionDeployRole: 1, PreviewDeployRole: 1 };

const VALUES = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::NoValue': '',
  'RevisionBucket.Arn': 'arn:aws:s3:::revisions',
  RevisionBucket: 'revisions',
  'CodeDeployServiceRole.Arn': 'arn:aws:iam::123456789012:role/service-role',
  GitHubOidcProvider: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
  ProductionDeployRole: 'ProductionDeployRole',
  NonProductionDeployRole: 'NonProductionDeployRole',
  PreviewDeployRole: 'PreviewDeployRole',
};

interface Granted {
  sid: string;
  actions: string[];
  resources: string[];
  condition?: unknown;
}

/** Every Allow statement of a role: its own policies and the managed policies attached to it, evaluated. */
function statementsOf(role: string, parameters: Record<string, string | string[]>): Granted[] {
  const expanded = expandLoops(template, parameters);
  const context = { template, parameters, values: VALUES };
  const documents = [
    ...((expanded[role]?.Properties?.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []).map(
      (policy) => policy.PolicyDocument,
    ),
    ...Object.values(expanded)
      .filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy')
      .filter((policy) =>
        ((policy.Properties?.Roles ?? []) as Array<{ Ref: string }>).some((r) => r.Ref === role),
      )
      .map((policy) => policy.Properties?.PolicyDocument),
  ];
  return documents.flatMap((document) =>
    (evaluate(document, context) as { Statement: Array<Record<string, unknown>> }).Statement.map((s) => ({
      sid: String(s.Sid),
      actions: [s.Action].flat() as string[],
      resources: [s.Resource].flat() as string[],
      ...(s.Condition ? { condition: s.Condition } : {}),
    })),
  );
}

/** Whether STS would let a web-identity token with this `sub` assume the role (aud is sts.amazonaws.com). */
function mayAssume(role: string, sub: string, overrides: Record<string, string> = {}): boolean {
  const parameters = parameterValues(template, { GitHubRepository: 'acme/shop', ...overrides });
  const trust = evaluate(template.Resources[role]?.Properties?.AssumeRolePolicyDocument, {
    template,
    parameters,
    values: VALUES,
  }) as {
    Statement: Array<{ Action: string; Condition: Record<string, Record<string, string | string[]>> }>;
  };
  const claims: Record<string, string> = {
    'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
    'token.actions.githubusercontent.com:sub': sub,
  };
  return trust.Statement.some(
    (statement) =>
      statement.Action === 'sts:AssumeRoleWithWebIdentity' &&
      Object.entries(statement.Condition).every(([operator, tests]) =>
        Object.entries(tests).every(([key, expected]) =>
          [expected]
            .flat()
            .some((value) =>
              operator === 'StringLike' ? iamMatches(value, claims[key] ?? '') : value === claims[key],
            ),
        ),
      ),
  );
}
