import { formatDuration } from '../config/duration.js';
import { formatBytes } from '../core/format.js';
import { totalInstances } from '../deploy/decisions.js';
import type {
  GroupReport,
  InstanceCounts,
  InstanceFailure,
  RevisionChoice,
  RevisionReport,
  RunResult,
} from '../deploy/results.js';
import { describeRevision, s3Uri } from '../deploy/results.js';
import { isPullRequest, type Trigger } from '../event/trigger.js';
import type { PlannedDeployment } from '../plan/plan.js';
import { OUTCOME_LABEL, RUN_STATUS_LABEL } from './labels.js';
import { code, codeBlock, environmentLink, html, link, table, text } from './markdown.js';

/** Instances shown per failed group; the rest are counted (the console has them all). */
const MAX_FAILURES_SHOWN = 10;

/** The job summary as markdown (pure, so golden tests can pin it byte for byte). */
export function renderSummary(result: RunResult): string {
  const { plan } = result;
  const teardown = !plan.skipped && plan.action === 'teardown';
  const status = teardown && result.status === 'succeeded' ? '🧹 torn down' : RUN_STATUS_LABEL[result.status];
  const lines = [
    `## CodeDeploy: ${text(result.config.application)} — ${status}`,
    '',
    `**Trigger:** ${describeTrigger(result.trigger)}`,
    '',
  ];
  if (plan.skipped) {
    // An application whose map refused the ref (beside others that deployed) failed: not a skip.
    lines.push(`**${result.status === 'failed' ? 'Not deployed' : 'Skipped'}:** ${text(plan.reason)}`);
    return end(lines);
  }
  if (result.dryRun) lines.push('**Dry run:** nothing was uploaded or deployed.', '');
  const count = plan.deployments.length;
  const how = teardown
    ? ''
    : `; ${count} group${count === 1 ? '' : 's'}${count > 1 ? (plan.strategy === 'parallel' ? ' in parallel' : ' one after another') : ''}`;
  const tearDown =
    plan.action === 'teardown'
      ? plan.cause === 'branch-deleted'
        ? 'tear down: '
        : 'tear down the previews of '
      : '';
  lines.push(`**Plan:** ${tearDown}${text(plan.matched)}${how}`, '');
  if (result.groups.length === 0) {
    lines.push(...planTable(plan.deployments));
    return end(lines);
  }
  if (teardown) {
    lines.push(...teardownTable(result.groups));
    return end(lines);
  }
  lines.push(...groupTable(result.groups));
  const notes = result.groups.filter((g) => g.note);
  if (notes.length > 0) {
    lines.push('', '**Notes**', '');
    for (const g of notes) lines.push(`- **${text(g.group)}**: ${text(g.note!)}`);
  }
  if (result.revision) lines.push('', ...revisionLines(result.revision, result.revisionChoice));
  for (const group of result.groups) {
    if (group.outcome === 'failed' || group.outcome === 'stopped' || group.failures.length > 0)
      lines.push('', ...failureSection(group));
  }
  return end(lines);
}

