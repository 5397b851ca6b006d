import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/problems.js';
import type { RunEdges } from '../../src/deploy/ports.js';
import type { RevisionChoice, RunResult } from '../../src/deploy/results.js';
import { type RunOptions, runDeployment } from '../../src/deploy/run.js';
import type { RunnerEvent } from '../../src/event/trigger.js';
import {
  awsError,
  failsAfter,
  garbledAnswer,
  lostAnswer,
  runsForever,
  succeedsAfter,
} from '../helpers/fake-codedeploy.js';
import { flowOptions, memoryEdges } from '../helpers/memory-edges.js';
import { finishedRunPayload } from '../helpers/triggers.js';

// The whole flow (runDeployment) on in-memory edges and a stepping clock: every case runs in
// milliseconds, however long the deployments it follows take in CodeDeploy's time.

const SHA = 'a'.repeat(40);
const OTHER_SHA = 'b'.repeat(40);

const CONFIG = `
application: shop
revision: { bucket: artifacts }
defaults: { wait: 10m }
branches:
  develop: [staging, test1]
  release: { deploymentGroups: [staging, test1], strategy: sequential }
  stopper: { deploymentGroup: staging, onActiveDeployment: stop }
  failer: { deploymentGroup: staging, onActiveDeployment: fail }
  quick: { deploymentGroup: staging, wait: 1m }
  single: staging
  "feature/*": { deploymentGroup: "feature-{name}", create: { from: staging }, deleteOnBranchDelete: true }
tags:
  "v*": staging
pullRequests:
  deploymentGroup: pr-{pr}
  create: { from: staging }
  deleteOnClose: true
`;

function pushOf(branch: string, sha = SHA): RunnerEvent {
  return {
    eventName: 'push',
    payload: {
      ref: `refs/heads/${branch}`,
      after: sha,
      repository: { full_name: 'acme/shop', default_branch: 'master' },
    },
    payloadFile: 'event.json',
  };
}

function dispatchOn(branch: string): RunnerEvent {
  return {
    eventName: 'workflow_dispatch',
    payload: {
      ref: `refs/heads/${branch}`,
      repository: { full_name: 'acme/shop', default_branch: 'master' },
    },
    payloadFile: 'event.json',
    sha: SHA,
  };
}

function closedPullRequest(number: number): RunnerEvent {
  return {
    eventName: 'pull_request',
    payload: {
      action: 'closed',
      number,
      pull_request: {
        number,
        head: { ref: 'feature/x', sha: SHA, repo: { full_name: 'acme/shop' } },
        base: { ref: 'master', repo: { full_name: 'acme/shop' } },
      },
      repository: { full_name: 'acme/shop', default_branch: 'master' },
    },
    payloadFile: 'event.json',
  };
}

const repository = { full_name: 'acme/shop', default_branch: 'master' };

/** The run of "ci" for a push of `branch` has completed, with `extra` over its fields. */
function finishedRun(branch: string, extra: Record<string, unknown> = {}): RunnerEvent {
  return {
    eventName: 'workflow_run',
    payload: finishedRunPayload(branch, SHA, extra),
    payloadFile: 'event.json',
    // The job runs on the default branch.
    sha: OTHER_SHA,
    ref: 'refs/heads/master',
  };
}

function deletion(branch: string): RunnerEvent {
  return {
    eventName: 'delete',
    payload: { ref: branch, ref_type: 'branch', repository },
    payloadFile: 'event.json',
    sha: OTHER_SHA,
  };
}

const options = flowOptions;

/** A run of the one application the config maps: its result. */
async function runOne(runOptions: RunOptions, edges: RunEdges): Promise<RunResult> {
  const report = await runDeployment(runOptions, edges);
  expect(report.results).toHaveLength(1);
  expect(report.status).toBe(report.results[0]!.status);
  return report.results[0]!;
}

function world() {
  const memory = memoryEdges(CONFIG);
  memory.codedeploy.addGroup('staging');
  memory.codedeploy.addGroup('test1');
  return memory;
}

