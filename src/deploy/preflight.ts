import type { DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import { awsErrorName, isDefiniteRejection } from '../aws/aws-errors.js';
import { throwIfCancelled } from '../core/cancel.js';
import { type Problem, problem, UserError } from '../core/problems.js';
import { type DeployDeps, type DeployRequest, type GroupTask, newReport } from './group-task.js';
import { groupFromTemplate } from './group-template.js';
import type { GroupInput } from './ports.js';

/**
 * Reads only: the application and every group (or the template it is created from) must exist before
 * anything is uploaded. Every problem is reported at once.
 */
export async function preflight(request: DeployRequest, deps: DeployDeps): Promise<GroupTask[]> {
  const { codedeploy, log } = deps;
  const { config } = request;
  const problems: Problem[] = [];
  let appExists = await codedeploy.applicationExists();
  if (!appExists && config.createApplication) {
    // An application is only a name: creating it changes no deployment. Its groups (and any template)
    // cannot exist yet, so the checks below still stop the run before the upload, naming them.
    await codedeploy.createApplication();
    appExists = true;
    log.info(`Created the CodeDeploy application "${config.application}" (createApplication: true)`);
  }
  if (!appExists) {
    problems.push(
      problem(
        `the CodeDeploy application "${config.application}" does not exist in ${request.region}`,
        { file: config.file },
        `create it with its deployment groups (docs/setup-aws.md), or set "createApplication: true"`,
      ),
    );
  }
  const tasks: GroupTask[] = [];
  const templates = new Map<string, DeploymentGroupInfo | undefined>();
  for (const plan of request.plan.deployments) {
    const task: GroupTask = { plan, report: newReport(plan) };
    tasks.push(task);
    if (!appExists) continue;
    task.info = await codedeploy.getGroup(plan.deploymentGroup);
    if (task.info) continue;
    if (!plan.create || !plan.createFrom) {
      problems.push(
        problem(
          `deployment group "${plan.deploymentGroup}" does not exist in application "${config.application}" (${request.region})`,
          { file: config.file },
          `create it, or let the "${plan.mapping}" mapping create it with "create: { from: <template group> }"`,
        ),
      );
      continue;
    }
    if (!templates.has(plan.createFrom))
      templates.set(plan.createFrom, await codedeploy.getGroup(plan.createFrom));
    task.template = templates.get(plan.createFrom);
    if (!task.template) {
      problems.push(
        problem(
          `template group "${plan.createFrom}" for "${plan.deploymentGroup}" does not exist in application "${config.application}"`,
          { file: config.file },
          `fix "create: { from: ... }" of the "${plan.mapping}" mapping`,
        ),
      );
    } else if (request.revisionChoice.kind !== 'workspace') {
      problems.push(
        problem(
          `deployment group "${plan.deploymentGroup}" does not exist yet: there is nothing to redeploy`,
        ),
      );
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  log.info(
    `Preflight: application "${config.application}" and ${tasks.length} deployment group(s) ready (${tasks
      .map((t) => `${t.plan.deploymentGroup}${t.info ? '' : ` ← create from ${t.plan.createFrom}`}`)
      .join(', ')})`,
  );
  return tasks;
}

/** Writes, once the revision is in place: the groups preflight found missing, copied from their templates. */
export async function createMissingGroups(
  request: DeployRequest,
  tasks: GroupTask[],
  deps: DeployDeps,
): Promise<void> {
  const { codedeploy, log } = deps;
  for (const task of tasks) {
    if (task.info || !task.template) continue;
    throwIfCancelled(deps.cancel);
    const input = groupFromTemplate(task.template, task.plan.deploymentGroup, request.plan.placeholders);
    const groupId = await createGroup(input, deps);
    await deps.ledger.recordCreated(task.plan.deploymentGroup, groupId);
    task.info = await codedeploy.getGroup(task.plan.deploymentGroup);
    task.report.createdGroup = true;
    log.info(`Created deployment group "${task.plan.deploymentGroup}" from "${task.plan.createFrom}"`);
  }
}

// CreateDeploymentGroup tries per group.
const CREATE_GROUP_ATTEMPTS = 3;

/**
 * CreateDeploymentGroup, sent once per try. After an answer that may hide a success (lost, garbled,
 * a 5xx, a timeout) the group is looked up: preflight found it missing, so if it is there now this run
 * created it; if not, the call did not go through and is made again.
 */
async function createGroup(input: GroupInput, deps: DeployDeps): Promise<string> {
  const group = input.deploymentGroupName ?? '';
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.codedeploy.createGroup(input);
    } catch (error) {
      if (isDefiniteRejection(error)) throw error;
      const info = await deps.codedeploy.getGroup(group);
      if (info?.deploymentGroupId) {
        deps.log.info(
          `${group}: CreateDeploymentGroup answered ${awsErrorName(error)}, but the group exists: using it`,
        );
        return info.deploymentGroupId;
      }
      if (attempt >= CREATE_GROUP_ATTEMPTS || deps.cancel.aborted) throw error;
      deps.log.debug(
        `${group}: CreateDeploymentGroup: ${awsErrorName(error)}; the group is not there, trying again`,
      );
    }
  }
}
