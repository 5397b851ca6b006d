/**
 * The local CodeDeploy's state, as kept in memory and persisted as JSON. Times are epoch milliseconds
 * here; the wire layer turns them into the epoch seconds CodeDeploy sends.
 * Member names follow the CodeDeploy API model (botocore codedeploy/2014-10-06) so records map to
 * responses without renaming.
 */

export type DeploymentStatus =
  | 'Created'
  | 'Queued'
  | 'InProgress'
  | 'Baking'
  | 'Succeeded'
  | 'Failed'
  | 'Stopped'
  | 'Ready';

export const DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = [
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Succeeded',
  'Failed',
  'Stopped',
  'Ready',
];

/** Statuses that block a new deployment on the same group (DeploymentLimitExceededException). */
export const ACTIVE_STATUSES: ReadonlySet<DeploymentStatus> = new Set([
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Ready',
]);

export const TERMINAL_STATUSES: ReadonlySet<DeploymentStatus> = new Set(['Succeeded', 'Failed', 'Stopped']);

export type TargetStatus =
  | 'Pending'
  | 'InProgress'
  | 'Succeeded'
  | 'Failed'
  | 'Skipped'
  | 'Unknown'
  | 'Ready';
export type LifecycleEventStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown';

export type DiagnosticsErrorCode =
  | 'Success'
  | 'ScriptMissing'
  | 'ScriptNotExecutable'
  | 'ScriptTimedOut'
  | 'ScriptFailed'
  | 'UnknownError';

export type FileExistsBehavior = 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
export type BundleType = 'tar' | 'tgz' | 'zip' | 'YAML' | 'JSON';

export interface S3Location {
  bucket?: string;
  key?: string;
  bundleType?: BundleType;
  version?: string;
  eTag?: string;
}

/** An ETag without its quotes: revisions and S3 write them with or without, the agent compares them bare. */
export function bareETag(eTag: string | undefined): string {
  return (eTag ?? '').replaceAll('"', '');
}

export interface RevisionLocation {
  revisionType?: 'S3' | 'GitHub' | 'String' | 'AppSpecContent';
  s3Location?: S3Location;
  gitHubLocation?: { repository?: string; commitId?: string };
  string?: { content?: string; sha256?: string };
  appSpecContent?: { content?: string; sha256?: string };
}

export interface AutoRollbackConfiguration {
  enabled?: boolean;
  events?: string[];
}

export interface MinimumHealthyHosts {
  /** MOST_CONCURRENCY is what CodeDeploy returns for OneAtATime; it cannot be set by users. */
  type: 'HOST_COUNT' | 'FLEET_PERCENT' | 'MOST_CONCURRENCY';
  value: number;
}

/** A resource tag (TagResource, CreateApplication's and CreateDeploymentGroup's tags, on-premises tags). */
export interface Tag {
  Key?: string;
  Value?: string;
}

export interface DeploymentConfigRecord {
  deploymentConfigId: string;
  deploymentConfigName: string;
  minimumHealthyHosts: MinimumHealthyHosts;
  createTime: number;
  computePlatform: 'Server';
  /** Kept as given and returned; the local engine deploys by minimumHealthyHosts only. */
  zonalConfig?: Record<string, unknown>;
  trafficRoutingConfig?: Record<string, unknown>;
  tags?: Tag[];
}

export interface RegisteredRevision {
  revision: RevisionLocation;
  description?: string;
  registerTime: number;
  firstUsedTime?: number;
  lastUsedTime?: number;
  deploymentGroups: string[];
}

export interface ApplicationRecord {
  applicationId: string;
  applicationName: string;
  createTime: number;
  computePlatform: 'Server' | 'Lambda' | 'ECS';
  revisions: RegisteredRevision[];
  tags?: Tag[];
}

export interface TagFilter {
  Key?: string;
  Value?: string;
  Type?: 'KEY_ONLY' | 'VALUE_ONLY' | 'KEY_AND_VALUE';
}

/**
 * A deployment group as given (every settable member the API model knows is kept and returned,
 * blue/green settings included) plus what the service maintains.
 */
export interface DeploymentGroupRecord {
  deploymentGroupId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  serviceRoleArn: string;
  computePlatform: 'Server' | 'Lambda' | 'ECS';
  /** Settable members other than the names, config, role and tags, as last given (model-checked). */
  settings: Record<string, unknown>;
  tags?: Tag[];
  targetRevision?: RevisionLocation;
  lastSuccessfulDeploymentId?: string;
  lastAttemptedDeploymentId?: string;
  /**
   * The group's instances once a blue/green deployment replaced them (its replacement fleet);
   * until then, the instances its `local:instances` tag or the default count derive.
   */
  fleet?: string[];
  /** Instances registered with the group's local router; undefined: the whole fleet. */
  traffic?: string[];
  /** Port of the group's local router, kept so its URL survives a restart. */
  routerPort?: number;
}