describe('the deployment flow on in-memory edges', () => {
  it('deploys the workspace to every mapped group and follows them to the end', async () => {
    const { edges, codedeploy, source, store, commits, reporter } = world();
    const result = await runOne(options(pushOf('develop')), edges);
    expect(result.status).toBe('succeeded');
    expect(result.groups.map((g) => [g.group, g.outcome])).toEqual([
      ['staging', 'succeeded'],
      ['test1', 'succeeded'],
    ]);
    expect(codedeploy.created()).toHaveLength(2);
    expect(source.closed).toBe(1);
    expect(store.objects.size).toBe(1);
    expect(commits.records.get(SHA)?.ref).toBe('refs/heads/develop');
    expect(reporter.told.map((t) => t.phase)).toEqual(['started', 'finished']);
  });

  it('adopts its own deployment after CreateDeployment acted but its answer was lost: exactly one exists', async () => {
    const { edges, codedeploy, log } = world();
    codedeploy.failNext('createDeployment', lostAnswer());
    const result = await runOne(options(pushOf('quick')), edges);
    expect(codedeploy.created()).toHaveLength(1);
    expect(result.groups[0]).toMatchObject({ outcome: 'succeeded', deploymentId: codedeploy.created()[0] });
    expect(log.text()).toContain(`deployment ${codedeploy.created()[0]} of this run exists; following it`);
  });

  it('creates the deployment when the lost answer hid a request that never went through', async () => {
    const { edges, codedeploy } = world();
    codedeploy.failNext('createDeployment', { ...lostAnswer(), acted: false });
    const result = await runOne(options(pushOf('quick')), edges);
    expect(codedeploy.created()).toHaveLength(1);
    expect(result.status).toBe('succeeded');
  });

  it('backs off on a throttled CreateDeployment and tries again', async () => {
    const { edges, codedeploy, clock } = world();
    codedeploy.failNext(
      'createDeployment',
      { error: awsError('ThrottlingException', 'Rate exceeded') },
      { error: awsError('ThrottlingException', 'Rate exceeded') },
    );
    const result = await runOne(options(pushOf('quick')), edges);
    expect(result.status).toBe('succeeded');
    const tries = codedeploy.calls.filter((call) => call.op === 'createDeployment').map((call) => call.at);
    expect(tries).toHaveLength(3);
    expect(tries[1]! - tries[0]!).toBe(1_000);
    expect(tries[2]! - tries[1]!).toBe(2_000);
    expect(clock.now()).toBeGreaterThan(3_000);
  });

  it('stops at the first group that does not succeed when the strategy is sequential', async () => {
    const { edges, codedeploy } = world();
    codedeploy.timelineFor = (group) => (group === 'staging' ? failsAfter(20_000) : succeedsAfter(20_000));
    const result = await runOne(options(pushOf('release')), edges);
    expect(result.status).toBe('failed');
    expect(result.groups.map((g) => g.outcome)).toEqual(['failed', 'not-started']);
    expect(result.groups[1]!.note).toBe('not started: staging did not succeed (strategy: sequential)');
    expect(result.groups[0]!.failures[0]).toMatchObject({
      event: 'ValidateService',
      errorCode: 'ScriptFailed',
    });
    expect(codedeploy.created()).toHaveLength(1);
  });

  describe('a deployment already running on the group', () => {
    it('onActiveDeployment wait: waits until it ends, then deploys', async () => {
      const { edges, codedeploy } = world();
      const theirs = codedeploy.addDeployment('staging', succeedsAfter(90_000), {
        description: `codedeploy-gitops ${OTHER_SHA} run 99.1 refs/heads/develop`,
      });
      const result = await runOne(options(pushOf('single')), edges);
      expect(result.status).toBe('succeeded');
      expect(codedeploy.statusOf(theirs)).toBe('Succeeded');
      const created = codedeploy.calls.find((call) => call.op === 'created')!;
      expect(created.at).toBeGreaterThanOrEqual(90_000);
      expect(codedeploy.calls.some((call) => call.op === 'stopDeployment')).toBe(false);
    });

    it('onActiveDeployment stop: stops it, then deploys', async () => {
      const { edges, codedeploy } = world();
      const theirs = codedeploy.addDeployment('staging', runsForever);
      const result = await runOne(options(pushOf('stopper')), edges);
      expect(result.status).toBe('succeeded');
      expect(codedeploy.statusOf(theirs)).toBe('Stopped');
      expect(codedeploy.created()).toHaveLength(1);
    });

    it('onActiveDeployment fail: fails the group without creating anything', async () => {
      const { edges, codedeploy } = world();
      codedeploy.addDeployment('staging', runsForever);
      const result = await runOne(options(pushOf('failer')), edges);
      expect(result.status).toBe('failed');
      expect(result.groups[0]!.error?.code).toBe('ACTIVE_DEPLOYMENT');
      expect(codedeploy.created()).toEqual([]);
    });

    it("adopts it when it is this run's own (an earlier attempt's lost answer)", async () => {
      const { edges, codedeploy } = world();
      const ours = codedeploy.addDeployment('staging', succeedsAfter(30_000), {
        description: `codedeploy-gitops ${SHA} run 100.1 refs/heads/failer`,
      });
      const result = await runOne(options(pushOf('failer')), edges);
      expect(result.groups[0]).toMatchObject({ outcome: 'succeeded', deploymentId: ours });
      expect(codedeploy.created()).toEqual([]);
    });
  });

  it('stops a deployment that outlives its wait, and reports it stopped', async () => {
    const { edges, codedeploy, log } = world();
    codedeploy.timelineFor = () => runsForever;
    const result = await runOne(options(pushOf('quick')), edges);
    expect(result.status).toBe('stopped');
    expect(result.groups[0]).toMatchObject({ outcome: 'stopped', note: 'stopped: the wait timed out' });
    const stop = codedeploy.calls.find((call) => call.op === 'stopDeployment')!;
    expect(stop.at).toBeGreaterThanOrEqual(60_000);
    expect(log.text()).toContain('stopping deployment');
  });

  it('rolls each group back to its newest good revision that is not the one it runs now', async () => {
    const { edges, codedeploy, source } = world();
    const revision = (key: string) => ({
      revisionType: 'S3' as const,
      s3Location: { bucket: 'artifacts', key, bundleType: 'zip' as const, eTag: `"${key}"` },
    });
    codedeploy.addDeployment('staging', succeedsAfter(1_000), { revision: revision('old.zip') }, 300_000);
    codedeploy.addDeployment('staging', succeedsAfter(1_000), { revision: revision('good.zip') }, 200_000);
    const current = codedeploy.addDeployment(
      'staging',
      succeedsAfter(1_000),
      { revision: revision('bad.zip') },
      100_000,
    );
    codedeploy.addGroup('staging', {
      lastAttemptedDeployment: { deploymentId: current, status: 'Succeeded' },
    });
    codedeploy.addDeployment('test1', succeedsAfter(1_000), { revision: revision('t1.zip') }, 100_000);
    const choice: RevisionChoice = { kind: 'rollback' };
    const result = await runOne(options(dispatchOn('develop'), { revision: choice }), edges);
    expect(result.status).toBe('succeeded');
    const sent = codedeploy.calls
      .filter((call) => call.op === 'createDeployment')
      .map((call) => {
        const input = call.arg as { deploymentGroupName: string; revision: { s3Location: { key: string } } };
        return [input.deploymentGroupName, input.revision.s3Location.key];
      })
      .sort();
    expect(sent).toEqual([
      ['staging', 'good.zip'],
      ['test1', 't1.zip'],
    ]);
    expect(source.prepared).toEqual([]);
  });

  describe('a redeploy by sha (revision input)', () => {
    const EARLIER = {
      type: 's3' as const,
      bucket: 'artifacts',
      key: 'app/earlier.zip',
      bundleType: 'zip' as const,
      eTag: '"e"',
      digest: 'earlier',
      bytes: 1,
      files: 1,
      uploaded: true,
    };
    const bySha = { revision: { kind: 'sha' as const, sha: OTHER_SHA.slice(0, 7) } };

    async function recorded(ref = 'refs/heads/feature/x') {
      const memory = world();
      await memory.commits.record({ sha: OTHER_SHA, ref }, EARLIER);
      return memory;
    }

    it('redeploys the recorded revision, without archiving, when the dispatched ref contains the commit', async () => {
      const { edges, codedeploy, source, log } = await recorded('refs/heads/develop');
      const asked: string[] = [];
      edges.compareCommits = async (base, head) => {
        asked.push(`${base}...${head}`);
        return 'ahead';
      };
      const result = await runOne(options(dispatchOn('develop'), bySha), edges);
      expect(result.status).toBe('succeeded');
      expect(result.revision).toMatchObject({ key: 'app/earlier.zip' });
      expect(source.prepared).toEqual([]);
      expect(codedeploy.created()).toHaveLength(2);
      expect(asked).toEqual([`${OTHER_SHA}...${SHA}`]);
      expect(log.text()).toContain('commit bbbbbbb is in the history of refs/heads/develop (GitHub compare)');
    });

    it('is refused when the ref does not contain the commit and the groups never ran it: nothing is created', async () => {
      const { edges, codedeploy } = await recorded();
      edges.compareCommits = async () => 'diverged';
      const run = runDeployment(options(dispatchOn('develop'), bySha), edges);
      await expect(run).rejects.toThrow(UserError);
      await expect(run).rejects.toThrow(
        'revision: commit bbbbbbb (deployed from refs/heads/feature/x) is not in the history of refs/heads/develop (GitHub compare says diverged), and deployment group "staging" never ran its revision',
      );
      await expect(run).rejects.toThrow('deployment group "test1" never ran its revision');
      expect(codedeploy.created()).toEqual([]);
    });

    it('looks for the revision among the 100 newest deployments of the group, no further', async () => {
      const { edges, codedeploy } = await recorded();
      edges.compareCommits = async () => 'diverged';
      const ran = { revision: { revisionType: 'S3' as const, s3Location: EARLIER } };
      codedeploy.addDeployment('staging', succeedsAfter(1_000), ran, 500_000);
      codedeploy.addDeployment('test1', succeedsAfter(1_000), ran, 500_000);
      for (let i = 0; i < 99; i++) codedeploy.addDeployment('staging', succeedsAfter(1_000), {}, 400_000 - i);
      for (let i = 0; i < 100; i++) codedeploy.addDeployment('test1', succeedsAfter(1_000), {}, 400_000 - i);
      const run = runDeployment(options(dispatchOn('develop'), bySha), edges);
      await expect(run).rejects.toThrow(
        'deployment group "test1" never ran its revision (its last 100 deployments)',
      );
      await expect(run).rejects.not.toThrow('"staging" never ran');
    });

    it('is allowed on a group that ran the revision before, even when GitHub cannot be asked', async () => {
      const { edges, codedeploy } = await recorded();
      codedeploy.addDeployment(
        'staging',
        succeedsAfter(1_000),
        { revision: { revisionType: 'S3', s3Location: EARLIER } },
        60_000,
      );
      codedeploy.addDeployment('staging', succeedsAfter(1_000), {}, 30_000);
      edges.compareCommits = async () => {
        throw new Error('GitHub is down');
      };
      const refused = runDeployment(options(dispatchOn('develop'), bySha), edges);
      await expect(refused).rejects.toThrow(
        'GitHub compare says unknown), and deployment group "test1" never ran its revision',
      );
      await expect(refused).rejects.not.toThrow('"staging" never ran');
      expect(codedeploy.created()).toEqual([]);
      codedeploy.addDeployment(
        'test1',
        succeedsAfter(1_000),
        { revision: { revisionType: 'S3', s3Location: EARLIER } },
        60_000,
      );
      const result = await runOne(options(dispatchOn('develop'), bySha), edges);
      expect(result.status).toBe('succeeded');
      expect(codedeploy.created()).toHaveLength(2);
    });
  });

  describe('GitHub revisions (revision: { type: github })', () => {
    const GITHUB = `
application: shop
revision: { type: github }
defaults: { wait: 10m }
branches:
  develop: [staging, test1]
  "feature/*": { deploymentGroup: "feature-{name}", create: { from: staging } }
pullRequests: { deploymentGroup: 'pr-{pr}' }
`;
    function github() {
      const memory = memoryEdges(GITHUB);
      memory.withBucket = false;
      memory.codedeploy.addGroup('staging');
      memory.codedeploy.addGroup('test1');
      return memory;
    }
    const sentRevisions = (codedeploy: ReturnType<typeof github>['codedeploy']) =>
      codedeploy.calls
        .filter((call) => call.op === 'createDeployment')
        .map((call) => (call.arg as { revision: unknown }).revision);
    const commit = (sha: string) => ({
      revisionType: 'GitHub' as const,
      gitHubLocation: { repository: 'acme/shop', commitId: sha },
    });

    it('deploys the commit itself: checked on the checkout, nothing archived, stored or recorded', async () => {
      const { edges, codedeploy, source, store, commits } = github();
      const result = await runDeployment(options(pushOf('develop')), edges);
      expect(result.status).toBe('succeeded');
      expect(source.checkedCommits).toEqual([{ type: 'github', repository: 'acme/shop', commitId: SHA }]);
      expect(source.prepared).toEqual([]);
      expect(sentRevisions(codedeploy)).toEqual([commit(SHA), commit(SHA)]);
      expect(result.results[0]!.revision).toEqual({ type: 'github', repository: 'acme/shop', commitId: SHA });
      expect(store.objects.size).toBe(0);
      expect(commits.records.size).toBe(0);
    });

    it('refuses a checkout that is not the commit, before AWS is touched', async () => {
      const memory = github();
      memory.source.checkoutAt = OTHER_SHA;
      await expect(runDeployment(options(pushOf('develop')), memory.edges)).rejects.toThrow(
        'the checkout is at commit bbbbbbb',
      );
      expect(memory.connected).toBe(0);
    });

    it('creates a group from its template without a bucket, and says no teardown will delete it', async () => {
      const { edges, codedeploy, log } = github();
      const result = await runDeployment(options(pushOf('feature/login')), edges);
      expect(result.status).toBe('succeeded');
      expect(result.results[0]!.groups[0]).toMatchObject({ group: 'feature-login', createdGroup: true });
      expect(codedeploy.created()).toHaveLength(1);
      expect(log.text()).toContain(
        'Created deployment group "feature-login" from "staging" (not recorded: the config names no bucket, so no teardown will delete it)',
      );
    });

    it('keeps a closed pull request’s group when no bucket records what this project created', async () => {
      const { edges, codedeploy } = github();
      codedeploy.addGroup('pr-7', { deploymentGroupId: 'id-pr-7' });
      const result = await runDeployment(options(closedPullRequest(7)), edges);
      expect(result.results[0]!.groups[0]).toMatchObject({
        outcome: 'torn-down',
        note: 'kept: deleteOnClose is off',
      });
      expect(codedeploy.deleted).toEqual([]);
    });

    describe('a redeploy by sha needs no record: GitHub keeps the commit', () => {
      const bySha = (sha: string) => ({ revision: { kind: 'sha' as const, sha } });

      it('sends the commit when the dispatched ref contains it', async () => {
        const { edges, codedeploy } = github();
        edges.compareCommits = async () => 'ahead';
        const result = await runDeployment(
          options(dispatchOn('develop'), bySha(OTHER_SHA.toUpperCase())),
          edges,
        );
        expect(result.status).toBe('succeeded');
        expect(sentRevisions(codedeploy)).toEqual([commit(OTHER_SHA), commit(OTHER_SHA)]);
      });

      it('is refused for an abbreviated sha: a GitHub revision names the whole commit', async () => {
        const { edges, codedeploy } = github();
        edges.compareCommits = async () => 'ahead';
        await expect(runDeployment(options(dispatchOn('develop'), bySha('bbbbbbb')), edges)).rejects.toThrow(
          'revision: "bbbbbbb" is not a full commit sha, which a GitHub revision names',
        );
        expect(codedeploy.created()).toEqual([]);
      });

      it('keeps the guard: refused where the ref does not contain it and the group never ran it', async () => {
        const { edges, codedeploy } = github();
        edges.compareCommits = async () => 'diverged';
        codedeploy.addDeployment('staging', succeedsAfter(1_000), { revision: commit(OTHER_SHA) }, 60_000);
        const run = runDeployment(options(dispatchOn('develop'), bySha(OTHER_SHA)), edges);
        await expect(run).rejects.toThrow(
          'revision: commit bbbbbbb is not in the history of refs/heads/develop (GitHub compare says diverged), and deployment group "test1" never ran its revision',
        );
        await expect(run).rejects.not.toThrow('"staging" never ran');
        expect(codedeploy.created()).toEqual([]);
        // The same commit of another repository is not the revision the group ran.
        codedeploy.addDeployment(
          'test1',
          succeedsAfter(1_000),
          {
            revision: {
              revisionType: 'GitHub',
              gitHubLocation: { repository: 'evil/shop', commitId: OTHER_SHA },
            },
          },
          60_000,
        );
        await expect(runDeployment(options(dispatchOn('develop'), bySha(OTHER_SHA)), edges)).rejects.toThrow(
          '"test1" never ran its revision',
        );
        codedeploy.addDeployment('test1', succeedsAfter(1_000), { revision: commit(OTHER_SHA) }, 50_000);
        expect((await runDeployment(options(dispatchOn('develop'), bySha(OTHER_SHA)), edges)).status).toBe(
          'succeeded',
        );
      });
    });

    it('rolls back to the previous commit the group ran, as CodeDeploy named it', async () => {
      const { edges, codedeploy } = github();
      codedeploy.addDeployment('staging', succeedsAfter(1_000), { revision: commit(OTHER_SHA) }, 200_000);
      const current = codedeploy.addDeployment(
        'staging',
        succeedsAfter(1_000),
        { revision: commit(SHA) },
        100_000,
      );
      codedeploy.addGroup('staging', {
        lastAttemptedDeployment: { deploymentId: current, status: 'Succeeded' },
      });
      codedeploy.addDeployment('test1', succeedsAfter(1_000), { revision: commit(OTHER_SHA) }, 100_000);
      const result = await runDeployment(
        options(dispatchOn('develop'), { revision: { kind: 'rollback' } }),
        edges,
      );
      expect(result.status).toBe('succeeded');
      expect(sentRevisions(codedeploy)).toEqual([commit(OTHER_SHA), commit(OTHER_SHA)]);
    });
  });

  describe('teardown of a closed pull request', () => {
    it('stops what runs there and deletes the group the ledger says this project created', async () => {
      const { edges, codedeploy, ledger, source } = world();
      codedeploy.addGroup('pr-7', { deploymentGroupId: 'id-pr-7' });
      await ledger.recordCreated('pr-7', 'id-pr-7', 'refs/pull/7/head');
      const running = codedeploy.addDeployment('pr-7', runsForever);
      const result = await runOne(options(closedPullRequest(7)), edges);
      expect(result.groups[0]).toMatchObject({ outcome: 'torn-down', note: 'deleted the preview group' });
      expect(codedeploy.statusOf(running)).toBe('Stopped');
      expect(codedeploy.deleted).toEqual(['pr-7']);
      expect(ledger.created.has('pr-7')).toBe(false);
      expect(source.prepared).toEqual([]);
    });

    it('keeps a group of the same name that this project did not create', async () => {
      const { edges, codedeploy, ledger } = world();
      codedeploy.addGroup('pr-8', { deploymentGroupId: 'someone-else' });
      await ledger.recordCreated('pr-8', 'id-of-an-earlier-pr-8', 'refs/pull/8/head');
      const result = await runOne(options(closedPullRequest(8)), edges);
      expect(result.groups[0]!.note).toBe('kept: codedeploy-gitops did not create this group');
      expect(codedeploy.deleted).toEqual([]);
    });
  });

  describe('the map of a workflow_run, a release or a deletion comes from the default branch', () => {
    it.each([
      ['a finished run of the default branch itself', finishedRun('master')],
      [
        'a release',
        {
          ...pushOf('x'),
          eventName: 'release',
          sha: SHA,
          payload: { action: 'published', release: { tag_name: 'v1.0.0' }, repository },
        },
      ],
      ['a deleted branch', deletion('feature/x')],
    ])('%s', async (_, event) => {
      const { edges, log } = world();
      const asked: string[] = [];
      edges.fetchConfig = async (request) => {
        asked.push(`${request.path}@${request.branch}`);
        return CONFIG;
      };
      await runDeployment(options(event, { dryRun: true }), edges);
      expect(asked).toEqual(['.github/codedeploy.yml@master']);
      expect(log.text()).toContain("only the default branch's own copy is trusted");
    });
  });

  describe('a finished run (workflow_run)', () => {
    /** GitHub knows the branches `heads` names, at those commits. */
    function confirmed(heads: Record<string, string> = { develop: SHA }) {
      const memory = world();
      memory.edges.branchHead = async (branch) => heads[branch];
      return memory;
    }

    it('deploys the commit the run checked, from the workspace that holds it, as a push of its branch', async () => {
      const { edges, codedeploy, commits, reporter } = confirmed();
      const result = await runOne(options(finishedRun('develop')), edges);
      expect(result.status).toBe('succeeded');
      expect(result.groups.map((g) => g.group)).toEqual(['staging', 'test1']);
      expect(codedeploy.created()).toHaveLength(2);
      expect(commits.records.get(SHA)?.ref).toBe('refs/heads/develop');
      expect(reporter.told.map((t) => t.phase)).toEqual(['started', 'finished']);
    });

    it.each([
      [
        'holds another commit (the default branch, checked out by default)',
        'b'.repeat(40),
        'the workspace holds bbbbbbb',
      ],
      [
        'is not a git checkout',
        undefined,
        "the workspace's commit cannot be read (fatal: not a git repository)",
      ],
    ])('is refused when the workspace %s: nothing uploaded, created or announced', async (_, head, why) => {
      const { edges, codedeploy, store, reporter, workspace } = confirmed();
      workspace.head = head;
      const run = runDeployment(options(finishedRun('develop')), edges);
      await expect(run).rejects.toThrow(
        `/nowhere: workflow_run: the finished run checked commit aaaaaaa of branch "develop", but ${why}; refused`,
      );
      await expect(run).rejects.toThrow(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as written
        'actions/checkout with "ref: ${{ github.event.workflow_run.head_sha }}"',
      );
      expect(store.objects.size).toBe(0);
      expect(codedeploy.calls).toEqual([]);
      expect(reporter.told).toEqual([]);
    });

    it('a dry run plans without looking at the workspace', async () => {
      const { edges, workspace } = confirmed();
      workspace.head = undefined;
      const result = await runOne(options(finishedRun('develop'), { dryRun: true }), edges);
      expect(result.status).toBe('planned');
    });

    it('deploys the run’s commit when the branch has moved on since, and says so', async () => {
      const { edges, log } = confirmed({ develop: OTHER_SHA });
      const asked: string[] = [];
      edges.compareCommits = async (base, head) => {
        asked.push(`${base}...${head}`);
        return 'ahead';
      };
      const result = await runOne(options(finishedRun('develop')), edges);
      expect(result.status).toBe('succeeded');
      expect(asked).toEqual([`${SHA}...${OTHER_SHA}`]);
      expect(log.text()).toContain(
        'branch "develop" has moved on to bbbbbbb since the run; deploying aaaaaaa',
      );
    });

    it.each([
      ['no branch of that name (a tag’s run)', {}, undefined, 'which this repository does not have'],
      [
        'a branch whose history lacks the commit',
        { develop: OTHER_SHA },
        'diverged',
        'is not in the history of branch "develop" (GitHub compare says diverged)',
      ],
      ['a branch that was reset behind it', { develop: OTHER_SHA }, 'behind', 'GitHub compare says behind'],
    ] as const)(
      'skips a run named after %s: nothing is read from AWS',
      async (_, heads, relation, reason) => {
        const { edges, codedeploy, source } = confirmed(heads);
        if (relation) edges.compareCommits = async () => relation;
        const result = await runOne(options(finishedRun('develop')), edges);
        expect(result.status).toBe('skipped');
        expect(result.plan).toMatchObject({ skipped: true, code: 'not-on-branch' });
        expect(result.plan.skipped && result.plan.reason).toContain(reason);
        expect(codedeploy.calls).toEqual([]);
        expect(source.prepared).toEqual([]);
      },
    );

    it('is refused when GitHub cannot confirm the branch', async () => {
      const { edges, codedeploy } = world();
      edges.branchHead = async () => {
        throw new Error('HTTP 502');
      };
      await expect(runDeployment(options(finishedRun('develop')), edges)).rejects.toThrow(
        'workflow_run: cannot confirm that commit aaaaaaa is on branch "develop" (GitHub\'s branches API: HTTP 502); refused',
      );
      const moved = confirmed({ develop: OTHER_SHA });
      moved.edges.compareCommits = async () => {
        throw new Error('timeout');
      };
      await expect(runDeployment(options(finishedRun('develop')), moved.edges)).rejects.toThrow(
        'GitHub cannot compare it with the branch',
      );
      expect([...codedeploy.calls, ...moved.codedeploy.calls]).toEqual([]);
    });

    it('without GitHub, takes the event at its word and warns', async () => {
      const { edges, log } = world();
      const result = await runOne(options(finishedRun('develop')), edges);
      expect(result.status).toBe('succeeded');
      expect(log.lines.filter((line) => line.level === 'warn').map((line) => line.text)).toContainEqual(
        expect.stringContaining(
          'nothing confirms that commit aaaaaaa is on branch "develop" rather than a tag',
        ),
      );
    });

    it('a run that failed is skipped before GitHub or the workspace is asked', async () => {
      const { edges, workspace } = world();
      edges.branchHead = async () => {
        throw new Error('not asked');
      };
      workspace.head = undefined;
      const result = await runOne(options(finishedRun('develop', { conclusion: 'failure' })), edges);
      expect(result.plan).toMatchObject({ skipped: true, code: 'run-not-successful' });
    });
  });

  describe('teardown of a deleted branch (deleteOnBranchDelete)', () => {
    it('stops what runs there, deletes the group this project created, and says why', async () => {
      const { edges, codedeploy, ledger, source, log, reporter } = world();
      codedeploy.addGroup('feature-x', { deploymentGroupId: 'id-feature-x' });
      await ledger.recordCreated('feature-x', 'id-feature-x', 'refs/heads/feature/x');
      const running = codedeploy.addDeployment('feature-x', runsForever);
      const result = await runOne(options(deletion('feature/x')), edges);
      expect(result.groups[0]).toMatchObject({ outcome: 'torn-down', note: "deleted the branch's group" });
      expect(codedeploy.statusOf(running)).toBe('Stopped');
      expect(codedeploy.deleted).toEqual(['feature-x']);
      expect(ledger.created.has('feature-x')).toBe(false);
      expect(source.prepared).toEqual([]);
      expect(log.text()).toContain(`feature-x: stopping ${running} (the branch was deleted)`);
      expect(log.text()).not.toContain('pull request');
      expect(reporter.told.map((t) => t.phase)).toEqual(['started', 'finished']);
    });

    it('keeps a group of the same name that this project did not create', async () => {
      const { edges, codedeploy } = world();
      codedeploy.addGroup('feature-y', { deploymentGroupId: 'made-by-hand' });
      const result = await runOne(options(deletion('feature/y')), edges);
      expect(result.groups[0]!.note).toBe('kept: codedeploy-gitops did not create this group');
      expect(codedeploy.deleted).toEqual([]);
    });

    it('a push that deleted the branch tears it down the same way', async () => {
      const { edges, codedeploy, ledger } = world();
      codedeploy.addGroup('feature-z', { deploymentGroupId: 'id-feature-z' });
      await ledger.recordCreated('feature-z', 'id-feature-z', 'refs/heads/feature/z');
      const event = pushOf('feature/z');
      event.payload = { ...(event.payload as object), deleted: true, before: SHA };
      const result = await runOne(options(event), edges);
      expect(result.plan).toMatchObject({ action: 'teardown', cause: 'branch-deleted' });
      expect(codedeploy.deleted).toEqual(['feature-z']);
    });
  });

  describe('a teardown touches only what its own ref created', () => {
    it('a deleted branch leaves alone a group of the same name created for another branch', async () => {
      const { edges, codedeploy, ledger, log } = world();
      // feature/x-y and feature/x/y both fill "feature-{name}" as feature-x-y.
      codedeploy.addGroup('feature-x-y', { deploymentGroupId: 'id-feature-x-y' });
      await ledger.recordCreated('feature-x-y', 'id-feature-x-y', 'refs/heads/feature/x/y');
      const running = codedeploy.addDeployment('feature-x-y', runsForever);
      const result = await runOne(options(deletion('feature/x-y')), edges);
      expect(result.groups[0]).toMatchObject({
        group: 'feature-x-y',
        outcome: 'left-alone',
        note: 'codedeploy-gitops created it for refs/heads/feature/x/y, not for refs/heads/feature/x-y',
      });
      expect(result.status).toBe('succeeded');
      expect(codedeploy.statusOf(running)).toBe('InProgress');
      expect(codedeploy.deleted).toEqual([]);
      expect(ledger.created.has('feature-x-y')).toBe(true);
      expect(log.text()).toContain(
        'feature-x-y: not torn down, because codedeploy-gitops created it for refs/heads/feature/x/y',
      );
    });

    it("a group created by a push is recorded with its ref, and torn down by that branch's deletion", async () => {
      const { edges, codedeploy, ledger } = world();
      await runOne(options(pushOf('feature/login')), edges);
      expect(ledger.refs.get('feature-login')).toBe('refs/heads/feature/login');
      const result = await runOne(options(deletion('feature/login')), edges);
      expect(result.groups[0]).toMatchObject({ outcome: 'torn-down', note: "deleted the branch's group" });
      expect(codedeploy.deleted).toEqual(['feature-login']);
    });

    it('a deleted branch that exists again is not torn down; GitHub not answering refuses the teardown', async () => {
      const { edges, codedeploy, ledger } = world();
      codedeploy.addGroup('feature-x', { deploymentGroupId: 'id-feature-x' });
      await ledger.recordCreated('feature-x', 'id-feature-x', 'refs/heads/feature/x');
      edges.branchHead = async () => OTHER_SHA;
      const again = await runOne(options(deletion('feature/x')), edges);
      expect(again.plan).toMatchObject({
        skipped: true,
        reason: `branch "feature/x" was deleted, but exists again (at ${OTHER_SHA.slice(0, 7)}): its groups are in use, nothing is torn down`,
      });
      edges.branchHead = async () => {
        throw new Error('GitHub is down');
      };
      await expect(runDeployment(options(deletion('feature/x')), edges)).rejects.toThrow(
        'cannot confirm that branch "feature/x" is still deleted',
      );
      edges.branchHead = async () => undefined;
      await runOne(options(deletion('feature/x')), edges);
      expect(codedeploy.deleted).toEqual(['feature-x']);
    });
  });

  it('a published release deploys its tag’s groups, from the workspace', async () => {
    const { edges, codedeploy, commits } = world();
    const event: RunnerEvent = {
      eventName: 'release',
      payload: { action: 'published', release: { tag_name: 'v1.0.0', prerelease: false }, repository },
      payloadFile: 'event.json',
      sha: SHA,
    };
    const result = await runOne(options(event), edges);
    expect(result.groups.map((g) => [g.group, g.outcome])).toEqual([['staging', 'succeeded']]);
    expect(codedeploy.created()).toHaveLength(1);
    expect(commits.records.get(SHA)?.ref).toBe('refs/tags/v1.0.0');
  });

  it('creates a missing group from its template, records it in the ledger, then deploys', async () => {
    const { edges, ledger } = world();
    const result = await runOne(options(pushOf('feature/login')), edges);
    expect(result.groups[0]).toMatchObject({
      group: 'feature-login',
      outcome: 'succeeded',
      createdGroup: true,
    });
    expect(ledger.created.get('feature-login')).toBe('id-feature-login');
  });

  describe('a group created from a template whose placeholders the ref fills', () => {
    const TEMPLATED = `
application: shop
revision: { bucket: artifacts }
branches:
  main: production
  "feature/*": { deploymentGroup: "feature-{name}", create: { from: feature-template } }
`;
    function templated() {
      const memory = memoryEdges(TEMPLATED);
      memory.codedeploy.addGroup('production', {
        ec2TagFilters: [{ Key: 'Environment', Value: 'production', Type: 'KEY_AND_VALUE' }],
      });
      memory.codedeploy.addGroup('feature-template', {
        ec2TagFilters: [{ Key: 'Environment', Value: '{name}', Type: 'KEY_AND_VALUE' }],
      });
      return memory;
    }

    it("is refused before anything is written when the filled tag selects a named group's instances", async () => {
      const { edges, codedeploy, store } = templated();
      await expect(runDeployment(options(pushOf('feature/production')), edges)).rejects.toThrow(
        'deployment group "feature-production" would be created from "feature-template" with EC2 tag "Environment=production"',
      );
      expect(store.objects.size).toBe(0);
      expect(
        codedeploy.calls.filter((call) => call.op === 'createGroup' || call.op === 'createDeployment'),
      ).toEqual([]);
    });

    it('is created and deployed for any other name, reading the named groups once', async () => {
      const { edges, codedeploy } = templated();
      const result = await runOne(options(pushOf('feature/login')), edges);
      expect(result.groups[0]).toMatchObject({
        group: 'feature-login',
        outcome: 'succeeded',
        createdGroup: true,
      });
      const create = codedeploy.calls.find((call) => call.op === 'createGroup')!;
      expect((create.arg as { ec2TagFilters: unknown }).ec2TagFilters).toEqual([
        { Key: 'Environment', Value: 'login', Type: 'KEY_AND_VALUE' },
      ]);
      const reads = codedeploy.calls.filter((call) => call.op === 'getGroup').map((call) => call.arg);
      expect(reads.slice(0, 4)).toEqual(['feature-login', 'feature-template', 'production', 'feature-login']);
    });

    it('reads no other group when the template has no placeholder in what it selects', async () => {
      const { edges, codedeploy } = world();
      await runDeployment(options(pushOf('feature/login')), edges);
      const reads = codedeploy.calls.filter((call) => call.op === 'getGroup').map((call) => call.arg);
      expect(reads).toEqual(['feature-login', 'staging', 'feature-login']);
    });
  });

  it('uploads nothing and creates nothing when preflight finds a group missing', async () => {
    const { edges, codedeploy, store } = world();
    codedeploy.groups.delete('test1');
    await expect(runDeployment(options(pushOf('develop')), edges)).rejects.toThrow(
      'deployment group "test1" does not exist',
    );
    expect(store.objects.size).toBe(0);
    expect(codedeploy.created()).toEqual([]);
  });
});

