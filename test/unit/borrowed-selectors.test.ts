import type { DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import {
  borrowedSelectors,
  type GroupToCreate,
  type NamedGroup,
  overlap,
  type Selector,
  selectorsOf,
} from '../../src/deploy/borrowed-selectors.js';
import { groupFromTemplate } from '../../src/deploy/group-template.js';

// A group created from a template gets the template's selectors with the ref's values filled in:
// none of those values may pick what a group the config names picks.

const NAMED_BY = '"main" (c.yml:4:3) deploys to';

/** A group `feature-{name}` for `branch`, created from `template` as preflight does. */
function created(template: DeploymentGroupInfo, name: string): GroupToCreate {
  const group = `feature-${name}`;
  return {
    name: group,
    from: 'feature-template',
    template,
    input: groupFromTemplate(template, group, { name, branch: `feature/${name}` }),
    location: { file: 'c.yml', line: 6, col: 3 },
  };
}

const production = (info: Partial<DeploymentGroupInfo>): NamedGroup => ({
  name: 'production',
  info: { deploymentGroupName: 'production', ...info },
  namedBy: NAMED_BY,
});

describe('borrowedSelectors, on every field the template copies with placeholders filled', () => {
  const tag = (Key: string, Value: string) => ({ Key, Value, Type: 'KEY_AND_VALUE' as const });
  it.each<[string, Partial<DeploymentGroupInfo>, Partial<DeploymentGroupInfo>, string]>([
    [
      'ec2TagFilters, a value',
      { ec2TagFilters: [tag('Environment', '{name}')] },
      { ec2TagFilters: [tag('Environment', 'production')] },
      'EC2 tag "Environment=production" (ec2TagFilters[0], filled in from EC2 tag "Environment={name}")',
    ],
    [
      'ec2TagFilters, a key',
      { ec2TagFilters: [{ Key: 'role-{name}', Type: 'KEY_ONLY' }] },
      { ec2TagFilters: [tag('role-production', 'web')] },
      'EC2 tag key "role-production" (ec2TagFilters[0]',
    ],
    [
      'ec2TagSet',
      { ec2TagSet: { ec2TagSetList: [[tag('App', 'shop')], [tag('Environment', '{name}')]] } },
      { ec2TagSet: { ec2TagSetList: [[tag('App', 'shop')], [tag('Environment', 'production')]] } },
      'EC2 tag "Environment=production" (ec2TagSet[1][0]',
    ],
    [
      'onPremisesInstanceTagFilters',
      { onPremisesInstanceTagFilters: [tag('Site', '{name}')] },
      { onPremisesTagSet: { onPremisesTagSetList: [[tag('Site', 'production')]] } },
      'on-premises tag "Site=production" (onPremisesInstanceTagFilters[0]',
    ],
    [
      'onPremisesTagSet',
      { onPremisesTagSet: { onPremisesTagSetList: [[tag('Site', '{name}')]] } },
      { onPremisesInstanceTagFilters: [tag('Site', 'production')] },
      'on-premises tag "Site=production" (onPremisesTagSet[0][0]',
    ],
    [
      'autoScalingGroups',
      { autoScalingGroups: [{ name: 'web-{name}', hook: 'h' }] },
      { autoScalingGroups: [{ name: 'web-production', hook: 'h2' }] },
      'Auto Scaling group "web-production" (autoScalingGroups[0], filled in from Auto Scaling group "web-{name}")',
    ],
  ])('%s: refused when the filled value picks what a named group picks', (_, template, theirs, what) => {
    const problems = borrowedSelectors(created(template, 'production'), [production(theirs)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(
      `deployment group "feature-production" would be created from "feature-template" with ${what}`,
    );
    expect(problems[0]!.message).toContain(`of "production" picks, the group ${NAMED_BY}; refused`);
    expect(problems[0]!.location).toEqual({ file: 'c.yml', line: 6, col: 3 });
    expect(problems[0]!.hint).toContain('a fixed part');
    // The same template for another branch picks nothing of production's.
    expect(borrowedSelectors(created(template, 'login'), [production(theirs)])).toEqual([]);
  });

  it('load balancers and target groups are copied as they are: the template chose them, not the ref', () => {
    const template = {
      loadBalancerInfo: {
        elbInfoList: [{ name: 'elb-{name}' }],
        targetGroupInfoList: [{ name: 'tg-{name}' }],
      },
    };
    const group = created(template, 'production');
    expect(group.input.loadBalancerInfo).toEqual(template.loadBalancerInfo);
    const theirs = production({ loadBalancerInfo: { targetGroupInfoList: [{ name: 'tg-{name}' }] } });
    expect(borrowedSelectors(group, [theirs])).toEqual([]);
  });

  it('a filled load balancer or target group name is refused like the rest', () => {
    const group: GroupToCreate = {
      name: 'feature-production',
      from: 'feature-template',
      template: {
        loadBalancerInfo: {
          elbInfoList: [{ name: 'elb-{name}' }],
          targetGroupInfoList: [{ name: 'tg-{name}' }],
        },
      },
      input: {
        deploymentGroupName: 'feature-production',
        serviceRoleArn: 'arn:aws:iam::123456789012:role/CodeDeploy',
        loadBalancerInfo: {
          elbInfoList: [{ name: 'elb-production' }],
          targetGroupInfoList: [{ name: 'tg-production' }],
        },
      },
    };
    const theirs = production({
      loadBalancerInfo: {
        elbInfoList: [{ name: 'ELB-production' }],
        targetGroupPairInfoList: [{ targetGroups: [{ name: 'tg-production' }] }],
      },
    });
    expect(borrowedSelectors(group, [theirs]).map((p) => p.message.split(' (')[0])).toEqual([
      'deployment group "feature-production" would be created from "feature-template" with load balancer "elb-production"',
      'deployment group "feature-production" would be created from "feature-template" with target group "tg-production"',
    ]);
  });

  it("leaves the template's own values alone, even when a named group uses them too", () => {
    const template = { ec2TagFilters: [tag('Tier', 'web'), tag('Environment', 'feature-{name}')] };
    const theirs = production({ ec2TagFilters: [tag('Tier', 'web')] });
    expect(borrowedSelectors(created(template, 'login'), [theirs])).toEqual([]);
  });

  it('names every filled value that is refused, and the first named group each one borrows from', () => {
    const template = { ec2TagFilters: [tag('Environment', '{name}'), tag('Group', '{group}')] };
    const staging: NamedGroup = {
      name: 'staging',
      info: { ec2TagFilters: [tag('group', 'FEATURE-STAGING')] },
      namedBy: '"develop" (c.yml:5:3) deploys to',
    };
    const theirs = production({ ec2TagFilters: [tag('Environment', 'staging')] });
    const problems = borrowedSelectors(created(template, 'staging'), [theirs, staging]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('EC2 tag "Environment=staging" (ec2TagFilters[0]'),
      expect.stringContaining(
        'EC2 tag "Group=feature-staging" (ec2TagFilters[1], filled in from EC2 tag "Group={group}"), which picks what EC2 tag "group=FEATURE-STAGING" of "staging" picks',
      ),
    ]);
  });
});

describe('overlap: what two selectors can both pick', () => {
  const t = (type: string, key?: string, value?: string): Selector => ({
    path: 'p',
    kind: 'EC2 tag',
    type,
    ...(key ? { key } : {}),
    ...(value ? { value } : {}),
  });
  it.each<[Selector, Selector, boolean]>([
    [t('KEY_AND_VALUE', 'Env', 'prod'), t('KEY_AND_VALUE', 'env', 'PROD'), true],
    [t('KEY_AND_VALUE', 'Env', 'prod'), t('KEY_AND_VALUE', 'Env', 'dev'), false],
    [t('KEY_AND_VALUE', 'Env', 'prod'), t('KEY_AND_VALUE', 'Role', 'prod'), false],
    [t('KEY_ONLY', 'Env'), t('KEY_AND_VALUE', 'Env', 'prod'), true],
    [t('KEY_AND_VALUE', 'Env', 'prod'), t('KEY_ONLY', 'Role'), false],
    [t('VALUE_ONLY', undefined, 'prod'), t('KEY_AND_VALUE', 'Env', 'prod'), true],
    [t('KEY_AND_VALUE', 'Role', 'prod'), t('VALUE_ONLY', undefined, 'prod'), true],
    [t('VALUE_ONLY', undefined, 'prod'), t('KEY_ONLY', 'Env'), true],
    [
      { path: 'p', kind: 'on-premises tag', key: 'Env', value: 'prod' },
      t('KEY_AND_VALUE', 'Env', 'prod'),
      false,
    ],
    [
      { path: 'p', kind: 'Auto Scaling group', name: 'web' },
      { path: 'q', kind: 'Auto Scaling group', name: 'WEB' },
      true,
    ],
    [
      { path: 'p', kind: 'load balancer', name: 'web' },
      { path: 'q', kind: 'target group', name: 'web' },
      false,
    ],
  ])('%j and %j: %s', (a, b, expected) => {
    expect(overlap(a, b)).toBe(expected);
    expect(overlap(b, a)).toBe(expected);
  });
});

describe('selectorsOf', () => {
  it('reads Auto Scaling groups both as GetDeploymentGroup describes them and as CreateDeploymentGroup takes them', () => {
    const described: DeploymentGroupInfo = { autoScalingGroups: [{ name: 'a', hook: 'h' }] };
    expect(selectorsOf(described)).toEqual(
      selectorsOf({ deploymentGroupName: 'g', serviceRoleArn: 'arn', autoScalingGroups: ['a'] }),
    );
  });
});
