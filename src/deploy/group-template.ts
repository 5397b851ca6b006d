import type { CreateDeploymentGroupCommandInput, DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import { PLACEHOLDER, type PlaceholderValues } from '../config/naming.js';

type GroupInput = Omit<CreateDeploymentGroupCommandInput, 'applicationName'>;

/**
 * The CreateDeploymentGroup input for a new group (a feature branch, a PR preview) copied from a
 * template group: service role, deployment config, instance selection, alarms, rollback, style.
 * Placeholders in the template's tag values and Auto Scaling group names are filled, so a template
 * tagged `Environment={name}` selects the instances of this branch; {group} is the new group's name.
 * The template is GetDeploymentGroup's full answer: what only describes the template (its ids, last
 * deployments, the lifecycle hooks CodeDeploy made on its Auto Scaling groups) is not copied.
 * Type-only import: this module stays free of SDK code.
 */
export function groupFromTemplate(
  template: DeploymentGroupInfo,
  name: string,
  values: PlaceholderValues,
): GroupInput {
  const fill = (text: string | undefined): string | undefined =>
    text?.replace(PLACEHOLDER, (whole, key: string) => {
      if (key === 'group') return name;
      const value = (values as Record<string, string | undefined>)[key];
      return value ?? whole;
    });
  const tagFilters = <T extends { Key?: string; Value?: string }>(
    filters: T[] | undefined,
  ): T[] | undefined =>
    filters?.map((filter) => ({ ...filter, Key: fill(filter.Key), Value: fill(filter.Value) }));
  // CodeDeploy answers an empty tag set ({ec2TagSetList: []}) for a group selected by tag filters;
  // only a tag set that holds tags is copied, so the new group is selected the template's way.
  const tagSet = <T extends { Key?: string; Value?: string }>(
    set: { [k: string]: T[][] | undefined } | undefined,
    key: string,
  ) => {
    const tagGroups = set?.[key];
    return tagGroups?.some((group) => group.length > 0)
      ? { [key]: tagGroups.map((group) => tagFilters(group) ?? []) }
      : undefined;
  };

  const input: GroupInput = {
    deploymentGroupName: name,
    serviceRoleArn: template.serviceRoleArn,
    deploymentConfigName: template.deploymentConfigName,
    ec2TagFilters: tagFilters(template.ec2TagFilters),
    onPremisesInstanceTagFilters: tagFilters(template.onPremisesInstanceTagFilters),
    autoScalingGroups: template.autoScalingGroups?.map((asg) => fill(asg.name)!).filter(Boolean),
    ec2TagSet: tagSet(template.ec2TagSet as never, 'ec2TagSetList') as GroupInput['ec2TagSet'],
    onPremisesTagSet: tagSet(
      template.onPremisesTagSet as never,
      'onPremisesTagSetList',
    ) as GroupInput['onPremisesTagSet'],
    alarmConfiguration: template.alarmConfiguration,
    autoRollbackConfiguration: template.autoRollbackConfiguration,
    deploymentStyle: template.deploymentStyle,
    blueGreenDeploymentConfiguration: template.blueGreenDeploymentConfiguration,
    loadBalancerInfo: template.loadBalancerInfo,
    outdatedInstancesStrategy: template.outdatedInstancesStrategy,
    triggerConfigurations: template.triggerConfigurations,
    terminationHookEnabled: template.terminationHookEnabled,
  };
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as GroupInput;
}
