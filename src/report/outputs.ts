import type { RunResult } from '../deploy/run.js';
import { planToJson } from '../plan/plan.js';

/** The step outputs, as action.yml documents them. */
export function actionOutputs(result: RunResult): Record<string, string> {
  const planned = result.plan.skipped ? [] : result.plan.deployments;
  const groups = planned.map((plannedGroup) => {
    const report = result.groups.find((g) => g.group === plannedGroup.deploymentGroup);
    return {
      group: plannedGroup.deploymentGroup,
      id: report?.deploymentId ?? null,
      status: report?.outcome ?? result.status,
      url: report?.url ?? null,
      rollbackId: report?.rollback?.deploymentId ?? null,
    };
  });
  return {
    status: result.status,
    skipped: String(result.plan.skipped),
    'skip-reason': result.plan.skipped ? result.plan.reason : '',
    'deployment-groups': planned.map((d) => d.deploymentGroup).join(','),
    'deployment-ids': groups.flatMap((g) => (g.id ? [g.id] : [])).join(','),
    deployments: JSON.stringify(groups),
    plan: JSON.stringify(planToJson(result.plan)),
  };
}
