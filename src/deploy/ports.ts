import type { Readable } from 'node:stream';
import type {
  CreateDeploymentCommandInput,
  CreateDeploymentGroupCommandInput,
  DeploymentGroupInfo,
  DeploymentInfo,
  DeploymentStatus,
  DeploymentTarget,
} from '@aws-sdk/client-codedeploy';
import type { BucketPlace, BundleType, GitHubRevisionSettings, S3RevisionSettings } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { ChangedFiles } from '../plan/changes.js';
import type { RevisionReport, RunResult } from './results.js';

/**
 * Everything the deployment flow needs from the world outside it. The faces (src/main.ts for the
 * action, src/commands/local.ts for the CLI) build the adapters once and pass them in; the adapters
 * (src/aws, src/github) implement these and import nothing else from src/deploy. SDK imports here are
 * types only: they name the API's shapes, no SDK code is loaded.
 */

export type { Clock, Logger, RevisionReport, RunResult };

/** The CodeDeploy calls of one application, with permission problems already turned into actionable errors. */
export interface CodeDeployApi {
  applicationExists(): Promise<boolean>;
  createApplication(): Promise<void>;
  /** Undefined when the group does not exist. */
  getGroup(group: string): Promise<DeploymentGroupInfo | undefined>;
  /** The new group's id. */
  createGroup(input: GroupInput): Promise<string>;
  /** A group already gone counts as deleted. */
  deleteGroup(group: string): Promise<void>;
  /** Deployment ids of the group in these statuses (all when omitted), newest first; `limit` stops paging early. */
  listDeployments(group: string, statuses?: DeploymentStatus[], limit?: number): Promise<string[]>;
  /** Sent once: CreateDeployment has no idempotency token, so the caller decides about retries. */
  createDeployment(input: DeploymentInput): Promise<string>;
  getDeployment(id: string): Promise<DeploymentInfo>;
  /** `signal` gives up on a call in flight (the wait's deadline, a cancel). */
  batchGetDeployments(ids: string[], signal?: AbortSignal): Promise<DeploymentInfo[]>;
  /** A deployment that already ended is left as it is. */
  stopDeployment(id: string, autoRollbackEnabled: boolean): Promise<void>;
  continueDeployment(id: string): Promise<void>;
  /** Every target of a deployment with its lifecycle events. */
  deploymentTargets(id: string, signal?: AbortSignal): Promise<DeploymentTarget[]>;
}

export type GroupInput = Omit<CreateDeploymentGroupCommandInput, 'applicationName'>;
export type DeploymentInput = Omit<CreateDeploymentCommandInput, 'applicationName'>;

/** The commit a revision is built from, as the revision's metadata and the commit records name it. */
export interface CommitMetadata {
  sha: string;
  ref: string;
  runUrl?: string;
}

/** A revision object in the store: what CreateDeployment pins and what the report shows. */
export interface StoredRevision {
  type: 's3';
  bucket: string;
  key: string;
  bundleType: BundleType;
  /** As S3 returns it, quotes included: CreateDeployment pins it, the agent compares it. */
  eTag: string;
  version?: string;
  /** Content digest of the archived tree (or of a pre-built archive's bytes), stored with the object. */
  digest: string;
  /** Size of the archive object. */
  bytes: number;
  files: number;
  /** false: an object with this digest was already there and nothing was sent. */
  uploaded: boolean;
}

/** A commit of a GitHub repository, which CodeDeploy downloads itself: nothing is archived or stored. */
export interface GitHubRevision {
  type: 'github';
  /** `owner/name`. */
  repository: string;
  /** The full sha. */
  commitId: string;
}

/** What a deployment gets: an archive in S3, or a commit on GitHub. */
export type DeployedRevision = StoredRevision | GitHubRevision;

/** The files of a bundle, digested: the content address of its archive. */
export interface BundleDigest {
  digest: string;
  files: number;
  /** Bytes of the files (the archive's own size is known once it is written). */
  bytes: number;
}

/**
 * The workspace's S3 revision as it will be uploaded: a folder walked with its excludes applied, or
 * the build's archive listed, its appspec checked. Digesting and archiving come later, after preflight.
 */
export interface PreparedRevision {
  bundleType: BundleType;
  /** Content digest (computed once): the content address of the archive. */
  digest(): Promise<DigestedRevision>;
  /** Ends what the digest and the archive use (worker threads). */
  close(): Promise<void>;
}

/** A revision digested, ready to upload: a folder's archive, or the build's archive file. */
export type DigestedRevision = ArchivedRevision | FileRevision;

interface Digested extends BundleDigest {
  /** Entries of the archive: files, folders and links. */
  entries: number;
}

/** A folder's archive, made as it is read: the CPU sets the pace. */
export interface ArchivedRevision extends Digested {
  made: 'archived';
  /** A new stream of the archive, each file checked against the digest as it is read. */
  archive(onFileDone?: (bytes: number) => void): Readable;
}

/** The build's archive: a file, read faster than S3 takes it, so the upload sets the pace. */
export interface FileRevision extends Digested {
  made: 'file';
  /**
   * The archive's bytes in order, in parts of `partSize` (the last shorter), each read into one of
   * `buffers` buffers allocated once: a part's bytes are good until it is released, and the next
   * part waits for a free buffer. Throws after the last part when the bytes are not the digested ones.
   */
  parts(partSize: number, buffers: number): AsyncIterable<FilePart>;
}

export interface FilePart {
  /** 1, 2, …: S3's part numbers. */
  number: number;
  bytes: Buffer;
  release(): void;
}

