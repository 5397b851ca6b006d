import { formatDuration } from '../config/duration.js';
import type { RunResult } from '../deploy/run.js';
import { isPullRequest, type Trigger } from '../event/trigger.js';

/** The job summary as markdown (pure, so golden tests can pin it). */
export function renderSummary(result: RunResult): string {
  const lines = [
    `## CodeDeploy: ${result.config.application}`,
    '',
    `**Trigger:** ${describeTrigger(result.trigger)}`,
    '',
  ];
  const { plan } = result;
  if (plan.skipped) {
    lines.push(`**Skipped:** ${escapeMarkdown(plan.reason)}`);
    return `${lines.join('\n')}\n`;
  }
  if (result.dryRun) lines.push('**Dry run:** nothing was uploaded or deployed.', '');
  lines.push(`**Plan:** ${escapeMarkdown(plan.matched)} (${plan.strategy})`, '');
  lines.push('| Deployment group | Create if missing | Deployment config | Auto rollback | Wait |');
  lines.push('| --- | --- | --- | --- | --- |');
  for (const d of plan.deployments) {
    const rollback =
      d.autoRollback === undefined ? "group's" : d.autoRollback === false ? 'off' : d.autoRollback.join(', ');
    lines.push(
      `| ${d.deploymentGroup} | ${d.create ? `from ${d.createFrom}` : 'no'} | ${d.deploymentConfig ?? "group's"} | ${rollback} | ${d.wait === false ? 'no' : formatDuration(d.wait)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function describeTrigger(trigger: Trigger): string {
  const sha = trigger.sha ? ` at \`${trigger.sha.slice(0, 7)}\`` : '';
  if (isPullRequest(trigger))
    return `${trigger.event} #${trigger.number} (${trigger.action}) from \`${trigger.headRef}\`${sha}`;
  return `${trigger.event} of ${trigger.ref.type} \`${trigger.ref.name}\`${sha}`;
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[|<>]/g, (c) => `\\${c}`);
}
