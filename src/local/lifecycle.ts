/**
 * A deployment's lifecycle as data: the ordered events one instance goes through, what each one
 * does and which revision's appspec it takes its scripts from. The engine and the agent only walk
 * this list, so blue/green (replacement fleet, traffic events, Ready + ContinueDeployment) is a
 * matter of returning another list, not of rewriting the agent.
 */
export type StepAction =
  /** Run the appspec's hooks for this event (no hooks: succeeds at once). */
  | 'hooks'
  /** Fetch, check and unpack the bundle. */
  | 'download'
  /** Copy `files`, apply `permissions`. */
  | 'install'
  /** Take the instance out of / put it back into the load balancer. Nothing to do without one. */
  | 'traffic';

export interface LifecycleStep {
  event: string;
  action: StepAction;
  /**
   * `last-successful`: the scripts of the revision last installed successfully on this instance
   * for this group (the real agent's rule for ApplicationStop and the BlockTraffic hooks); nothing
   * runs when there is none. `current`: the revision being deployed.
   */
  revision: 'last-successful' | 'current';
}

const BLOCK_TRAFFIC: LifecycleStep[] = [
  { event: 'BeforeBlockTraffic', action: 'hooks', revision: 'last-successful' },
  { event: 'BlockTraffic', action: 'traffic', revision: 'last-successful' },
  { event: 'AfterBlockTraffic', action: 'hooks', revision: 'last-successful' },
];

const IN_PLACE: LifecycleStep[] = [
  { event: 'ApplicationStop', action: 'hooks', revision: 'last-successful' },
  { event: 'DownloadBundle', action: 'download', revision: 'current' },
  { event: 'BeforeInstall', action: 'hooks', revision: 'current' },
  { event: 'Install', action: 'install', revision: 'current' },
  { event: 'AfterInstall', action: 'hooks', revision: 'current' },
  { event: 'ApplicationStart', action: 'hooks', revision: 'current' },
  { event: 'ValidateService', action: 'hooks', revision: 'current' },
];

const ALLOW_TRAFFIC: LifecycleStep[] = [
  { event: 'BeforeAllowTraffic', action: 'hooks', revision: 'current' },
  { event: 'AllowTraffic', action: 'traffic', revision: 'current' },
  { event: 'AfterAllowTraffic', action: 'hooks', revision: 'current' },
];

/** Every event an appspec may name hooks for (the agent rejects others). */
export const HOOK_EVENTS: ReadonlySet<string> = new Set(
  [...BLOCK_TRAFFIC, ...IN_PLACE, ...ALLOW_TRAFFIC].filter((s) => s.action === 'hooks').map((s) => s.event),
);

export interface LifecycleSettings {
  deploymentStyle?: Record<string, unknown>;
  loadBalancerInfo?: Record<string, unknown>;
}

/**
 * The in-place lifecycle; with traffic control and a load balancer, the traffic events around it
 * (as CodeDeploy lists them for such groups).
 */
export function inPlaceLifecycle(settings: LifecycleSettings): LifecycleStep[] {
  const withTraffic =
    settings.deploymentStyle?.deploymentOption === 'WITH_TRAFFIC_CONTROL' &&
    settings.loadBalancerInfo !== undefined;
  return withTraffic ? [...BLOCK_TRAFFIC, ...IN_PLACE, ...ALLOW_TRAFFIC] : [...IN_PLACE];
}

export function isBlueGreen(settings: LifecycleSettings): boolean {
  return settings.deploymentStyle?.deploymentType === 'BLUE_GREEN';
}
