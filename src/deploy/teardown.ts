import { warning } from '../core/problems.js';
import type { TeardownCause, TeardownPlan } from '../plan/plan.js';
import { ACTIVE_STATUSES } from './decisions.js';
import { waitForTheirs } from './follow.js';
import { type DeployDeps, newReport } from './group-task.js';
import type { GroupReport } from './results.js';

// How long a stopped deployment may take to end before its group is deleted.
const STOPPED_WITHIN_MS = 60_000;

/** What the log and the reports say of each cause. */
const WORDING: Record<TeardownCause, { ended: string; group: string }> = {
  'pull-request-closed': { ended: 'the pull request was closed', group: 'the preview group' },
  'branch-deleted': { ended: 'the branch was deleted', group: "the branch's group" },
};

/**
 * A closed pull request's previews, or a deleted branch's groups: stop what runs there, delete the
 * groups this project created. A group the ledger says was created for another ref (`review/a`'s
 * `review-a`, when the branch `review-a` is deleted) is left alone: it is not this ref's to end.
 */
export async function teardown(plan: TeardownPlan, ref: string, deps: DeployDeps): Promise<GroupReport[]> {
  const { codedeploy, log } = deps;
  const wording = WORDING[plan.cause];
  if (!(await codedeploy.applicationExists())) {
    return plan.deployments.map((planned) => ({
      ...newReport(planned),
      outcome: 'torn-down',
      note: 'the application does not exist',
    }));
  }
  const reports: GroupReport[] = [];
  for (const planned of plan.deployments) {
    const report = newReport(planned);
    reports.push(report);
    // Once cancelled, nothing new is stopped or deleted: the group stays as it is, and says so.
    if (deps.cancel.aborted) {
      report.outcome = 'cancelled';
      report.note = 'not torn down: the workflow was cancelled';
      continue;
    }
    const group = planned.deploymentGroup;
    const info = await codedeploy.getGroup(group);
    if (!info) {
      report.outcome = 'torn-down';
      report.note = 'the group does not exist';
      continue;
    }
    const record = await deps.bucket?.ledger.record(group, info.deploymentGroupId);
    if (record?.ref !== undefined && record.ref !== ref) {
      report.outcome = 'left-alone';
      report.note = `codedeploy-gitops created it for ${record.ref}, not for ${ref}`;
      log.warn(
        warning(
          `${group}: not torn down, because codedeploy-gitops created it for ${record.ref}, and ${wording.ended} for ${ref}`,
          undefined,
          'nothing to do: it is torn down when its own ref ends; give the mappings templates that cannot meet ("feature-{name}", "review-{name}")',
        ),
      );
      continue;
    }
    for (const id of await codedeploy.listDeployments(group, ACTIVE_STATUSES)) {
      log.info(`${group}: stopping ${id} (${wording.ended})`);
      await codedeploy.stopDeployment(id, false);
      await waitForTheirs(group, id, deps.clock.now() + STOPPED_WITHIN_MS, deps);
    }
    if (deps.cancel.aborted) {
      report.outcome = 'cancelled';
      report.note = 'not torn down: the workflow was cancelled (what ran there was stopped)';
      continue;
    }
    report.outcome = 'torn-down';
    if (!plan.deleteGroups) {
      report.note = 'kept: deleteOnClose is off';
    } else if (!deps.bucket) {
      report.note = 'kept: the config names no bucket where codedeploy-gitops records the groups it creates';
      log.info(`${group}: kept, because no record says codedeploy-gitops created it (no bucket)`);
    } else if (record) {
      await codedeploy.deleteGroup(group);
      await deps.bucket.ledger.forget(group);
      report.note = `deleted ${wording.group}`;
      log.info(`${group}: deleted (codedeploy-gitops created it)`);
    } else {
      report.note = 'kept: codedeploy-gitops did not create this group';
      log.info(`${group}: kept, because codedeploy-gitops did not create it`);
    }
  }
  return reports;
}
