import type { DeploymentGroupInfo, DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { formatDuration } from '../config/duration.js';

/**
 * Blue/green groups, as the action sees them: how long to follow their deployments, and how to
 * describe the two fleets while they move. The deployment style belongs to the deployment group,
 * never to the config file. Type-only SDK import: this module stays pure.
 */

/** What the action does when a deployment waits, Ready, for traffic to be rerouted (the `on-ready` input). */
export type OnReady = 'wait' | 'continue' | 'stop';

/**
 * The longest wait the group's timers can extend the user's wait to, as the official ECS deploy
 * action caps it: a GitHub-hosted job runs six hours at most. A longer wait of the user's own stays.
 */
export const MAX_EXTENDED_WAIT_SECONDS = 6 * 3600;

type GroupStyle = Pick<DeploymentGroupInfo, 'deploymentStyle' | 'blueGreenDeploymentConfiguration'>;

export function isBlueGreenGroup(group: GroupStyle | undefined): boolean {
  return group?.deploymentStyle?.deploymentType === 'BLUE_GREEN';
}

export interface WaitPlan {
  /** How long to follow the deployment. */
  seconds: number;
  /** The group's timers added to the user's wait (none for in-place groups). */
  extras: Array<{ what: string; minutes: number }>;
  /** The total was cut to MAX_EXTENDED_WAIT_SECONDS. */
  capped: boolean;
}

/**
 * A blue/green deployment outlives the install by the group's own timers, which the user's `wait`
 * does not know about: the deployment-ready wait (only when CodeDeploy holds the deployment Ready,
 * STOP_DEPLOYMENT, and the action waits for a person to reroute) and the termination wait of the
 * original fleet (not with KEEP_ALIVE). Both are added to the wait, as the ECS deploy action does.
 */
export function planWait(waitSeconds: number, group: GroupStyle | undefined, onReady: OnReady): WaitPlan {
  if (!isBlueGreenGroup(group)) return { seconds: waitSeconds, extras: [], capped: false };
  const config = group?.blueGreenDeploymentConfiguration;
  const extras: WaitPlan['extras'] = [];
  const ready = config?.deploymentReadyOption;
  const readyMinutes = ready?.waitTimeInMinutes ?? 0;
  if (onReady === 'wait' && ready?.actionOnTimeout === 'STOP_DEPLOYMENT' && readyMinutes > 0)
    extras.push({ what: 'deployment-ready wait', minutes: readyMinutes });
  const termination = config?.terminateBlueInstancesOnDeploymentSuccess;
  const terminationMinutes = termination?.terminationWaitTimeInMinutes ?? 0;
  if (termination?.action !== 'KEEP_ALIVE' && terminationMinutes > 0)
    extras.push({ what: 'termination wait of the original fleet', minutes: terminationMinutes });
  const total = waitSeconds + extras.reduce((sum, extra) => sum + extra.minutes * 60, 0);
  const cap = Math.max(waitSeconds, MAX_EXTENDED_WAIT_SECONDS);
  return { seconds: Math.min(total, cap), extras, capped: total > cap };
}

/** "following it up to 1h40m: wait 30m + deployment-ready wait 1h + …" */
export function describeWaitPlan(waitSeconds: number, plan: WaitPlan): string {
  if (plan.extras.length === 0) return `following it up to ${formatDuration(plan.seconds)} (wait)`;
  const parts = [
    `wait ${formatDuration(waitSeconds)}`,
    ...plan.extras.map((extra) => `${extra.what} ${formatDuration(extra.minutes * 60)}`),
  ];
  const cap = plan.capped ? `, capped at ${formatDuration(plan.seconds)}` : '';
  return `following it up to ${formatDuration(plan.seconds)}: ${parts.join(' + ')}${cap}`;
}

const FLEETS = [
  { label: 'Green', name: 'replacement fleet' },
  { label: 'Blue', name: 'original fleet' },
] as const;

/**
 * One phrase per fleet, from the deployment's targets: where each instance is in its lifecycle,
 * e.g. "replacement fleet: 2 at AllowTraffic · original fleet: 2 pending". The traffic events
 * (BeforeAllowTraffic … AfterBlockTraffic) show by name. Undefined for in-place targets.
 */
export function describeFleets(targets: readonly DeploymentTarget[]): string | undefined {
  const phrases: string[] = [];
  for (const fleet of FLEETS) {
    const states = new Map<string, number>();
    for (const target of targets) {
      const instance = target.instanceTarget;
      if (instance?.instanceLabel !== fleet.label) continue;
      const state = instanceState(instance.status, instance.lifecycleEvents ?? []);
      states.set(state, (states.get(state) ?? 0) + 1);
    }
    if (states.size === 0) continue;
    phrases.push(`${fleet.name}: ${[...states].map(([state, count]) => `${count} ${state}`).join(', ')}`);
  }
  return phrases.length > 0 ? phrases.join(' · ') : undefined;
}

function instanceState(
  status: string | undefined,
  events: ReadonlyArray<{ lifecycleEventName?: string; status?: string }>,
): string {
  switch (status) {
    case 'Pending':
      return 'pending';
    case 'Ready':
      return 'ready for traffic';
    case 'Succeeded':
      return 'done';
    case 'Skipped':
      return 'skipped';
    case 'Failed':
      return `failed at ${events.find((event) => event.status === 'Failed')?.lifecycleEventName ?? 'an event'}`;
    default: {
      const current =
        events.find((event) => event.status === 'InProgress') ??
        events.filter((event) => event.status === 'Succeeded').at(-1);
      return current?.lifecycleEventName ? `at ${current.lifecycleEventName}` : 'starting';
    }
  }
}

/** Which fleet a target belongs to, in words ("replacement fleet"), for failure reports. */
export function fleetOf(label: string | undefined): 'original' | 'replacement' | undefined {
  if (label === 'Blue') return 'original';
  if (label === 'Green') return 'replacement';
  return undefined;
}
