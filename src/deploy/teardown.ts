import { ACTIVE_STATUSES } from './decisions.js';
import { waitForTheirs } from './follow.js';
import { type DeployDeps, type DeployRequest, newReport } from './group-task.js';
import type { GroupReport } from './results.js';

// How long a stopped deployment on a closed preview may take to end before the group is deleted.
const STOPPED_WITHIN_MS = 60_000;

/** A closed pull request: stop what runs on its preview groups, delete the groups this project created. */
export async function teardown(request: DeployRequest, deps: DeployDeps): Promise<GroupReport[]> {
  const { codedeploy, log } = deps;
  const { plan } = request;
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
    // Once cancelled, nothing new is stopped or deleted: the preview stays as it is, and says so.
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
    for (const id of await codedeploy.listDeployments(group, ACTIVE_STATUSES)) {
      log.info(`${group}: stopping ${id} (the pull request was closed)`);
      await codedeploy.stopDeployment(id, false);
      await waitForTheirs(group, id, deps.clock.now() + STOPPED_WITHIN_MS, deps);
    }
    if (deps.cancel.aborted) {
      report.outcome = 'cancelled';
      report.note = 'not torn down: the workflow was cancelled (what ran there was stopped)';
      continue;
    }
    report.outcome = 'torn-down';
    if (!plan.deleteOnClose) {
      report.note = 'kept: deleteOnClose is off';
    } else if (!deps.bucket) {
      report.note = 'kept: the config names no bucket where codedeploy-gitops records the groups it creates';
      log.info(`${group}: kept, because no record says codedeploy-gitops created it (no bucket)`);
    } else if (await deps.bucket.ledger.createdByUs(group, info.deploymentGroupId)) {
      await codedeploy.deleteGroup(group);
      await deps.bucket.ledger.forget(group);
      report.note = 'deleted the preview group';
      log.info(`${group}: deleted (codedeploy-gitops created it)`);
    } else {
      report.note = 'kept: codedeploy-gitops did not create this group';
      log.info(`${group}: kept, because codedeploy-gitops did not create it`);
    }
  }
  return reports;
}