/** A local instance that exists (has a port, may run processes), whether in a group's fleet or not. */
export interface InstanceRecord {
  instanceId: string;
  deploymentGroupId: string;
  /** 127.0.0.1 port the instance's application listens on (hooks get LOCAL_CODEDEPLOY_INSTANCE_PORT). */
  port: number;
  /**
   * `kept`: out of its group but left running: an original instance under KEEP_ALIVE, or a
   * replacement instance of a blue/green deployment that failed without a rollback.
   */
  state: 'in-service' | 'kept';
}

export interface Diagnostics {
  errorCode: DiagnosticsErrorCode;
  scriptName: string;
  message: string;
  logTail: string;
}

export interface LifecycleEventRecord {
  lifecycleEventName: string;
  status: LifecycleEventStatus;
  startTime?: number;
  endTime?: number;
  diagnostics?: Diagnostics;
}

export type InstanceLabel = 'Blue' | 'Green';

export interface InstanceTargetRecord {
  targetId: string;
  targetArn: string;
  status: TargetStatus;
  /** Blue/green deployments: original (Blue) or replacement (Green) instance. */
  instanceLabel?: InstanceLabel;
  lastUpdatedAt: number;
  lifecycleEvents: LifecycleEventRecord[];
}

export interface ErrorInformation {
  code: string;
  message: string;
}

export interface RollbackInfo {
  rollbackDeploymentId?: string;
  rollbackTriggeringDeploymentId?: string;
  rollbackMessage?: string;
}

export interface DeploymentRecord {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentGroupId: string;
  deploymentConfigName: string;
  /** The configuration's rule, frozen when the deployment is created. */
  minimumHealthyHosts: MinimumHealthyHosts;
  revision: RevisionLocation;
  previousRevision?: RevisionLocation;
  status: DeploymentStatus;
  errorInformation?: ErrorInformation;
  createTime: number;
  startTime?: number;
  completeTime?: number;
  description?: string;
  creator: 'user' | 'codeDeployRollback';
  ignoreApplicationStopFailures: boolean;
  /** As given; the local engine deploys to every instance of the group either way. */
  updateOutdatedInstancesOnly?: boolean;
  /** RESTART: the group's last successful revision again (absent for a standard deployment, as on AWS). */
  deploymentMode?: 'RESTART';
  autoRollbackConfiguration?: AutoRollbackConfiguration;
  overrideAlarmConfiguration?: Record<string, unknown>;
  rollbackInfo?: RollbackInfo;
  fileExistsBehavior: FileExistsBehavior;
  /** The group's deploymentStyle / load balancer / blue-green settings at creation time. */
  deploymentStyle?: Record<string, unknown>;
  loadBalancerInfo?: Record<string, unknown>;
  blueGreenDeploymentConfiguration?: Record<string, unknown>;
  targetInstances?: Record<string, unknown>;
  /** Assigned when the deployment starts; until then target queries answer DeploymentNotStarted. */
  targets?: InstanceTargetRecord[];
  /** Set by StopDeployment; the engine turns it into status Stopped. */
  stopRequest?: { time: number; autoRollbackEnabled?: boolean };
  /**
   * Blue/green: the original fleet (Blue) and the replacement fleet (Green). A blue/green rollback
   * (creator codeDeployRollback) carries the failed deployment's fleets and moves traffic back.
   */
  fleets?: { original: string[]; replacement: string[] };
  /** When the replacement fleet started waiting for ContinueDeployment (status Ready). */
  readyWaitStartedAt?: number;
  /** When the original fleet's termination wait started (instanceTerminationWaitTimeStarted). */
  terminationWaitStartedAt?: number;
  /** The waits ContinueDeployment ended early. */
  continued?: Array<'READY_WAIT' | 'TERMINATION_WAIT'>;
}

/** An on-premises instance registered with RegisterOnPremisesInstance (kept, not deployed to). */
export interface OnPremisesInstanceRecord {
  instanceName: string;
  iamSessionArn?: string;
  iamUserArn?: string;
  instanceArn: string;
  registerTime: number;
  deregisterTime?: number;
  tags: Tag[];
}
