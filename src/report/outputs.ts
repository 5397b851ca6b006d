import type { GroupOutcome, RunResult } from '../deploy/results.js';
import { describeRevision } from '../deploy/results.js';
import { planToJson } from '../plan/plan.js';

/** One element of the `deployments` output. */
export interface DeploymentOutput {
  group: string;
  /** CodeDeploy deployment id; null when none was created. */
  id: string | null;
  /** The group's outcome; 'planned' on a dry run. */
  status: GroupOutcome | 'planned';
  /** AWS console link of the deployment. */
  url: string | null;
  rollbackId: string | null;
  environment: string;
  environmentUrl: string | null;
}

/** The step outputs, as action.yml documents them. Every value is a string (GitHub outputs are). */
export function actionOutputs(result: RunResult): Record<string, string> {
  const { plan, revision } = result;
  const deployments = deploymentOutputs(result);
  const reason = skipReason(result);
  return {
    status: result.status,
    skipped: String(reason !== undefined),
    'skip-reason': reason ?? '',
    'deployment-groups': (plan.skipped ? [] : plan.deployments).map((d) => d.deploymentGroup).join(','),
    'deployment-ids': deployments.flatMap((d) => (d.id ? [d.id] : [])).join(','),
    deployments: JSON.stringify(deployments),
    'revision-location': revision ? describeRevision(revision) : '',
    'revision-etag': revision?.type === 's3' ? revision.eTag : '',
    'revision-digest': revision?.type === 's3' ? revision.digest : '',
    plan: JSON.stringify(planToJson(plan)),
  };
}

/** Why nothing was deployed: the plan's skip, or every group superseded by a later run; undefined when something was. */
export function skipReason(result: RunResult): string | undefined {
  if (result.plan.skipped) return result.plan.reason;
  if (result.status !== 'superseded') return undefined;
  return result.groups.map((g) => `${g.group}: ${g.note ?? 'superseded'}`).join('; ');
}

function deploymentOutputs(result: RunResult): DeploymentOutput[] {
  const { plan } = result;
  if (plan.skipped) return [];
  if (result.groups.length > 0) {
    return result.groups.map((g) => ({
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
    group: d.deploymentGroup,
    id: null,
    status: 'planned',
    url: null,
    rollbackId: null,
    environment: d.environment,
    environmentUrl: d.environmentUrl ?? null,
  }));
}
