import type { DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import { awsErrorName, isDefiniteRejection } from '../aws/aws-errors.js';
import type { Config } from '../config/types.js';
import { throwIfCancelled } from '../core/cancel.js';
import { type Problem, problem, UserError } from '../core/problems.js';
import { describeNaming, namedByConfig } from '../plan/plan.js';
import {
  borrowedSelectors,
  filledSelectors,
  type GroupToCreate,
  type NamedGroup,
} from './borrowed-selectors.js';
import { type DeployDeps, type DeployRequest, type GroupTask, newReport } from './group-task.js';
import { groupFromTemplate } from './group-template.js';
import type { GroupInput } from './ports.js';

/**
 * Reads only: the application and every group (or the template it is created from) must exist before
 * anything is uploaded, and a group to create may not select, through its template's placeholders,
 * what a group the config names selects. Every problem is reported at once.
 */
export async function preflight(request: DeployRequest, deps: DeployDeps): Promise<GroupTask[]> {
  const { codedeploy, log } = deps;
  const { config } = request;
  const problems: Problem[] = [];
  let appExists = await codedeploy.applicationExists();
  if (!appExists && (config.createApplication || request.rehearsal)) {
    // An application is only a name: creating it changes no deployment. Its groups (and any template)
    // cannot exist yet, so the checks below still stop the run before the upload, naming them.
    await codedeploy.createApplication();
    appExists = true;
    log.info(
      `Created the CodeDeploy application "${config.application}" (${request.rehearsal ? 'a local rehearsal' : 'createApplication: true'})`,
    );
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
  // Every group read so far: templates and named groups are read once.
  const known = new Map<string, DeploymentGroupInfo | undefined>();
  const read = async (group: string) => {
    if (!known.has(group)) known.set(group, await codedeploy.getGroup(group));
    return known.get(group);
  };
  for (const plan of request.plan.deployments) {
    const task: GroupTask = { plan, report: newReport(plan) };
    tasks.push(task);
    if (!appExists) continue;
    task.info = await read(plan.deploymentGroup);
    if (task.info) continue;
    const template = plan.createFrom ? await read(plan.createFrom) : undefined;
    if (request.rehearsal && !template) {
      // Local instances are folders: a group needs no fleet, only a name (and a role to show).
      task.newGroup = {
        deploymentGroupName: plan.deploymentGroup,
        serviceRoleArn: request.rehearsal.serviceRoleArn,
      };
      continue;
    }
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
    task.template = template;
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
    } else {
      task.newGroup = groupFromTemplate(task.template, plan.deploymentGroup, request.plan.placeholders);
    }
  }
  if (problems.length === 0) problems.push(...(await borrowedByNewGroups(config, tasks, read)));
  if (problems.length > 0) throw new UserError(problems);
  log.info(
    `Preflight: application "${config.application}" and ${tasks.length} deployment group(s) ready (${tasks
      .map(
        (t) =>
          `${t.plan.deploymentGroup}${t.info ? '' : ` ← create${t.template ? ` from ${t.plan.createFrom}` : ''}`}`,
      )
      .join(', ')})`,
  );
  return tasks;
}

/** Writes, once the revision is in place: the groups preflight found missing, copied from their templates. */
export async function createMissingGroups(tasks: GroupTask[], ref: string, deps: DeployDeps): Promise<void> {
  const { codedeploy, log } = deps;
  for (const task of tasks) {
    if (task.info || !task.newGroup) continue;
    throwIfCancelled(deps.cancel);
    const groupId = await createGroup(task.newGroup, deps);
    // Without a bucket (GitHub revisions) nothing records it: no teardown deletes it (the config
    // refuses deleteOnClose and deleteOnBranchDelete there), and the log says so.
    await deps.bucket?.ledger.recordCreated(task.plan.deploymentGroup, groupId, ref);
    task.info = await codedeploy.getGroup(task.plan.deploymentGroup);
    task.report.createdGroup = true;
    log.info(
      `Created deployment group "${task.plan.deploymentGroup}"${task.template ? ` from "${task.plan.createFrom}"` : ''}` +
        (deps.bucket ? '' : ' (not recorded: the config names no bucket, so no teardown will delete it)'),
    );
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

/**
 * The groups this run would create, checked against the groups the config names (docs/security.md):
 * those are read (GetDeploymentGroup) only when a template's placeholders filled in a selector.
 */
async function borrowedByNewGroups(
  config: Config,
  tasks: GroupTask[],
  read: (group: string) => Promise<DeploymentGroupInfo | undefined>,
): Promise<Problem[]> {
  const creating: GroupToCreate[] = tasks.flatMap((task) =>
    task.newGroup && task.template && task.plan.createFrom
      ? [
          {
            name: task.plan.deploymentGroup,
            from: task.plan.createFrom,
            template: task.template,
            input: task.newGroup,
            location: mappingLocation(config, task.plan.mapping),
          },
        ]
      : [],
  );
  if (!creating.some((created) => filledSelectors(created).length > 0)) return [];
  const named: NamedGroup[] = [];
  for (const group of namedByConfig(config).groups) {
    if (named.some((other) => other.name.toLowerCase() === group.name.toLowerCase())) continue;
    const info = await read(group.name);
    // A group that does not exist selects nothing.
    if (info) named.push({ name: group.name, info, namedBy: describeNaming(group) });
  }
  return creating.flatMap((created) => borrowedSelectors(created, named));
}

function mappingLocation(config: Config, key: string) {
  const mappings = [
    ...config.branches,
    ...config.tags,
    ...(config.pullRequests ? [config.pullRequests] : []),
  ];
  return mappings.find((mapping) => mapping.key === key)?.location ?? { file: config.file };
}
