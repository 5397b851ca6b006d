import type { DeploymentGroupInfo, EC2TagFilter, TagFilter } from '@aws-sdk/client-codedeploy';
import { type Problem, problem, type SourceLocation } from '../core/problems.js';
import type { GroupInput } from './ports.js';

/**
 * What picks a deployment group's targets: instances by EC2 or on-premises tag, Auto Scaling
 * groups, and the load balancers and target groups whose traffic a deployment moves.
 * Type-only SDK import: this module stays pure.
 */
export interface Selector {
  /** Where in the group's settings, as CreateDeploymentGroup names the field: `ec2TagFilters[0]`. */
  path: string;
  kind: 'EC2 tag' | 'on-premises tag' | 'Auto Scaling group' | 'load balancer' | 'target group';
  /** Tags: KEY_ONLY, VALUE_ONLY or KEY_AND_VALUE (the default). */
  type?: string;
  key?: string;
  value?: string;
  /** Auto Scaling groups, load balancers, target groups. */
  name?: string;
}

/** The selecting fields, as GetDeploymentGroup returns them or CreateDeploymentGroup takes them. */
type SelectingSettings = Pick<
  DeploymentGroupInfo,
  'ec2TagFilters' | 'onPremisesInstanceTagFilters' | 'ec2TagSet' | 'onPremisesTagSet' | 'loadBalancerInfo'
> & { autoScalingGroups?: Array<string | { name?: string | undefined }> | undefined };

/** Every selector of a group, each with its place in the group's settings. */
export function selectorsOf(group: SelectingSettings | GroupInput): Selector[] {
  const settings = group as SelectingSettings;
  const tags = (kind: Selector['kind'], path: string, filters: Array<EC2TagFilter | TagFilter> = []) =>
    filters.map((filter, index) => ({
      path: `${path}[${index}]`,
      kind,
      ...(filter.Type ? { type: filter.Type } : {}),
      ...(filter.Key !== undefined ? { key: filter.Key } : {}),
      ...(filter.Value !== undefined ? { value: filter.Value } : {}),
    }));
  const named = (kind: Selector['kind'], path: string, names: Array<string | undefined>) =>
    names.flatMap((name, index) => (name === undefined ? [] : [{ path: `${path}[${index}]`, kind, name }]));
  const lb = settings.loadBalancerInfo;
  return [
    ...tags('EC2 tag', 'ec2TagFilters', settings.ec2TagFilters),
    ...(settings.ec2TagSet?.ec2TagSetList ?? []).flatMap((set, index) =>
      tags('EC2 tag', `ec2TagSet[${index}]`, set),
    ),
    ...tags('on-premises tag', 'onPremisesInstanceTagFilters', settings.onPremisesInstanceTagFilters),
    ...(settings.onPremisesTagSet?.onPremisesTagSetList ?? []).flatMap((set, index) =>
      tags('on-premises tag', `onPremisesTagSet[${index}]`, set),
    ),
    ...named(
      'Auto Scaling group',
      'autoScalingGroups',
      (settings.autoScalingGroups ?? []).map((asg) => (typeof asg === 'string' ? asg : asg.name)),
    ),
    ...named(
      'load balancer',
      'loadBalancerInfo.elbInfoList',
      (lb?.elbInfoList ?? []).map((elb) => elb.name),
    ),
    ...named(
      'target group',
      'loadBalancerInfo.targetGroupInfoList',
      (lb?.targetGroupInfoList ?? []).map((tg) => tg.name),
    ),
    ...(lb?.targetGroupPairInfoList ?? []).flatMap((pair, index) =>
      named(
        'target group',
        `loadBalancerInfo.targetGroupPairInfoList[${index}].targetGroups`,
        (pair.targetGroups ?? []).map((tg) => tg.name),
      ),
    ),
  ];
}

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Whether two selectors can pick the same target. Tag filters match an instance's tag by key and
 * value, by key only (KEY_ONLY) or by value only (VALUE_ONLY); the rest match by name. Compared
 * without case, to err on the side of refusing.
 */
export function overlap(a: Selector, b: Selector): boolean {
  if (a.kind !== b.kind) return false;
  if (a.name !== undefined || b.name !== undefined) return same(a.name, b.name);
  const anyKey = a.type === 'VALUE_ONLY' || b.type === 'VALUE_ONLY';
  const anyValue = a.type === 'KEY_ONLY' || b.type === 'KEY_ONLY';
  return (anyKey || same(a.key, b.key)) && (anyValue || same(a.value, b.value));
}

export function describeSelector(selector: Selector): string {
  if (selector.name !== undefined) return `${selector.kind} "${selector.name}"`;
  if (selector.type === 'KEY_ONLY') return `${selector.kind} key "${selector.key}"`;
  if (selector.type === 'VALUE_ONLY') return `${selector.kind} value "${selector.value}"`;
  return `${selector.kind} "${selector.key}=${selector.value}"`;
}

/** A group about to be created from a template, with the settings the template's placeholders gave it. */
export interface GroupToCreate {
  name: string;
  from: string;
  template: DeploymentGroupInfo;
  input: GroupInput;
  /** The mapping that creates it, where a refusal points. */
  location?: SourceLocation;
}

/** A group the config names outright, as CodeDeploy describes it, and who names it. */
export interface NamedGroup {
  name: string;
  info: DeploymentGroupInfo;
  /** `"master" (c.yml:4:3) deploys to`. */
  namedBy: string;
}

/** The selectors of a new group that its template's placeholders filled in: they differ from the template's at the same place. */
export function filledSelectors(created: GroupToCreate): Array<{ selector: Selector; original?: Selector }> {
  const template = new Map(selectorsOf(created.template).map((s) => [s.path, s]));
  return selectorsOf(created.input).flatMap((selector) => {
    const original = template.get(selector.path);
    if (original && describeSelector(original) === describeSelector(selector)) return [];
    return [{ selector, ...(original ? { original } : {}) }];
  });
}

/**
 * The filled-in selectors of a new group that pick what a group the config names picks: with a
 * template tagged `Environment={name}`, a push of feature/production would create a group selecting
 * production's instances. One problem per such selector, naming the group it borrows from and why
 * that group is named.
 */
export function borrowedSelectors(created: GroupToCreate, named: NamedGroup[]): Problem[] {
  const problems: Problem[] = [];
  for (const { selector, original } of filledSelectors(created)) {
    for (const group of named) {
      const theirs = selectorsOf(group.info).find((candidate) => overlap(selector, candidate));
      if (!theirs) continue;
      problems.push(
        problem(
          `deployment group "${created.name}" would be created from "${created.from}" with ${describeSelector(selector)} (${selector.path}, filled in from ${original ? describeSelector(original) : 'the template'}), which picks what ${describeSelector(theirs)} of "${group.name}" picks, the group ${group.namedBy}; refused, so that a ref's name cannot choose another group's instances`,
          created.location,
          `give the template's ${selector.kind} a fixed part ("feature-{name}" rather than "{name}") that no named group uses, or rename the ref`,
        ),
      );
      break;
    }
  }
  return problems;
}
