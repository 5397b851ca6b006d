import { isMapping, type Mapping } from './context.js';

/**
 * AWS Lambda and Amazon ECS deployments have AppSpecs too, with a `Resources` list of
 * `AWS::Lambda::Function` or `AWS::ECS::Service` targets instead of `os`, `files` and scripts.
 * CodeDeploy gives them to the deployment itself; an EC2/on-premises agent reading one fails at
 * once (it has no `os`). This tool deploys EC2/on-premises revisions, so such a file is named for
 * what it is rather than reported key by key.
 */
export type OtherPlatform = 'AWS Lambda' | 'Amazon ECS';

export function otherPlatform(root: Mapping): { platform: OtherPlatform; type: string } | undefined {
  const resources = root.Resources;
  const items = Array.isArray(resources) ? resources : isMapping(resources) ? [resources] : [];
  for (const item of items) {
    if (!isMapping(item)) continue;
    for (const resource of Object.values(item)) {
      const type = isMapping(resource) ? resource.Type : undefined;
      if (typeof type !== 'string') continue;
      if (type.startsWith('AWS::Lambda::')) return { platform: 'AWS Lambda', type };
      if (type.startsWith('AWS::ECS::')) return { platform: 'Amazon ECS', type };
    }
  }
  return undefined;
}