describe('answers that may hide a success', () => {
  it('a garbled CreateDeployment answer: looks for its own deployment and follows it, never a second one', async () => {
    const { edges, codedeploy } = world();
    codedeploy.failNext('createDeployment', garbledAnswer());
    const result = await runOne(options(pushOf('quick')), edges);
    expect(codedeploy.created()).toHaveLength(1);
    expect(result.groups[0]).toMatchObject({ outcome: 'succeeded', deploymentId: codedeploy.created()[0] });
  });

  it('a garbled poll answer does not end the following', async () => {
    const { edges, codedeploy } = world();
    codedeploy.failNext('batchGetDeployments', garbledAnswer(), garbledAnswer());
    const result = await runOne(options(pushOf('quick')), edges);
    expect(result.status).toBe('succeeded');
  });

  it('a lost CreateDeploymentGroup answer: the group exists, so it is used and recorded as ours', async () => {
    const { edges, codedeploy, ledger, log } = world();
    codedeploy.failNext('createGroup', lostAnswer());
    const result = await runOne(options(pushOf('feature/login')), edges);
    expect(result.groups[0]).toMatchObject({ outcome: 'succeeded', createdGroup: true });
    expect(ledger.created.get('feature-login')).toBe('id-feature-login');
    expect(log.text()).toContain('but the group exists: using it');
  });

  it('a definite refusal of CreateDeployment is not retried', async () => {
    const { edges, codedeploy } = world();
    codedeploy.failNext('createDeployment', { error: awsError('InvalidRevisionException', 'bad revision') });
    const result = await runOne(options(pushOf('quick')), edges);
    expect(result.groups[0]).toMatchObject({
      outcome: 'failed',
      error: { code: 'InvalidRevisionException' },
    });
    expect(codedeploy.calls.filter((call) => call.op === 'createDeployment')).toHaveLength(1);
  });
});

