import { Readable } from 'node:stream';
import type { GitHubRevisionSettings, S3RevisionSettings } from '../../src/config/types.js';
import { MemoryLogger } from '../../src/core/log.js';
import { UserError } from '../../src/core/problems.js';
import type {
  CommitMetadata,
  CommitRecords,
  GitHubRevision,
  GroupLedger,
  PreparedRevision,
  RecordedCommit,
  RevisionSource,
  RevisionStore,
  RunEdges,
  RunReporter,
  RunResult,
  StoredRevision,
} from '../../src/deploy/ports.js';
import type { RunOptions } from '../../src/deploy/run.js';
import type { RunnerEvent } from '../../src/event/trigger.js';
import { steppingClock } from './clock.js';
import { FakeCodeDeploy } from './fake-codedeploy.js';

/**
 * The workspace as a revision source: every prepare gives the same digest; nothing is read from disk.
 * `checkoutAt` is the commit a GitHub revision's check finds checked out (by default the one asked for).
 */
export class MemoryRevisionSource implements RevisionSource {
  prepared: S3RevisionSettings[] = [];
  checkedCommits: GitHubRevision[] = [];
  checkoutAt: string | undefined;
  closed = 0;
  async checkCommit(_settings: GitHubRevisionSettings, revision: GitHubRevision): Promise<void> {
    this.checkedCommits.push(revision);
    if (this.checkoutAt !== undefined && this.checkoutAt !== revision.commitId)
      throw new UserError(`the checkout is at commit ${this.checkoutAt.slice(0, 7)}`);
  }
  async prepare(settings: S3RevisionSettings): Promise<PreparedRevision> {
    this.prepared.push(settings);
    return {
      bundleType: settings.bundleType,
      digest: async () => ({
        digest: 'abcdefghijklmnopqrstuvwxyz234567',
        files: 3,
        bytes: 300,
        entries: 4,
        made: 'archived',
        archive: () => Readable.from([Buffer.from('archive')]),
      }),
      close: async () => {
        this.closed += 1;
      },
    };
  }
}

/** A bucket of revisions: an object per digest, uploaded the first time it is stored. */
export class MemoryRevisionStore implements RevisionStore {
  readonly objects = new Map<string, StoredRevision>();
  constructor(private readonly bucket = 'artifacts') {}
  async store(revision: PreparedRevision): Promise<StoredRevision> {
    const digested = await revision.digest();
    const key = `app/${digested.digest}.${revision.bundleType}`;
    const known = this.objects.get(key);
    if (known) return { ...known, uploaded: false };
    const stored: StoredRevision = {
      type: 's3',
      bucket: this.bucket,
      key,
      bundleType: revision.bundleType,
      eTag: `"etag-${digested.digest.slice(0, 8)}"`,
      digest: digested.digest,
      bytes: 123,
      files: digested.files,
      uploaded: true,
    };
    this.objects.set(key, stored);
    return stored;
  }
}

export class MemoryCommitRecords implements CommitRecords {
  readonly records = new Map<string, RecordedCommit>();
  async record(commit: CommitMetadata, revision: StoredRevision): Promise<void> {
    this.records.set(commit.sha, { sha: commit.sha, ref: commit.ref, revision });
  }
  async find(sha: string): Promise<RecordedCommit | undefined> {
    const found = [...this.records.values()].find((recorded) => recorded.sha.startsWith(sha));
    return found && { ...found, revision: { ...found.revision, uploaded: false } };
  }
}

export class MemoryLedger implements GroupLedger {
  readonly created = new Map<string, string>();
  /** The ref each group was created for. */
  readonly refs = new Map<string, string>();
  async recordCreated(group: string, groupId: string, ref: string) {
    this.created.set(group, groupId);
    this.refs.set(group, ref);
  }
  async record(group: string, groupId: string | undefined) {
    if (groupId === undefined || this.created.get(group) !== groupId) return undefined;
    const ref = this.refs.get(group);
    return ref === undefined ? {} : { ref };
  }
  async forget(group: string) {
    this.created.delete(group);
    this.refs.delete(group);
  }
}

/** Records what the flow told GitHub, and when. */
export class RecordingReporter implements RunReporter {
  readonly told: Array<{ phase: 'started' | 'finished'; result: RunResult }> = [];
  async started(result: RunResult) {
    this.told.push({ phase: 'started', result });
  }
  async finished(result: RunResult) {
    this.told.push({ phase: 'finished', result });
  }
}

/**
 * Every edge of a run, in memory and on a stepping clock (sleeping moves time; nothing waits), with
 * the trusted config served as `config`: one file's text for any path, or files by path (a folder
 * that holds some is listed).
 */
export function memoryEdges(config: string | Record<string, string>) {
  const clock = steppingClock();
  const codedeploy = new FakeCodeDeploy(clock);
  const parts = {
    clock,
    codedeploy,
    log: new MemoryLogger(),
    source: new MemoryRevisionSource(),
    store: new MemoryRevisionStore(),
    commits: new MemoryCommitRecords(),
    ledger: new MemoryLedger(),
    reporter: new RecordingReporter(),
    cancel: new AbortController(),
    /** The workspace's git HEAD; undefined: not a git checkout. */
    workspace: { head: 'a'.repeat(40) as string | undefined },
    /** false: the edges have no bucket, as for GitHub revisions without one. */
    withBucket: true,
    connected: 0,
    closed: 0,
  };
  const edges: RunEdges = {
    log: parts.log,
    clock,
    random: () => 0.5,
    cancel: parts.cancel.signal,
    fetchConfig: async ({ path }) => (typeof config === 'string' ? config : servedConfig(config, path)),
    revisionSource: parts.source,
    workspaceCommit: async () =>
      parts.workspace.head ?? Promise.reject(new Error('fatal: not a git repository')),
    reporter: parts.reporter,
    connectAws: async () => {
      memory.connected += 1;
      return {
        codedeploy,
        ...(memory.withBucket
          ? { bucket: { revisions: parts.store, commits: parts.commits, ledger: parts.ledger } }
          : {}),
        deploymentUrl: (id) => `https://console.example/${id}`,
        close: () => {
          memory.closed += 1;
        },
      };
    },
  };
  // The counters and switches are read and written on what the caller holds.
  const memory = { ...parts, edges };
  return memory;
}

/** A path of `files`: a file's text, or a folder's entries (files only). */
function servedConfig(files: Record<string, string>, path: string): string | { folder: string[] } {
  const text = files[path];
  if (text !== undefined) return text;
  const prefix = `${path.replace(/\/$/, '')}/`;
  const inside = Object.keys(files).filter((file) => file.startsWith(prefix));
  if (inside.length === 0) throw new Error(`${path}: no such file in the test's trusted config`);
  return { folder: inside.map((file) => file.slice(prefix.length)).filter((name) => !name.includes('/')) };
}

/** The options of a run on the memory edges: a push's defaults (the trusted map, the workspace). */
export function flowOptions(event: RunnerEvent, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    event,
    config: { paths: ['.github/codedeploy.yml'], source: 'trusted' },
    workspace: '/nowhere',
    runId: '100.1',
    groups: [],
    revision: { kind: 'workspace' },
    dryRun: false,
    onReady: 'wait',
    region: 'eu-west-1',
    ...extra,
  };
}
