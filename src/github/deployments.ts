import type { Logger } from '../core/log.js';
import { errorMessage, warning } from '../core/problems.js';
import type { RunResult } from '../deploy/ports.js';
import type { PlannedDeployment, TeardownCause } from '../plan/plan.js';
import {
  deployedRef,
  deploymentRequest,
  finishedStatus,
  type StatusRequest,
  startedStatus,
  teardownStatus,
} from '../report/github-deployment.js';
import { type GitHubCall, GitHubCallError } from './client.js';

/**
 * One GitHub deployment per deployment group (the environments' history, the "View deployment"
 * button): created and set in progress when a run starts, given its final status when it ends,
 * marked inactive when a preview is torn down.
 */
export function gitHubDeployments(options: {
  call: GitHubCall;
  owner: string;
  repo: string;
  runUrl: string;
  log: Logger;
}) {
  const { call, owner, repo, runUrl, log } = options;
  /** The GitHub deployment of each deployment group (of each application), once created. */
  const created = new Map<string, number>();
  const key = (result: RunResult, planned: PlannedDeployment) =>
    `${result.config.application}\u0000${planned.deploymentGroup}`;
  let redeployed: Promise<string> | undefined;

  /**
   * The commit the deployments attach to. A redeploy names its commit as typed, maybe abbreviated,
   * which GitHub deployments do not take: GitHub resolves it once. Failing that (a commit GitHub does
   * not know, or an abbreviation it finds ambiguous), the deployments stay on the commit the workflow
   * ran on, with a warning; other failures are reported by the calls that follow.
   */
  const deployedCommit = (result: RunResult): Promise<string> => {
    const choice = result.revisionChoice;
    if (choice.kind !== 'sha') return Promise.resolve(deployedRef(result.trigger));
    redeployed ??= call(`resolve commit ${choice.sha}`, async (api) => {
      const { data } = await api.rest.repos.getCommit({ owner, repo, ref: choice.sha });
      return data.sha;
    }).catch((error: unknown) => {
      const stay = `the GitHub deployments are recorded on ${result.trigger.sha.slice(0, 7)}, the commit the workflow ran on`;
      const status = error instanceof GitHubCallError ? error.status : undefined;
      if (status === 404 || status === 422) {
        log.warn(
          warning(
            `GitHub could not resolve commit ${choice.sha} (HTTP ${status}): ${stay}`,
            undefined,
            'give the full 40-character sha of a commit pushed to this repository',
          ),
        );
      } else {
        log.debug(`${stay}: ${errorMessage(error)}`);
      }
      return deployedRef(result.trigger);
    });
    return redeployed;
  };

  const create = async (result: RunResult, planned: PlannedDeployment): Promise<number> => {
    const body = deploymentRequest(result, planned, await deployedCommit(result));
    const response = await call(`create the deployment of ${planned.environment}`, (api) =>
      api.rest.repos.createDeployment({ owner, repo, ...body }),
    );
    // 202 means GitHub merged the base branch in first, which auto_merge: false rules out.
    const id = (response.data as { id?: number }).id;
    if (typeof id !== 'number') throw new Error(`GitHub created no deployment for ${planned.environment}`);
    created.set(key(result, planned), id);
    log.debug(`GitHub deployment ${id} for ${planned.environment}`);
    return id;
  };

  const setStatus = async (id: number, environment: string, status: StatusRequest) => {
    await call(`set ${environment} to ${status.state}`, (api) =>
      api.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, ...status }),
    );
    log.debug(`GitHub deployment ${id} (${environment}): ${status.state}, ${status.description}`);
  };

  return {
    /** In progress, before any deployment is created. */
    async started(result: RunResult, planned: PlannedDeployment): Promise<void> {
      const id = await create(result, planned);
      await setStatus(
        id,
        planned.environment,
        startedStatus(result, planned, await deployedCommit(result), runUrl),
      );
    },

    /** Whether the group's end is worth telling GitHub: it was announced, or something happened on it. */
    worthFinishing(result: RunResult, planned: PlannedDeployment): boolean {
      const report = result.groups.find((g) => g.group === planned.deploymentGroup);
      return (
        created.has(key(result, planned)) ||
        (report !== undefined && report.outcome !== 'not-started' && report.outcome !== 'superseded')
      );
    },

    /** The group's final status, on the deployment created at the start (or one created now). */
    async finished(result: RunResult, planned: PlannedDeployment): Promise<void> {
      const report = result.groups.find((g) => g.group === planned.deploymentGroup);
      const id = created.get(key(result, planned)) ?? (await create(result, planned));
      await setStatus(id, planned.environment, finishedStatus(report, planned, runUrl));
    },

    /** A torn-down preview or branch: every deployment of its environments goes inactive. */
    async tornDown(result: RunResult, cause: TeardownCause): Promise<void> {
      for (const group of result.groups) {
        // Another ref's group, left alone by the teardown: its GitHub deployments are that ref's too.
        if (group.outcome === 'left-alone') continue;
        const listed = await call(`list the deployments of ${group.environment}`, (api) =>
          api.rest.repos.listDeployments({ owner, repo, environment: group.environment, per_page: 100 }),
        );
        // An environment's name may be shared (by applications of a monorepo, or a fixed
        // "environment:"): only this application's group ends.
        const ours = listed.data.filter((deployment) => {
          const payload = deployment.payload as { application?: unknown; deploymentGroup?: unknown } | string;
          return (
            typeof payload === 'object' &&
            payload.application === result.config.application &&
            payload.deploymentGroup === group.group
          );
        });
        for (const deployment of ours)
          await setStatus(deployment.id, group.environment, teardownStatus(group, cause, runUrl));
      }
    },
  };
}
