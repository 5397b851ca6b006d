import { formatDuration } from '../config/duration.js';
import { totalInstances } from '../deploy/decisions.js';
import type { GroupOutcome, GroupReport, RunResult } from '../deploy/results.js';
import { isPullRequest, type Trigger } from '../event/trigger.js';
import type { PlannedDeployment, TeardownCause } from '../plan/plan.js';

/** The GitHub deployment states this project sets (queued and pending are never used). */
export type GitHubDeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/**
 * What GitHub shows for each group outcome.
 * - failed → failure: CodeDeploy ran the revision and it did not pass.
 * - stopped, not-started, cancelled, in-progress → error: the deployment did not run to its end
 *   (stopped on a timeout, a cancel or by hand; never created because an earlier group failed or the
 *   workflow was cancelled; still running when the run ended). GitHub has no state for "unknown", and leaving in_progress would never be corrected.
 * - created (wait: false) → stays in_progress: nobody follows it, and claiming success would be a lie.
 * - superseded → inactive: a newer commit is on the group; this one never went live.
 * - torn-down → inactive: the preview is gone.
 * - left-alone → never sent: the group, and its GitHub deployments, are another ref's.
 */
export const OUTCOME_STATE: Record<GroupOutcome, GitHubDeploymentState> = {
  succeeded: 'success',
  failed: 'failure',
  stopped: 'error',
  'not-started': 'error',
  cancelled: 'error',
  'in-progress': 'error',
  created: 'in_progress',
  superseded: 'inactive',
  'torn-down': 'inactive',
  'left-alone': 'inactive',
};

/** GitHub rejects longer deployment and status descriptions. */
export const MAX_DESCRIPTION = 140;

export interface DeploymentRequest {
  ref: string;
  task: 'deploy';
  auto_merge: false;
  required_contexts: string[];
  environment: string;
  description: string;
  transient_environment: boolean;
  production_environment?: boolean;
  payload: { application: string; deploymentGroup: string; mapping: string; pullRequest?: number };
}

export interface StatusRequest {
  state: GitHubDeploymentState;
  description: string;
  log_url: string;
  environment_url?: string;
}

export function truncate(text: string, max = MAX_DESCRIPTION): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The commit GitHub attaches the deployment to: a pull request's head, so it shows on the PR; the
 * trigger's commit otherwise. A redeploy of an earlier commit attaches to that one instead (the
 * reporter resolves it, since it may be typed abbreviated).
 */
export function deployedRef(trigger: Trigger): string {
  return isPullRequest(trigger) ? trigger.headSha : trigger.sha;
}

/** `ref`: the commit deployed, as deployedRef or the reporter's resolution of a redeployed one says. */
export function deploymentRequest(
  result: RunResult,
  planned: PlannedDeployment,
  ref: string,
): DeploymentRequest {
  const preview = isPullRequest(result.trigger);
  const application = result.config.application;
  return {
    ref,
    task: 'deploy',
    auto_merge: false,
    // Commit statuses are CI's business; the deployment must not wait for (or fail on) them.
    required_contexts: [],
    environment: planned.environment,
    description: truncate(`CodeDeploy ${application}/${planned.deploymentGroup}`),
    transient_environment: preview,
    ...(preview ? { production_environment: false } : {}),
    payload: {
      application,
      deploymentGroup: planned.deploymentGroup,
      mapping: planned.mapping,
      ...(isPullRequest(result.trigger) ? { pullRequest: result.trigger.number } : {}),
    },
  };
}

export function startedStatus(
  result: RunResult,
  planned: PlannedDeployment,
  ref: string,
  logUrl: string,
): StatusRequest {
  const group = planned.deploymentGroup;
  const choice = result.revisionChoice;
  // A redeploy names the commit asked for, even when GitHub could not resolve it for `ref`.
  const what =
    choice.kind === 'rollback'
      ? `Rolling ${group} back to its previous successful revision`
      : choice.kind === 'sha'
        ? `Redeploying ${choice.sha.slice(0, 7)} to ${group}`
        : `Deploying ${ref.slice(0, 7)} to ${group}`;
  return {
    state: 'in_progress',
    description: truncate(`${what} with CodeDeploy`),
    log_url: logUrl,
    ...(planned.environmentUrl ? { environment_url: planned.environmentUrl } : {}),
  };
}

/** The final status of one group; `report` is missing when the run ended before reaching the group. */
export function finishedStatus(
  report: GroupReport | undefined,
  planned: PlannedDeployment,
  logUrl: string,
): StatusRequest {
  const environmentUrl = report?.environmentUrl ?? planned.environmentUrl;
  const state = report ? OUTCOME_STATE[report.outcome] : 'error';
  return {
    state,
    description: truncate(report ? describeOutcome(report) : 'The run ended before this group was deployed'),
    log_url: logUrl,
    ...(environmentUrl && state !== 'inactive' ? { environment_url: environmentUrl } : {}),
  };
}

export function teardownStatus(report: GroupReport, cause: TeardownCause, logUrl: string): StatusRequest {
  const what =
    cause === 'branch-deleted' ? 'Branch deleted: torn down' : 'Pull request closed: preview torn down';
  return {
    state: 'inactive',
    description: truncate(`${what}${report.note ? ` (${report.note})` : ''}`),
    log_url: logUrl,
  };
}

function describeOutcome(report: GroupReport): string {
  const id = report.deploymentId ?? '';
  const counts = report.counts;
  const instances = counts ? `${counts.succeeded}/${totalInstances(counts)} instances` : '';
  const took =
    report.startedAt !== undefined && report.endedAt !== undefined
      ? ` in ${formatDuration(Math.max(0, report.endedAt - report.startedAt) / 1000)}`
      : '';
  const note = report.note ? `: ${report.note}` : '';
  switch (report.outcome) {
    case 'succeeded':
      return `${id} succeeded${instances ? ` on ${instances}` : ''}${took}`;
    case 'failed': {
      if (!id)
        return `Not deployed: ${report.error?.message ?? report.error?.code ?? report.note ?? 'failed'}`;
      const why = report.error?.code ?? report.failures[0]?.event;
      const rollback = report.rollback ? `; rolled back by ${report.rollback.deploymentId}` : '';
      return `${id} failed${why ? `: ${why}` : ''}${rollback}`;
    }
    case 'stopped':
      return `${id}: ${report.note ?? 'stopped'}`;
    case 'created':
      return `${id} created; not followed (wait: false): see the AWS console`;
    case 'in-progress':
      return `${id} was still running when the run ended: see the AWS console`;
    case 'not-started':
      return report.note ? capitalize(report.note) : 'Not started';
    case 'cancelled':
      return 'Not deployed: the workflow was cancelled first';
    case 'superseded':
      return `Not deployed${note}`;
    case 'torn-down':
      return `Preview torn down${note}`;
    case 'left-alone':
      return `Left alone${note}`;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
