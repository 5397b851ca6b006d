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
  /** Take the instance out of / put it into the group's load balancer: its local router. */
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

/** The events one instance of a blue/green deployment goes through, by its fleet. */
export interface BlueGreenLifecycle {
  /** Blue: the instances that served before the deployment. */
  original: LifecycleStep[];
  /** Green: the instances the deployment provisions. */
  replacement: LifecycleStep[];
}

/**
 * CodeDeploy's EC2 blue/green order: the replacement instances install the revision and take
 * traffic (…ValidateService, BeforeAllowTraffic, AllowTraffic, AfterAllowTraffic); then the original
 * instances lose it (BeforeBlockTraffic, BlockTraffic, AfterBlockTraffic), running the scripts of
 * the revision they serve.
 */
export function blueGreenLifecycle(): BlueGreenLifecycle {
  return { original: [...BLOCK_TRAFFIC], replacement: [...IN_PLACE, ...ALLOW_TRAFFIC] };
}

/**
 * A blue/green rollback reverses the traffic events: the original instances take traffic back
 * (the allow events) and the replacement instances lose it (the block events), each with the
 * scripts of the revision it last installed.
 */
export function blueGreenRollbackLifecycle(): BlueGreenLifecycle {
  return {
    original: ALLOW_TRAFFIC.map((step) => ({ ...step, revision: 'last-successful' })),
    replacement: [...BLOCK_TRAFFIC],
  };
}

/** How many steps of the replacement lifecycle install the revision (before any traffic event). */
export const INSTALL_STEPS = IN_PLACE.length;
