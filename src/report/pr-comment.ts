import { describeFailure } from '../deploy/diagnostics.js';
import type { RunResult } from '../deploy/results.js';
import { isPullRequest } from '../event/trigger.js';
import { OUTCOME_LABEL, RUN_STATUS_LABEL } from './labels.js';
import { environmentLink, link, table, text } from './markdown.js';
import { deploymentLink } from './summary.js';

/** Failed instances listed per group in the comment; the job summary has them all. */
const MAX_FAILURES_LISTED = 3;

/**
 * The hidden first line that finds our comment again. It names the application, so two
 * applications deployed from one repository keep a comment each.
 */
export function previewMarker(application: string): string {
  return `<!-- codedeploy-gitops:pr-preview:${application} -->`;
}

export function isPreviewComment(body: string | undefined, application: string): boolean {
  return body?.split('\n', 1)[0]?.trim() === previewMarker(application);
}

/**
 * The sticky comment of a pull-request preview (pure). `started`: deploying; `finished`: the
 * outcome, or the teardown when the pull request was closed.
 */
export function renderPreviewComment(
  result: RunResult,
  phase: 'started' | 'finished',
  runUrl: string,
): string {
  const { plan, trigger } = result;
  if (plan.skipped || !isPullRequest(trigger)) throw new Error('a preview comment needs a pull-request plan');
  const app = text(result.config.application);
  const footer = `Commit ${trigger.headSha} · ${link('workflow run', runUrl)}`;
  const lines = [previewMarker(result.config.application)];
  if (plan.action === 'teardown') {
    lines.push(
      `### Preview of ${app}: 🧹 torn down`,
      '',
      `Pull request #${trigger.number} was closed; its preview is gone.`,
      '',
      ...table(
        ['Deployment group', 'Environment', 'What happened'],
        result.groups.map((g) => [
          text(g.group),
          text(g.environment),
          text(g.note ?? OUTCOME_LABEL[g.outcome]),
        ]),
      ),
    );
  } else if (phase === 'started') {
    lines.push(
      `### Preview of ${app}: ⏳ deploying`,
      '',
      ...table(
        ['Deployment group', 'Environment', 'Status'],
        plan.deployments.map((d) => [
          text(d.deploymentGroup),
          environmentLink(d.environment, d.environmentUrl),
          OUTCOME_LABEL['in-progress'],
        ]),
      ),
    );
  } else {
    lines.push(
      `### Preview of ${app}: ${RUN_STATUS_LABEL[result.status]}`,
      '',
      ...table(
        ['Deployment group', 'Environment', 'Status', 'Deployment'],
        result.groups.map((g) => [
          text(g.group),
          environmentLink(g.environment, g.outcome === 'succeeded' ? g.environmentUrl : undefined),
          OUTCOME_LABEL[g.outcome],
          deploymentLink(g.deploymentId, g.url),
        ]),
      ),
    );
    const failures = result.groups.flatMap((g) =>
      g.failures.slice(0, MAX_FAILURES_LISTED).map((f) => `- ${text(describeFailure(g.group, f))}`),
    );
    const notes = result.groups.flatMap((g) => (g.note ? [`- **${text(g.group)}**: ${text(g.note)}`] : []));
    if (failures.length + notes.length > 0) lines.push('', ...failures, ...notes);
    if (result.groups.some((g) => g.failures.length > 0))
      lines.push('', 'Lifecycle events and log tails are in the job summary of the workflow run.');
  }
  lines.push('', footer);
  return `${lines.join('\n')}\n`;
}
