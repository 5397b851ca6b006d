import type { RevisionLocation } from '@aws-sdk/client-codedeploy';
import { errorMessage, type Problem, problem, UserError } from '../core/problems.js';
import { chooseRollbackRevision } from './decisions.js';
import type { DeployDeps, DeployRequest, GroupTask } from './group-task.js';
import type {
  BucketEdges,
  CommitRelation,
  DeployedRevision,
  GitHubRevision,
  PreparedRevision,
} from './ports.js';
import { describeRevision, type RevisionChoice } from './results.js';

/**
 * The run's revision choice, with the workspace's revision in hand when it is the one: prepared
 * (walked or listed, checked) to be stored in S3, or the checked-out commit CodeDeploy gets from GitHub.
 */
export type RevisionInHand =
  | Exclude<RevisionChoice, { kind: 'workspace' }>
  | { kind: 'workspace'; prepared: PreparedRevision }
  | { kind: 'commit'; revision: GitHubRevision };

/**
 * Gives every group the revision the run deploys: the workspace's (stored once for all groups, or
 * the commit itself on GitHub), an earlier commit's, or each group's previous good revision.
 * Returns the revision shared by all groups; none for a rollback.
 */
export async function chooseRevisions(
  request: DeployRequest,
  tasks: GroupTask[],
  deps: DeployDeps,
  choice: RevisionInHand,
): Promise<DeployedRevision | undefined> {
  if (choice.kind === 'rollback') {
    for (const task of tasks) task.revision = await rollbackRevision(task, deps);
    return undefined;
  }
  let revision: DeployedRevision;
  if (choice.kind === 'sha') {
    const found = await earlierCommit(choice.sha, request, deps);
    await refuseUnprovenRedeploy(found, request, tasks, deps);
    revision = found.revision;
    deps.log.info(
      revision.type === 'github'
        ? `Redeploying commit ${revision.commitId} as a GitHub revision of ${revision.repository}`
        : `Redeploying ${describeRevision(revision)}, the revision commit ${choice.sha} deployed`,
    );
  } else if (choice.kind === 'commit') {
    revision = choice.revision;
  } else {
    const { revisions, commits } = bucketOf(deps);
    revision = await revisions.store(choice.prepared, request.commit);
    await commits.record(request.commit, revision);
  }
  const location = revisionLocation(revision);
  for (const task of tasks) task.revision = location;
  return revision;
}

/** What CreateDeployment names: the S3 object pinned by its ETag (and version), or the GitHub commit. */
function revisionLocation(revision: DeployedRevision): RevisionLocation {
  if (revision.type === 'github') {
    return {
      revisionType: 'GitHub',
      gitHubLocation: { repository: revision.repository, commitId: revision.commitId },
    };
  }
  return {
    revisionType: 'S3',
    s3Location: {
      bucket: revision.bucket,
      key: revision.key,
      bundleType: revision.bundleType,
      eTag: revision.eTag,
      ...(revision.version ? { version: revision.version } : {}),
    },
  };
}

/** The S3 side of the edges: S3 revisions always have it (the schema requires their bucket). */
function bucketOf(deps: DeployDeps): BucketEdges {
  if (!deps.bucket) throw new Error('S3 revisions need revision.bucket');
  return deps.bucket;
}

/** A commit to redeploy, with the revision it gets and, when a record says, the ref it was deployed from. */
interface EarlierCommit {
  sha: string;
  ref?: string;
  revision: DeployedRevision;
}

/**
 * The revision of an earlier commit: the one its run stored in S3 (its commit record), or, for
 * GitHub revisions, the commit itself, which GitHub keeps: no record is needed, but its full sha is.
 */
async function earlierCommit(sha: string, request: DeployRequest, deps: DeployDeps): Promise<EarlierCommit> {
  const settings = request.config.revision;
  if (settings.type === 'github') {
    if (!/^[0-9a-f]{40}$/i.test(sha)) {
      throw new UserError(
        problem(
          `revision: "${sha}" is not a full commit sha, which a GitHub revision names`,
          { file: 'action inputs' },
          'give all 40 hex digits of the commit (git rev-parse <sha>)',
        ),
      );
    }
    const commitId = sha.toLowerCase();
    return { sha: commitId, revision: { type: 'github', repository: request.repository, commitId } };
  }
  const found = await bucketOf(deps).commits.find(sha);
  if (!found) {
    throw new UserError(
      problem(
        `no revision of commit ${sha} in s3://${settings.bucket}/${settings.prefix}${request.config.application}/`,
        undefined,
        'deploy that commit once (push or workflow_dispatch on it), or check the sha',
      ),
    );
  }
  return found;
}

/** How many of a group's newest deployments are searched for a redeployed commit's revision. */
export const REDEPLOY_HISTORY = 100;