/** The workspace (the checkout) that becomes the revision. */
export interface RevisionSource {
  /**
   * An S3 revision: the folder walked or the build's archive listed. Refuses (UserError) an appspec
   * the agent would fail on, before anything is sent; logs its warnings.
   */
  prepare(settings: S3RevisionSettings): Promise<PreparedRevision>;
  /**
   * A GitHub revision: refuses (UserError) a checkout that is not the revision's commit, and an
   * appspec in that commit the agent would fail on; logs its warnings.
   */
  checkCommit(settings: GitHubRevisionSettings, revision: GitHubRevision): Promise<void>;
}

/** Where revisions are kept (S3): one object per content, so older revisions stay deployable. */
export interface RevisionStore {
  /** Archives the prepared revision into the store, unless an object with its digest is already there. */
  store(revision: PreparedRevision, commit: CommitMetadata): Promise<StoredRevision>;
}

/** A deployed commit as its record names it: the full sha, the ref it was deployed from, the revision it built. */
export interface RecordedCommit {
  sha: string;
  ref: string;
  revision: StoredRevision;
}

/** Which revision each deployed commit built, so a later run can redeploy a commit by its sha. */
export interface CommitRecords {
  /** Never fails the run: a record that cannot be written only costs a later redeploy by sha (a warning). */
  record(commit: CommitMetadata, revision: StoredRevision): Promise<void>;
  /** What an earlier run recorded for this (possibly abbreviated) sha; undefined when none did. */
  find(sha: string): Promise<RecordedCommit | undefined>;
}

/** Remembers which groups this project created, so a teardown never deletes one it did not. */
/**
 * Which deployment groups this project created, and for which git ref (`refs/heads/feature/x`,
 * `refs/pull/7/head`): a teardown touches only the groups its own ref created, so two refs whose
 * names fill a template the same way (`review/a` and `review-a`) never tear down each other's.
 */
export interface GroupLedger {
  recordCreated(group: string, groupId: string, ref: string): Promise<void>;
  /**
   * The record of a group this project created, when it names this very group id (a group re-created
   * by someone else under the same name is not ours); `ref` is absent from records older than it.
   */
  record(group: string, groupId: string | undefined): Promise<{ ref?: string } | undefined>;
  forget(group: string): Promise<void>;
}

/** How our commit relates to the one already deployed, as GitHub's compare API says (base: theirs, head: ours). */
export type CommitRelation = 'ahead' | 'behind' | 'identical' | 'diverged' | 'unknown';

export type CompareCommits = (base: string, head: string) => Promise<CommitRelation>;

/** The commit a branch's head is at, as GitHub says it; undefined when the repository has no such branch. */
export type BranchHead = (branch: string) => Promise<string | undefined>;

/**
 * Reads the config as it is on a branch (the trusted map, from the default branch): a file's text,
 * or, for a folder, the names of the files in it.
 */
export type FetchConfig = (request: FetchConfigRequest) => Promise<string | { folder: string[] }>;

/**
 * The files changed from `base` (a commit, or a branch name) to `head` (GitHub's compare API), paths
 * from the repository root; unknown, with the reason, when the answer cannot be the whole truth.
 */
export type ListChangedFiles = (base: string, head: string) => Promise<ChangedFiles>;

export interface FetchConfigRequest {
  owner: string;
  repo: string;
  path: string;
  branch: string;
}

/**
 * GitHub-side reporting (Deployments API, the sticky pull-request comment). Implementations must
 * never throw: a GitHub outage may not fail or hide the CodeDeploy result, so they warn and go on.
 */
export interface RunReporter {
  /** Before any deployment is created (GitHub deployments go in_progress). */
  started(result: RunResult): Promise<void>;
  /** After the run, with every group's outcome (final statuses, the comment). Also called for skips. */
  finished(result: RunResult): Promise<void>;
}

/** What the AWS side of a run works on: known once the config is read. */
export interface AwsTarget {
  region: string;
  application: string;
  /** Where S3 revisions and the records go; GitHub revisions need none. */
  bucket?: BucketPlace;
}

/** What lives in the config's bucket: the S3 revisions, which commit built which, the groups created. */
export interface BucketEdges {
  revisions: RevisionStore;
  commits: CommitRecords;
  ledger: GroupLedger;
}

/** The AWS edges of one run, built only when the plan has work (the SDK lives in its own chunk). */
export interface AwsEdges {
  codedeploy: CodeDeployApi;
  /** Absent when the config names no bucket (GitHub revisions): nothing is stored or recorded. */
  bucket?: BucketEdges;
  /** Where a person looks at a deployment: the AWS console, or the local CodeDeploy's own. */
  deploymentUrl(id: string): string;
  /** Closes pooled connections, which would otherwise hold the process open after the run. */
  close(): void;
}

/** Every edge of a run, built once by a face. */
export interface RunEdges {
  log: Logger;
  clock: Clock;
  random: () => number;
  /** Aborted when the workflow is cancelled (SIGINT/SIGTERM). */
  cancel: AbortSignal;
  fetchConfig: FetchConfig;
  /** The workspace, archived (S3) or checked (GitHub) when the run deploys its own revision. */
  revisionSource: RevisionSource;
  /** The commit checked out in the workspace (its git HEAD); rejects, saying why, when there is none. */
  workspaceCommit(): Promise<string>;
  /** Connects to AWS for this run's application; called at most once, and only when there is work. */
  connectAws(target: AwsTarget): Promise<AwsEdges>;
  /** GitHub Deployments and the PR comment; absent for the CLI. */
  reporter?: RunReporter;
  /** GitHub's compare API for the ordering guard; absent outside GitHub. */
  compareCommits?: CompareCommits;
  /** The files a push changed, for the applications' `paths`; absent outside GitHub. */
  changedFiles?: ListChangedFiles;
  /** GitHub's branches, to confirm the branch a finished run names; absent outside GitHub. */
  branchHead?: BranchHead;
}