describe('a cancelled workflow', () => {
  it('before anything is created: every group reports cancelled, and so does the run', async () => {
    const { edges, codedeploy, cancel } = world();
    codedeploy.onCall = (op) => {
      if (op === 'getGroup') cancel.abort();
    };
    const result = await runOne(options(pushOf('develop')), edges);
    expect(result.status).toBe('cancelled');
    expect(result.groups.map((g) => g.outcome)).toEqual(['cancelled', 'cancelled']);
    expect(codedeploy.created()).toEqual([]);
  });

  it('during the backoff of a throttled CreateDeployment: no CreateDeployment after the cancel', async () => {
    const { edges, codedeploy, cancel } = world();
    codedeploy.failNext('createDeployment', { error: awsError('ThrottlingException', 'Rate exceeded') });
    codedeploy.onCall = (op) => {
      if (op === 'createDeployment') cancel.abort();
    };
    const result = await runOne(options(pushOf('quick')), edges);
    expect(codedeploy.calls.filter((call) => call.op === 'createDeployment')).toHaveLength(1);
    expect(result.groups[0]).toMatchObject({
      outcome: 'cancelled',
      note: 'not started: the workflow was cancelled',
    });
    expect(result.status).toBe('cancelled');
  });

  it('after a CreateDeployment that may have gone through: finds it, stops it and names it', async () => {
    const { edges, codedeploy, cancel } = world();
    codedeploy.failNext('createDeployment', lostAnswer());
    codedeploy.timelineFor = () => runsForever;
    codedeploy.onCall = (op) => {
      if (op === 'createDeployment') cancel.abort();
    };
    const result = await runOne(options(pushOf('quick')), edges);
    const [id] = codedeploy.created();
    expect(result.groups[0]).toMatchObject({ outcome: 'stopped', deploymentId: id });
    expect(codedeploy.statusOf(id!)).toBe('Stopped');
  });

  it('while following: stops what runs, reports it stopped', async () => {
    const { edges, codedeploy, cancel } = world();
    codedeploy.timelineFor = () => runsForever;
    codedeploy.onCall = (op) => {
      if (op === 'batchGetDeployments') cancel.abort();
    };
    const result = await runOne(options(pushOf('develop')), edges);
    expect(result.status).toBe('stopped');
    expect(result.groups.map((g) => g.note)).toEqual([
      'stopped because the workflow was cancelled',
      'stopped because the workflow was cancelled',
    ]);
  });

  it('during a teardown: nothing is deleted, and the report says the preview is still there', async () => {
    const { edges, codedeploy, ledger, cancel } = world();
    codedeploy.addGroup('pr-9', { deploymentGroupId: 'id-pr-9' });
    await ledger.recordCreated('pr-9', 'id-pr-9', 'refs/pull/9/head');
    codedeploy.onCall = (op) => {
      if (op === 'applicationExists') cancel.abort();
    };
    const result = await runOne(options(closedPullRequest(9)), edges);
    expect(result.groups[0]).toMatchObject({
      outcome: 'cancelled',
      note: 'not torn down: the workflow was cancelled',
    });
    expect(codedeploy.deleted).toEqual([]);
  });
});

