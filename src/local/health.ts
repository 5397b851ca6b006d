import type {
  DeploymentConfigRecord,
  ErrorInformation,
  MinimumHealthyHosts,
  TargetStatus,
} from './records.js';

/**
 * Deployment configurations and CodeDeploy's minimum-healthy-hosts rules, as pure functions.
 *
 * CodeDeploy converts the configuration to a number of instances that must stay healthy
 * (FLEET_PERCENT rounds up), deploys to as many instances at once as that leaves free, fails the
 * deployment when no further instance can be started without going below it (HEALTH_CONSTRAINTS),
 * and at the end requires that many successes (at least one). OneAtATime is special: one instance
 * at a time, and all instances but the last must succeed ("MOST_CONCURRENCY 1").
 */

export const DEFAULT_CONFIG_NAME = 'CodeDeployDefault.OneAtATime';

const BUILT_IN: ReadonlyArray<Omit<DeploymentConfigRecord, 'createTime'>> = [
  {
    deploymentConfigId: 'ae79a8ec-7b5f-4f4e-8c8c-0b4a8c3e0a01',
    deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    minimumHealthyHosts: { type: 'MOST_CONCURRENCY', value: 1 },
    computePlatform: 'Server',
  },
  {
    deploymentConfigId: 'ae79a8ec-7b5f-4f4e-8c8c-0b4a8c3e0a02',
    deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
    minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 50 },
    computePlatform: 'Server',
  },
  {
    deploymentConfigId: 'ae79a8ec-7b5f-4f4e-8c8c-0b4a8c3e0a03',
    deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
    minimumHealthyHosts: { type: 'HOST_COUNT', value: 0 },
    computePlatform: 'Server',
  },
];

/** The built-in configurations; their createTime is the service's start, as good as any. */
export function builtInConfigs(createTime: number): DeploymentConfigRecord[] {
  return BUILT_IN.map((config) => ({ ...config, createTime }));
}

export function isBuiltInConfigName(name: string): boolean {
  return name.startsWith('CodeDeployDefault.');
}

export interface HealthPlan {
  /** Instances that must stay healthy (not failed, not being deployed to). */
  minimumHealthy: number;
  /** Most instances deployed to at the same time. */
  maxConcurrent: number;
  /** Successful instances needed at the end. */
  requiredSuccesses: number;
}

/** The plan for `instances` instances, or an error when the rule cannot be met at all. */
export function planHealth(
  rule: MinimumHealthyHosts,
  instances: number,
): { plan: HealthPlan } | { error: ErrorInformation } {
  if (rule.type === 'MOST_CONCURRENCY') {
    const minimumHealthy = Math.max(0, instances - rule.value);
    return {
      plan: { minimumHealthy, maxConcurrent: rule.value, requiredSuccesses: Math.max(1, minimumHealthy) },
    };
  }
  const minimumHealthy = rule.type === 'HOST_COUNT' ? rule.value : Math.ceil((instances * rule.value) / 100);
  if (minimumHealthy >= instances) {
    return {
      error: {
        code: 'HEALTH_CONSTRAINTS_INVALID',
        message:
          `The deployment failed because the minimum number of healthy instances (${minimumHealthy}, from ` +
          `${rule.type} ${rule.value}) is not lower than the number of instances in the deployment group ` +
          `(${instances}), so no instance can be taken offline. Use a deployment configuration with a lower ` +
          'minimum, or add instances.',
      },
    };
  }
  return {
    plan: {
      minimumHealthy,
      maxConcurrent: instances - minimumHealthy,
      requiredSuccesses: Math.max(1, minimumHealthy),
    },
  };
}

export const HEALTH_CONSTRAINTS_MESSAGE =
  'The overall deployment failed because too many individual instances failed deployment, too few ' +
  'healthy instances are available for deployment, or some instances in your deployment group are ' +
  'experiencing problems.';

export type NextStep =
  | { kind: 'start'; count: number }
  | { kind: 'wait' }
  | { kind: 'finish'; status: 'Succeeded' | 'Failed'; errorInformation?: ErrorInformation };

/**
 * What the engine does next given the instances' statuses: start `count` more instances, wait for a
 * running one, or finish. Pure, so every configuration's arithmetic is unit-tested.
 */
export function nextStep(plan: HealthPlan, statuses: readonly TargetStatus[]): NextStep {
  const count = (status: TargetStatus) => statuses.filter((s) => s === status).length;
  const pending = count('Pending');
  const running = count('InProgress');
  const failed = count('Failed');
  const succeeded = count('Succeeded');
  const total = statuses.length;
  const room = Math.min(plan.maxConcurrent - running, total - plan.minimumHealthy - running - failed);
  const start = Math.min(pending, Math.max(0, room));
  if (start > 0) return { kind: 'start', count: start };
  if (running > 0) return { kind: 'wait' };
  if (pending === 0 && succeeded >= plan.requiredSuccesses) return { kind: 'finish', status: 'Succeeded' };
  return {
    kind: 'finish',
    status: 'Failed',
    errorInformation: { code: 'HEALTH_CONSTRAINTS', message: HEALTH_CONSTRAINTS_MESSAGE },
  };
}
