import type { GroupOutcome, RunResult, RunStatus } from '../deploy/results.js';
import { describeRevision } from '../deploy/results.js';
import { plansToJson } from '../plan/plan.js';

/** One element of the `deployments` output. */
export interface DeploymentOutput {
  /** The CodeDeploy application (its config file's `application`). */
  application: string;
  group: string;
  /** CodeDeploy deployment id; null when none was created. */
  id: string | null;
  /** The group's outcome; 'planned' on a dry run. */
  status: GroupOutcome | 'planned';
  /** Where the deployment's page is (the AWS console, or the local CodeDeploy's). */
  url: string | null;
  rollbackId: string | null;
  environment: string;
  environmentUrl: string | null;
}

/**
 * The step outputs, as action.yml documents them. Every value is a string (GitHub outputs are).
 * With several applications the lists hold every application's, in config order.
 */
export function actionOutputs(report: { status: RunStatus; results: RunResult[] }): Record<string, string> {
  const { results } = report;
  const deployments = results.flatMap(deploymentOutputs);
  const reason = skipReason(results);
  const revisions = results.flatMap((result) => (result.revision ? [result.revision] : []));
  return {
    status: report.status,
    skipped: String(reason !== undefined),
    'skip-reason': reason ?? '',
    'deployment-groups': results
      .flatMap(({ plan }) => (plan.skipped ? [] : plan.deployments))
      .map((d) => d.deploymentGroup)
      .join(','),
    'deployment-ids': deployments.flatMap((d) => (d.id ? [d.id] : [])).join(','),
    deployments: JSON.stringify(deployments),
    'revision-location': revisions.map(describeRevision).join(','),
    // A GitHub revision has neither: its slot stays empty, so the lists still line up.
    'revision-etag': revisions.map((revision) => (revision.type === 's3' ? revision.eTag : '')).join(','),
    'revision-digest': revisions.map((revision) => (revision.type === 's3' ? revision.digest : '')).join(','),
    plan: JSON.stringify(plansToJson(results)),
  };
}

/**
 * Why nothing was deployed: every application's plan skipped it, or a later run already deployed a
 * newer commit to every group; undefined when something was. Several applications' reasons are
 * named after their application.
 */
export function skipReason(results: RunResult[]): string | undefined {
  const reasons = results.map((result) => {
    if (result.status === 'skipped' && result.plan.skipped) return result.plan.reason;
    if (result.status !== 'superseded') return undefined;
    return result.groups.map((g) => `${g.group}: ${g.note ?? 'superseded'}`).join('; ');
  });
  if (reasons.some((reason) => reason === undefined)) return undefined;
  if (results.length === 1) return reasons[0];
  return results.map((result, i) => `${result.config.application}: ${reasons[i]}`).join(' · ');
}

function deploymentOutputs(result: RunResult): DeploymentOutput[] {
  const { plan } = result;
  const application = result.config.application;
  if (plan.skipped) return [];
  if (result.groups.length > 0) {
    return result.groups.map((g) => ({
      application,
      group: g.group,
      id: g.deploymentId ?? null,
      status: g.outcome,
      url: g.url ?? null,
      rollbackId: g.rollback?.deploymentId ?? null,
      environment: g.environment,
      environmentUrl: g.environmentUrl ?? null,
    }));
  }
  // A dry run: the plan, nothing created.
  return plan.deployments.map((d) => ({
    application,
    group: d.deploymentGroup,
    id: null,
    status: 'planned',
    url: null,
    rollbackId: null,
    environment: d.environment,
    environmentUrl: d.environmentUrl ?? null,
  }));
}