describe('a local rehearsal', () => {
  const rehearsal = { serviceRoleArn: 'arn:aws:iam::123456789012:role/local' };

  it('creates the missing application and groups, bare, once the revision is in place', async () => {
    const { edges, codedeploy, store } = memoryEdges(CONFIG);
    codedeploy.applicationCreated = false;
    const result = await runOne(options(pushOf('feature/login'), { rehearsal }), edges);
    expect(result.status).toBe('succeeded');
    expect(codedeploy.groups.get('feature-login')?.serviceRoleArn).toBe(rehearsal.serviceRoleArn);
    const order = codedeploy.calls.map((call) => call.op);
    expect(order.indexOf('createGroup')).toBeGreaterThan(-1);
    expect(store.objects.size).toBe(1);
  });

  it('creates nothing when the revision is refused (a broken appspec)', async () => {
    const { edges, codedeploy, source } = memoryEdges(CONFIG);
    codedeploy.applicationCreated = false;
    source.prepare = async () => {
      throw new UserError('app/appspec.yml:5:17: script "gone.sh" is not in the bundle');
    };
    await expect(runDeployment(options(pushOf('develop'), { rehearsal }), edges)).rejects.toThrow('gone.sh');
    expect(codedeploy.calls.filter((call) => call.op.startsWith('create'))).toEqual([]);
  });
});
