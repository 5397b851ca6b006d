import type { SourceLocation } from '../core/problems.js';

export const BUNDLE_TYPES = ['zip', 'tgz', 'tar'] as const;
export type BundleType = (typeof BUNDLE_TYPES)[number];
export type FileExistsBehavior = 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
export type RollbackEvent = 'DEPLOYMENT_FAILURE' | 'DEPLOYMENT_STOP_ON_ALARM' | 'DEPLOYMENT_STOP_ON_REQUEST';
export type OnActiveDeployment = 'wait' | 'stop' | 'fail';
export type Strategy = 'parallel' | 'sequential';

/** Where CodeDeploy gets the revision: an archive in S3, or a commit of this GitHub repository. */
export const REVISION_TYPES = ['s3', 'github'] as const;

/** What becomes the revision, and where CodeDeploy gets it. */
export type RevisionSettings = S3RevisionSettings | GitHubRevisionSettings;

/** An S3 bucket and key prefix: where revisions and codedeploy-gitops's own records are kept. */
export interface BucketPlace {
  bucket: string;
  /** S3 key prefix, '' or ending in '/'. */
  prefix: string;
}

/** An archive uploaded to S3 and deployed from there. */
export interface S3RevisionSettings extends BucketPlace {
  type: 's3';
  bundleType: BundleType;
  content: FolderContent | ArchiveContent;
}

/** A folder of the workspace, archived by codedeploy-gitops. */
export interface FolderContent {
  kind: 'folder';
  /** Folder to archive, relative to the workspace. */
  source: string;
  /** Extra exclude globs (gitignore-like, relative to `source`), on top of `.git/` and `.codedeployignore`. */
  exclude: string[];
  /** Secret-looking files meant for the servers (gitignore-like, relative to `source`): not warned about. */
  allowSecretFiles?: string[];
}

/** An archive the build made, uploaded as it is. */
export interface ArchiveContent {
  kind: 'archive';
  /** The archive file, relative to the workspace. */
  archive: string;
  /** Secret-looking files meant for the servers (gitignore-like, relative to the archive's root): not warned about. */
  allowSecretFiles?: string[];
}

/** The workflow's commit, which CodeDeploy downloads from GitHub itself: nothing is archived or uploaded. */
export interface GitHubRevisionSettings {
  type: 'github';
  /** Where the groups codedeploy-gitops creates are recorded (no revision goes there); none without a bucket. */
  records?: BucketPlace;
  /** Secret-looking files of the repository meant for the servers (gitignore-like): not warned about. */
  allowSecretFiles?: string[];
}

/** Settings of one deployment; every one can be overridden per mapping. */
export interface DeploymentSettings {
  /** Undefined: the deployment group's own config decides. */
  deploymentConfig?: string;
  fileExistsBehavior: FileExistsBehavior;
  /** false: no automatic rollback; a list: the events that trigger it; undefined: the group's own setting. */
  autoRollback?: false | RollbackEvent[];
  ignoreApplicationStopFailures: boolean;
  /** Seconds to follow the deployments; false: create them and return. */
  wait: number | false;
  onActiveDeployment: OnActiveDeployment;
  strategy: Strategy;
}

export interface CreateGroup {
  /** Existing group whose settings a missing group is created from. */
  from: string;
}

/** What a workflow_dispatch on a ref the mapping matches may name in `deployment-groups`, beyond its own groups. */
export interface DispatchAllowance {
  groups: string[];
}

/** What a branch, tag or pull request maps to. Group names may hold placeholders such as {branch}. */
export interface Mapping {
  /** The key as written in the file ('master', 'feature/*'), or 'pullRequests'. */
  key: string;
  groups: string[];
  create?: CreateGroup;
  /** GitHub environment name template; defaults to the group name. */
  environment?: string;
  /** URL template shown on the GitHub deployment and the PR comment. */
  environmentUrl?: string;
  dispatch?: DispatchAllowance;
  settings: Partial<DeploymentSettings>;
  location: SourceLocation;
}

/** One entry of `branches` or `tags`; `pattern` is false for an exact name, which beats every pattern. */
export type MapEntry =
  | { kind: 'skip'; key: string; pattern: boolean; location: SourceLocation }
  | ({ kind: 'deploy'; pattern: boolean } & RefMapping);

/** What a branch or tag maps to, with what only refs have. */
export interface RefMapping extends Mapping {
  /** Branches: the deletion of a matching branch tears its groups down (those this project created are deleted). */
  deleteOnBranchDelete: boolean;
  /** Tags: a GitHub pre-release of a matching tag deploys too (otherwise it is skipped). */
  prereleases: boolean;
}

export interface PullRequestSettings extends Mapping {
  deleteOnClose: boolean;
  forks: 'deny' | 'allow';
  /** `pull_request_target` runs with secrets on fork code: refused unless 'allow'. */
  pullRequestTarget: 'deny' | 'allow';
}

export interface Config {
  file: string;
  application: string;
  createApplication: boolean;
  revision: RevisionSettings;
  defaults: DeploymentSettings;
  branches: MapEntry[];
  tags: MapEntry[];
  pullRequests?: PullRequestSettings;
  /** What a ref that no entry matches does. */
  unmatched: 'skip' | 'fail';
  /**
   * The files this application is built from (gitignore-style, from the repository root): a push
   * deploys it only when a changed file matches. Undefined: every push does.
   */
  paths?: string[];
}
