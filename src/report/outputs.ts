import type { RunResult } from '../deploy/run.js';
import { planToJson } from '../plan/plan.js';

/** The step outputs, as action.yml documents them. */
export function actionOutputs(result: RunResult): Record<string, string> {
  const deployments = result.plan.skipped ? [] : result.plan.deployments;
  return {
    status: result.status,
    skipped: String(result.plan.skipped),
    'skip-reason': result.plan.skipped ? result.plan.reason : '',
    'deployment-groups': deployments.map((d) => d.deploymentGroup).join(','),
    'deployment-ids': '',
    deployments: JSON.stringify(
      deployments.map((d) => ({
        group: d.deploymentGroup,
        id: null,
        status: result.status,
        url: null,
        rollbackId: null,
      })),
    ),
    plan: JSON.stringify(planToJson(result.plan)),
  };
}
