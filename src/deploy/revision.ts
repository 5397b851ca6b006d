import type { RevisionLocation } from '@aws-sdk/client-codedeploy';
import { problem, UserError } from '../core/problems.js';
import { chooseRollbackRevision } from './decisions.js';
import type { DeployDeps, DeployRequest, GroupTask } from './group-task.js';
import type { PreparedRevision, StoredRevision } from './ports.js';
import { type RevisionChoice, s3Uri } from './results.js';

/** The run's revision choice, with the workspace's revision prepared (walked and checked) when it is the one. */
export type RevisionInHand =
  | Exclude<RevisionChoice, { kind: 'workspace' }>
  | { kind: 'workspace'; prepared: PreparedRevision };

/**
 * Gives every group the revision the run deploys: the workspace's (stored once for all groups),
 * the one an earlier run stored for a commit, or each group's previous good revision.
 * Returns the revision shared by all groups; none for a rollback.
 */
export async function chooseRevisions(
  request: DeployRequest,
  tasks: GroupTask[],
  deps: DeployDeps,
  choice: RevisionInHand,
): Promise<StoredRevision | undefined> {
  if (choice.kind === 'rollback') {
    for (const task of tasks) task.revision = await rollbackRevision(task, deps);
    return undefined;
  }
  let revision: StoredRevision;
  if (choice.kind === 'sha') {
    const found = await deps.commits.find(choice.sha);
    if (!found) {
      const { revision: where, application } = request.config;
      throw new UserError(
        problem(
          `no revision of commit ${choice.sha} in s3://${where.bucket}/${where.prefix}${application}/`,
          undefined,
          'deploy that commit once (push or workflow_dispatch on it), or check the sha',
        ),
      );
    }
    revision = found;
    deps.log.info(`Redeploying ${s3Uri(revision)}, the revision commit ${choice.sha} deployed`);
  } else {
    revision = await deps.revisions.store(choice.prepared, request.commit);
    await deps.commits.record(request.commit, revision);
  }
  const location: RevisionLocation = {
    revisionType: 'S3',
    s3Location: {
      bucket: revision.bucket,
      key: revision.key,
      bundleType: revision.bundleType,
      eTag: revision.eTag,
      ...(revision.version ? { version: revision.version } : {}),
    },
  };
  for (const task of tasks) task.revision = location;
  return revision;
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
    `${group}: rolling back to the revision of ${choice.id} (${describeRevision(choice.revision)})`,
  );
  return choice.revision;
}

function describeRevision(revision: RevisionLocation): string {
  const s3 = revision.s3Location;
  return s3 ? s3Uri({ bucket: s3.bucket ?? '', key: s3.key ?? '' }) : (revision.revisionType ?? 'unknown');
}