/**
 * A redeploy by sha sends a commit to the mapped groups only when it belongs there: it is in the
 * history of the ref the workflow was dispatched on (GitHub's compare API: the ref's head is ahead of
 * it, or is it), or the group already ran its revision (one of its REDEPLOY_HISTORY newest
 * deployments). Otherwise a commit only ever deployed from a feature branch or a preview could be sent
 * to production by a dispatch on the default branch. Refuses before anything is created.
 */
async function refuseUnprovenRedeploy(
  commit: EarlierCommit,
  request: DeployRequest,
  tasks: GroupTask[],
  deps: DeployDeps,
): Promise<void> {
  const short = commit.sha.slice(0, 7);
  const relation = await relationToDispatchedRef(commit, request, deps);
  const dispatched = request.origin.ref;
  if (relation === 'ahead' || relation === 'identical') {
    deps.log.info(
      `commit ${short} is in the history of ${dispatched} (GitHub compare): it may be redeployed`,
    );
    return;
  }
  const problems: Problem[] = [];
  for (const task of tasks) {
    const group = task.plan.deploymentGroup;
    if (await ranRevision(group, commit.revision, deps)) {
      deps.log.info(`${group}: ran the revision of commit ${short} before: it may be redeployed there`);
      continue;
    }
    const compared = deps.compareCommits
      ? `GitHub compare says ${relation}`
      : 'there is no GitHub compare API to ask';
    problems.push(
      problem(
        `revision: commit ${short}${commit.ref ? ` (deployed from ${commit.ref})` : ''} is not in the history of ${dispatched} (${compared}), and deployment group "${group}" never ran its revision (its last ${REDEPLOY_HISTORY} deployments); refused, so that a redeploy cannot send a commit where it was never meant to go`,
        { file: 'action inputs' },
        `run the workflow on a ref that contains ${short}${commit.ref ? ` (${commit.ref}, if that ref's mapping deploys to "${group}")` : ''}, or deploy it to "${group}" the usual way first`,
      ),
    );
  }
  if (problems.length > 0) throw new UserError(problems);
}

/** How the dispatched ref's head relates to the commit (base: the commit, head: the ref's head). */
async function relationToDispatchedRef(
  commit: EarlierCommit,
  request: DeployRequest,
  deps: DeployDeps,
): Promise<CommitRelation> {
  if (!deps.compareCommits) return 'unknown';
  try {
    return await deps.compareCommits(commit.sha, request.origin.sha);
  } catch (error) {
    deps.log.debug(`compare ${commit.sha}...${request.origin.sha}: ${errorMessage(error)}`);
    return 'unknown';
  }
}

/** Whether one of the group's newest deployments deployed this revision (the same object, or the same commit). */
async function ranRevision(group: string, revision: DeployedRevision, deps: DeployDeps): Promise<boolean> {
  const ids = await deps.codedeploy.listDeployments(group, undefined, REDEPLOY_HISTORY);
  if (ids.length === 0) return false;
  const infos = await deps.codedeploy.batchGetDeployments(ids);
  return infos.some((info) => {
    if (revision.type === 'github') {
      const github = info.revision?.gitHubLocation;
      return (
        github?.commitId?.toLowerCase() === revision.commitId &&
        github.repository?.toLowerCase() === revision.repository.toLowerCase()
      );
    }
    const s3 = info.revision?.s3Location;
    return s3?.bucket === revision.bucket && s3.key === revision.key;
  });
}

/** The newest revision the group deployed successfully that is not the one it runs now. */
async function rollbackRevision(task: GroupTask, deps: DeployDeps): Promise<RevisionLocation> {
  const group = task.plan.deploymentGroup;
  const currentId = task.info?.lastAttemptedDeployment?.deploymentId;
  const current = currentId ? (await deps.codedeploy.getDeployment(currentId)).revision : undefined;
  const succeededIds = await deps.codedeploy.listDeployments(group, ['Succeeded'], 50);
  const infos = await deps.codedeploy.batchGetDeployments(succeededIds);
  const newestFirst = infos.sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
  const choice = chooseRollbackRevision({
    ...(current ? { current } : {}),
    succeeded: newestFirst.map((info) => ({
      id: info.deploymentId ?? '',
      ...(info.revision ? { revision: info.revision } : {}),
    })),
    same: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  if (!choice) {
    throw new UserError(
      problem(
        `deployment group "${group}" has no earlier successful revision to roll back to`,
        undefined,
        'redeploy a known commit with the "revision" input instead',
      ),
    );
  }
  deps.log.info(
    `${group}: rolling back to the revision of ${choice.id} (${describeLocation(choice.revision)})`,
  );
  return choice.revision;
}

function describeLocation(location: RevisionLocation): string {
  const { s3Location: s3, gitHubLocation: github } = location;
  if (s3) return `s3://${s3.bucket ?? ''}/${s3.key ?? ''}`;
  if (github) return `${github.repository ?? ''}@${github.commitId ?? ''}`;
  return location.revisionType ?? 'unknown';
}