function end(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export function describeTrigger(trigger: Trigger): string {
  const sha = trigger.sha ? ` at ${code(trigger.sha.slice(0, 7))}` : '';
  if (isPullRequest(trigger))
    return `${trigger.event} #${trigger.number} (${text(trigger.action)}) from ${code(trigger.headRef)}${sha}`;
  return `${trigger.event} of ${trigger.ref.type} ${code(trigger.ref.name)}${sha}`;
}

function planTable(deployments: PlannedDeployment[]): string[] {
  return table(
    ['Deployment group', 'Create if missing', 'Deployment config', 'Auto rollback', 'Wait', 'Environment'],
    deployments.map((d) => [
      text(d.deploymentGroup),
      d.create ? `from ${text(d.createFrom ?? '')}` : 'no',
      d.deploymentConfig ? text(d.deploymentConfig) : "group's",
      d.autoRollback === undefined ? "group's" : d.autoRollback === false ? 'off' : d.autoRollback.join(', '),
      d.wait === false ? 'no' : formatDuration(d.wait),
      environmentLink(d.environment, d.environmentUrl),
    ]),
  );
}

function groupTable(groups: GroupReport[]): string[] {
  return table(
    ['Deployment group', 'Deployment', 'Status', 'Instances ok / failed / total', 'Duration', 'Rollback'],
    groups.map((g) => [
      text(g.group) + (g.createdGroup ? ' (created)' : ''),
      deploymentLink(g.deploymentId, g.url),
      OUTCOME_LABEL[g.outcome],
      g.counts ? describeCounts(g.counts) : '–',
      g.startedAt !== undefined && g.endedAt !== undefined
        ? formatDuration(Math.max(0, g.endedAt - g.startedAt) / 1000)
        : '–',
      g.rollback
        ? `${link(code(g.rollback.deploymentId), g.rollback.url)}${g.rollback.status ? ` ${text(g.rollback.status)}` : ''}`
        : '–',
    ]),
  );
}

function teardownTable(groups: GroupReport[]): string[] {
  return table(
    ['Deployment group', 'Environment', 'Status', 'What happened'],
    groups.map((g) => [
      text(g.group),
      text(g.environment),
      OUTCOME_LABEL[g.outcome],
      g.note ? text(g.note) : '–',
    ]),
  );
}

/** A deployment's id, linked to its console page (every report with an id has its url). */
export function deploymentLink(id: string | undefined, url: string | undefined) {
  if (!id) return '–';
  return url ? link(code(id), url) : code(id);
}

function describeCounts(counts: InstanceCounts): string {
  return `${counts.succeeded} / ${counts.failed} / ${totalInstances(counts)}`;
}

function revisionLines(revision: RevisionReport, choice: RevisionChoice): string[] {
  if (revision.type === 'github') {
    const commit = link(code(revision.commitId.slice(0, 7)), describeRevision(revision));
    return [
      '**Revision**',
      '',
      `- GitHub: ${text(revision.repository)} at ${commit}; CodeDeploy downloads it, nothing uploaded`,
    ];
  }
  const bundle = [
    revision.bundleType,
    revision.bytes !== undefined ? formatBytes(revision.bytes) : undefined,
    revision.files !== undefined ? `${revision.files} files` : undefined,
  ].filter(Boolean);
  const origin =
    choice.kind === 'sha'
      ? 'uploaded earlier for this commit, redeployed as it was'
      : revision.uploaded
        ? 'uploaded by this run'
        : 'already in S3: reused, nothing uploaded';
  return [
    '**Revision**',
    '',
    `- Location: ${code(s3Uri(revision))}${revision.version ? ` (version ${code(revision.version)})` : ''}`,
    `- Bundle: ${bundle.join(', ')}; ${origin}`,
    ...(revision.digest ? [`- Digest: ${code(revision.digest)}`] : []),
    `- ETag: ${code(revision.eTag)}`,
  ];
}

function failureSection(group: GroupReport): string[] {
  const lines = [
    `### ${text(group.group)}: ${OUTCOME_LABEL[group.outcome]} · ${deploymentLink(group.deploymentId, group.url)}`,
    '',
  ];
  if (group.error?.code || group.error?.message) {
    const codePart = group.error.code ? `**${text(group.error.code)}**` : '';
    const message = group.error.message ? text(group.error.message) : '';
    lines.push([codePart, message].filter(Boolean).join(': '), '');
  }
  for (const failure of group.failures.slice(0, MAX_FAILURES_SHOWN)) lines.push(...failureDetails(failure));
  const hidden = group.failures.length - MAX_FAILURES_SHOWN;
  if (hidden > 0)
    lines.push(`…and ${hidden} more failed instances: see the deployment in the AWS console.`, '');
  if (group.failures.length === 0 && group.outcome === 'failed' && group.deploymentId)
    lines.push('No instance reported a failed lifecycle event: see the deployment in the AWS console.', '');
  while (lines.at(-1) === '') lines.pop();
  return lines;
}

function failureDetails(failure: InstanceFailure): string[] {
  const what = [
    `<code>${html(failure.instanceId)}</code>${failure.fleet ? ` (${failure.fleet} fleet)` : ''}: ${html(failure.event)} failed`,
    failure.errorCode ? ` (${html(failure.errorCode)})` : '',
    failure.script ? ` in <code>${html(failure.script)}</code>` : '',
  ].join('');
  return [
    '<details>',
    `<summary>${what}</summary>`,
    '',
    ...(failure.message ? [text(failure.message), ''] : []),
    ...(failure.logTail ? [codeBlock(failure.logTail), ''] : ['No log output was captured.', '']),
    '</details>',
    '',
  ];
}
