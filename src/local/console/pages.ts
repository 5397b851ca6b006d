import { formatDuration } from '../../config/duration.js';
import { stripControl } from '../../report/markdown.js';
import type { LocalInstance } from '../instances.js';
import { isBlueGreen } from '../lifecycle.js';
import {
  ACTIVE_STATUSES,
  type ApplicationRecord,
  type DeploymentGroupRecord,
  type DeploymentRecord,
  type InstanceTargetRecord,
  type LifecycleEventRecord,
  type RevisionLocation,
} from '../records.js';
import type { RouteTarget } from '../router.js';
import { consolePath, type Fragment, Html, html } from './html.js';

/**
 * The local CodeDeploy's web console, as pure functions of its records: applications → deployment
 * groups → deployments, and each deployment's instances with their lifecycle events, durations and
 * hook output. Server-rendered, no script; a page showing something that still runs reloads itself.
 */
export interface PageContext {
  /** Epoch ms: durations of what still runs end now. */
  now: number;
  region: string;
}

export interface IndexData {
  applications: ApplicationRecord[];
  groups: DeploymentGroupRecord[];
  deployments: DeploymentRecord[];
  routerUrl: (group: DeploymentGroupRecord) => string | undefined;
  instanceCount: (group: DeploymentGroupRecord) => number;
}

export interface GroupData {
  group: DeploymentGroupRecord;
  deployments: DeploymentRecord[];
  routerUrl?: string;
  routerTargets: RouteTarget[];
  instances: LocalInstance[];
}

export interface DeploymentData {
  record: DeploymentRecord;
  routerUrl?: string;
  routerTargets: RouteTarget[];
  /** Each instance's hook output for this deployment (the agent's scripts.log). */
  logs: ReadonlyMap<string, string>;
}

const REFRESH_SECONDS = 2;
/** The hook output a page shows per instance: the end of it, as a terminal would. */
const LOG_LIMIT = 64 * 1024;

/** The stylesheet: a constant of this module, so it goes into the page as it is (not escaped). */
const STYLE = new Html(`
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1d2433; background: #f5f6f8; }
body { margin: 0; }
header { background: #232f3e; color: #fff; padding: 0.6rem 1.5rem; display: flex; gap: 1rem; align-items: baseline; }
header a { color: #fff; font-weight: 600; text-decoration: none; }
header .where { color: #c8ced6; font-size: 0.85rem; }
main { padding: 1rem 1.5rem 3rem; max-width: 78rem; }
h1 { font-size: 1.4rem; display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; }
h2 { font-size: 1.1rem; margin-top: 1.6rem; }
h3 { font-size: 1rem; display: flex; gap: 0.5rem; align-items: center; margin: 0 0 0.4rem; }
a { color: #0b63c5; }
section.box, article.instance { background: #fff; border: 1px solid #d5dbe1; border-radius: 6px; padding: 0.8rem 1rem; margin: 0.8rem 0; }
section.box > h2:first-child { margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #e3e7ec; vertical-align: top; }
time { white-space: nowrap; }
th { color: #545b64; font-weight: 600; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; margin: 0; }
dl.summary dt { color: #545b64; }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.85rem; }
pre.log { background: #16191f; color: #e9ecef; padding: 0.6rem; border-radius: 4px; max-height: 24rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.status { display: inline-block; border-radius: 999px; padding: 0.05rem 0.6rem; font-size: 0.8rem; font-weight: 600; background: #e3e7ec; color: #1d2433; white-space: nowrap; }
.status-succeeded, .status-ready { background: #d9f2dc; color: #13621f; }
.status-failed { background: #fbdcdc; color: #a4161a; }
.status-inprogress, .status-baking { background: #dbeafe; color: #0b4ea2; }
.status-stopped, .status-skipped { background: #ececec; color: #545b64; }
.status-created, .status-queued, .status-pending { background: #fff3cd; color: #7a5b00; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.5rem 0.8rem; }
.error { background: #fdecec; border-left: 4px solid #d13212; padding: 0.5rem 0.8rem; }
.muted { color: #6b7280; }
.fleets { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1rem; }
`);

function page(ctx: PageContext, title: string, refresh: boolean, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh ? html`<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : ''}
<title>${title} · local CodeDeploy</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="/console/">Local CodeDeploy</a><span class="where">${ctx.region}</span>${
    refresh ? html`<span class="where" data-refreshing>refreshing every ${REFRESH_SECONDS} s</span>` : ''
  }</header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A status as a badge; its CSS class comes from the status's letters only. */
function badge(status: string): Html {
  return html`<span class="status status-${status.toLowerCase().replace(/[^a-z]/g, '')}" data-status="${status}">${status}</span>`;
}

function time(ms: number | undefined): Fragment {
  if (ms === undefined) return html`<span class="muted">—</span>`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

/** The time of day (UTC) of an event; the date is the deployment's. */
function clock(ms: number | undefined): Fragment {
  if (ms === undefined) return html`<span class="muted">—</span>`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}" title="${iso}">${iso.slice(11, 19)}</time>`;
}

function duration(ctx: PageContext, start: number | undefined, end: number | undefined): Fragment {
  if (start === undefined) return html`<span class="muted">—</span>`;
  const seconds = ((end ?? ctx.now) - start) / 1000;
  const text = seconds < 10 ? `${seconds.toFixed(1)}s` : formatDuration(seconds);
  return end === undefined ? html`${text} <span class="muted">so far</span>` : text;
}

function deploymentLink(id: string): Html {
  return html`<a href="${consolePath('deployments', id)}"><code>${id}</code></a>`;
}

function groupLink(applicationName: string, groupName: string): Html {
  return html`<a href="${consolePath('applications', applicationName, 'deployment-groups', groupName)}">${groupName}</a>`;
}

function styleOf(settings: { deploymentStyle?: Record<string, unknown> }): string {
  return isBlueGreen(settings) ? 'blue/green' : 'in place';
}

function revisionText(revision: RevisionLocation | undefined): Fragment {
  const github = revision?.gitHubLocation;
  if (github)
    return html`<code>${github.repository}@${github.commitId}</code> <span class="muted">GitHub</span>`;
  const s3 = revision?.s3Location;
  if (!s3) return html`<span class="muted">—</span>`;
  return html`<code>s3://${s3.bucket}/${s3.key}</code> <span class="muted">${s3.bundleType}${
    s3.eTag ? ` · eTag ${s3.eTag}` : ''
  }${s3.version ? ` · version ${s3.version}` : ''}</span>`;
}

function deploymentsTable(ctx: PageContext, deployments: DeploymentRecord[], withGroup: boolean): Html {
  if (deployments.length === 0) return html`<p class="muted">No deployments yet.</p>`;
  return html`<table class="deployments">
<thead><tr><th>Deployment</th>${withGroup ? html`<th>Application</th><th>Deployment group</th>` : ''}<th>Status</th><th>Created</th><th>Duration</th><th>Created by</th><th>Description</th></tr></thead>
<tbody>${deployments.map(
    (d) =>
      html`<tr data-deployment="${d.deploymentId}"><td>${deploymentLink(d.deploymentId)}</td>${
        withGroup
          ? html`<td>${d.applicationName}</td><td>${groupLink(d.applicationName, d.deploymentGroupName)}</td>`
          : ''
      }<td>${badge(d.status)}</td><td>${time(d.createTime)}</td><td>${duration(ctx, d.startTime, d.completeTime)}</td><td>${
        d.creator
      }</td><td>${d.description ?? ''}</td></tr>`,
  )}</tbody>
</table>`;
}

const isActive = (record: DeploymentRecord) => ACTIVE_STATUSES.has(record.status);

export function indexPage(ctx: PageContext, data: IndexData): Html {
  const lastOf = (group: DeploymentGroupRecord) =>
    data.deployments.find((d) => d.deploymentId === group.lastAttemptedDeploymentId);
  const applications = data.applications.map((app) => {
    const groups = data.groups.filter((g) => g.applicationName === app.applicationName);
    return html`<section class="box application" data-application="${app.applicationName}">
<h2>${app.applicationName}</h2>
<p class="muted">${app.computePlatform} · created ${time(app.createTime)}</p>
${
  groups.length === 0
    ? html`<p class="muted">No deployment groups.</p>`
    : html`<table class="groups">
<thead><tr><th>Deployment group</th><th>Style</th><th>Configuration</th><th>Instances</th><th>Router</th><th>Last deployment</th></tr></thead>
<tbody>${groups.map((group) => {
        const last = lastOf(group);
        const url = data.routerUrl(group);
        return html`<tr data-group="${group.deploymentGroupName}"><td>${groupLink(app.applicationName, group.deploymentGroupName)}</td><td>${styleOf(
          group.settings,
        )}</td><td>${group.deploymentConfigName}</td><td>${data.instanceCount(group)}</td><td>${
          url ? html`<a href="${url}">${url}</a>` : html`<span class="muted">—</span>`
        }</td><td>${last ? html`${deploymentLink(last.deploymentId)} ${badge(last.status)}` : html`<span class="muted">none</span>`}</td></tr>`;
      })}</tbody>
</table>`
}
</section>`;
  });
  const body = html`<h1>Applications</h1>
${
  data.applications.length === 0
    ? html`<p class="muted">No applications yet: create one with <code>aws deploy create-application --application-name NAME --endpoint-url …</code> or deploy with <code>codedeploy-gitops local</code>.</p>`
    : applications
}
<section class="box"><h2>Recent deployments</h2>
${deploymentsTable(ctx, data.deployments.slice(0, 25), true)}</section>`;
  return page(ctx, 'Applications', data.deployments.some(isActive), body);
}

function routerSummary(url: string | undefined, targets: RouteTarget[]): Html {
  if (!url) return html`<span class="muted">none</span>`;
  return html`<a href="${url}">${url}</a> <span class="muted">→ ${
    targets.length === 0 ? 'no instance (503)' : targets.map((t) => t.instanceId).join(', ')
  }</span>`;
}

export function groupPage(ctx: PageContext, data: GroupData): Html {
  const { group } = data;
  const settings = group.settings;
  const json = (value: unknown) =>
    value === undefined ? html`<span class="muted">—</span>` : html`<code>${JSON.stringify(value)}</code>`;
  const body = html`<h1>${group.applicationName} / ${group.deploymentGroupName}</h1>
<section class="box">
<dl class="summary">
<dt>Style</dt><dd>${styleOf(settings)}</dd>
<dt>Deployment configuration</dt><dd>${group.deploymentConfigName}</dd>
<dt>Service role</dt><dd><code>${group.serviceRoleArn}</code></dd>
<dt>Router</dt><dd data-router>${routerSummary(data.routerUrl, data.routerTargets)}</dd>
<dt>Instances</dt><dd>${
    data.instances.length === 0
      ? html`<span class="muted">none</span>`
      : data.instances.map(
          (i) =>
            html`<div data-instance="${i.instanceId}"><code>${i.instanceId}</code>${
              i.port !== undefined ? html` <span class="muted">port ${i.port}</span>` : ''
            }</div>`,
        )
  }</dd>
<dt>EC2 tag filters</dt><dd>${json(settings.ec2TagFilters)}</dd>
<dt>Load balancer</dt><dd>${json(settings.loadBalancerInfo)}</dd>
<dt>Blue/green</dt><dd>${json(settings.blueGreenDeploymentConfiguration)}</dd>
<dt>Automatic rollback</dt><dd>${json(settings.autoRollbackConfiguration)}</dd>
<dt>Target revision</dt><dd>${revisionText(group.targetRevision)}</dd>
</dl>
</section>
<section class="box"><h2>Deployments</h2>
${deploymentsTable(ctx, data.deployments, false)}</section>`;
  return page(
    ctx,
    `${group.applicationName}/${group.deploymentGroupName}`,
    data.deployments.some(isActive),
    body,
  );
}

function eventRows(ctx: PageContext, event: LifecycleEventRecord): Html {
  const d = event.diagnostics;
  const failed = d && d.errorCode !== 'Success';
  return html`<tr data-event="${event.lifecycleEventName}"><td>${event.lifecycleEventName}</td><td>${badge(event.status)}</td><td>${clock(
    event.startTime,
  )}</td><td>${duration(ctx, event.startTime, event.endTime)}</td><td>${d?.scriptName ? html`<code>${d.scriptName}</code>` : ''}</td><td>${
    failed ? html`<strong>${d.errorCode}</strong> ${d.message}` : ''
  }</td></tr>${
    failed && d.logTail
      ? html`<tr class="log-tail"><td colspan="6"><pre class="log">${stripControl(d.logTail)}</pre></td></tr>`
      : ''
  }`;
}

function instanceCard(ctx: PageContext, target: InstanceTargetRecord, log: string | undefined): Html {
  const shown = log && log.length > LOG_LIMIT ? log.slice(-LOG_LIMIT) : log;
  return html`<article class="instance" data-instance="${target.targetId}">
<h3><code>${target.targetId}</code> ${badge(target.status)}</h3>
<table class="events">
<thead><tr><th>Lifecycle event</th><th>Status</th><th>Started (UTC)</th><th>Duration</th><th>Script</th><th>Error</th></tr></thead>
<tbody>${target.lifecycleEvents.map((event) => eventRows(ctx, event))}</tbody>
</table>
<details${target.status === 'Failed' || target.status === 'InProgress' ? html` open` : ''}><summary>Hook output${
    shown !== log ? ` (the last ${LOG_LIMIT / 1024} KiB)` : ''
  }</summary>${
    shown ? html`<pre class="log">${stripControl(shown)}</pre>` : html`<p class="muted">No output.</p>`
  }</details>
</article>`;
}

/** What each fleet of a blue/green deployment does, and of the rollback that moves traffic back. */
const FLEETS = {
  deployment: {
    Blue: {
      title: 'Original fleet (Blue)',
      note: 'Loses traffic once the replacement fleet has it: BeforeBlockTraffic, BlockTraffic, AfterBlockTraffic.',
    },
    Green: {
      title: 'Replacement fleet (Green)',
      note: 'Installs the revision, then takes traffic: BeforeAllowTraffic, AllowTraffic, AfterAllowTraffic.',
    },
  },
  rollback: {
    Blue: {
      title: 'Original fleet (Blue)',
      note: 'Takes traffic back: BeforeAllowTraffic, AllowTraffic, AfterAllowTraffic.',
    },
    Green: {
      title: 'Replacement fleet (Green)',
      note: 'Loses traffic (BeforeBlockTraffic, BlockTraffic, AfterBlockTraffic), then is terminated.',
    },
  },
} as const;

/** The traffic settings of a blue/green deployment, in words. */
function blueGreenSummary(record: DeploymentRecord): string {
  const settings = (record.blueGreenDeploymentConfiguration ?? {}) as {
    deploymentReadyOption?: { actionOnTimeout?: string; waitTimeInMinutes?: number };
    terminateBlueInstancesOnDeploymentSuccess?: { action?: string; terminationWaitTimeInMinutes?: number };
  };
  const ready = settings.deploymentReadyOption;
  const termination = settings.terminateBlueInstancesOnDeploymentSuccess;
  const reroute =
    ready?.actionOnTimeout === 'STOP_DEPLOYMENT'
      ? `traffic moves on ContinueDeployment, within ${ready.waitTimeInMinutes ?? 0} min`
      : 'traffic moves once the replacement fleet is ready';
  const original =
    termination?.action === 'KEEP_ALIVE'
      ? 'the original fleet is kept running'
      : `the original fleet is terminated ${termination?.terminationWaitTimeInMinutes ?? 0} min later`;
  return `· ${reroute}; ${original}`;
}

const TRAFFIC_EVENTS = new Set([
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
  'BeforeBlockTraffic',
  'BlockTraffic',
  'AfterBlockTraffic',
]);

/**
 * The traffic events of both fleets in the order they run: one fleet takes traffic (the allow
 * events), then the other loses it (the block events); within each, by start (what has not started
 * last).
 */
function trafficTable(targets: readonly InstanceTargetRecord[]): Html {
  const phase = (name: string) => (name.includes('Allow') ? 0 : 1);
  const started = (event: LifecycleEventRecord) => event.startTime ?? Number.POSITIVE_INFINITY;
  const events = targets
    .flatMap((target) =>
      target.lifecycleEvents
        .filter((event) => TRAFFIC_EVENTS.has(event.lifecycleEventName))
        .map((event) => ({ target, event })),
    )
    .sort(
      (a, b) =>
        phase(a.event.lifecycleEventName) - phase(b.event.lifecycleEventName) ||
        started(a.event) - started(b.event),
    );
  return html`<section class="box" data-traffic>
<h2>Traffic</h2>
<table>
<thead><tr><th>Started (UTC)</th><th>Fleet</th><th>Instance</th><th>Event</th><th>Status</th></tr></thead>
<tbody>${events.map(
    ({ target, event }) =>
      html`<tr data-traffic-event="${event.lifecycleEventName}"><td>${clock(event.startTime)}</td><td>${
        target.instanceLabel === 'Blue' ? 'original' : 'replacement'
      }</td><td><code>${target.targetId}</code></td><td>${event.lifecycleEventName}</td><td>${badge(event.status)}</td></tr>`,
  )}</tbody>
</table>
</section>`;
}

export function deploymentPage(ctx: PageContext, data: DeploymentData): Html {
  const { record } = data;
  const blueGreen = isBlueGreen(record) || record.fleets !== undefined;
  const targets = record.targets;
  const card = (target: InstanceTargetRecord) => instanceCard(ctx, target, data.logs.get(target.targetId));
  const fleet = (label: 'Blue' | 'Green') => {
    const members = (targets ?? []).filter((t) => t.instanceLabel === label);
    const { title, note } =
      FLEETS[record.creator === 'codeDeployRollback' ? 'rollback' : 'deployment'][label];
    return html`<section class="fleet" data-fleet="${label === 'Blue' ? 'original' : 'replacement'}">
<h2>${title}</h2><p class="muted">${note}</p>
${members.length === 0 ? html`<p class="muted">No instances.</p>` : members.map(card)}
</section>`;
  };
  const overview = (targets ?? []).reduce<Record<string, number>>((counts, t) => {
    counts[t.status] = (counts[t.status] ?? 0) + 1;
    return counts;
  }, {});
  const rollback = record.rollbackInfo;
  const body = html`<h1>Deployment <code>${record.deploymentId}</code> ${badge(record.status)}</h1>
<section class="box">
<dl class="summary">
<dt>Application</dt><dd>${record.applicationName}</dd>
<dt>Deployment group</dt><dd>${groupLink(record.applicationName, record.deploymentGroupName)}</dd>
<dt>Style</dt><dd>${blueGreen ? html`blue/green <span class="muted">${blueGreenSummary(record)}</span>` : 'in place'}</dd>
<dt>Deployment configuration</dt><dd>${record.deploymentConfigName}</dd>
<dt>Revision</dt><dd data-revision>${revisionText(record.revision)}</dd>
${record.previousRevision ? html`<dt>Previous revision</dt><dd>${revisionText(record.previousRevision)}</dd>` : ''}
<dt>Created by</dt><dd>${record.creator}</dd>
${record.description !== undefined ? html`<dt>Description</dt><dd>${record.description}</dd>` : ''}
<dt>Created</dt><dd>${time(record.createTime)}</dd>
<dt>Started</dt><dd>${time(record.startTime)}</dd>
<dt>Completed</dt><dd>${time(record.completeTime)}</dd>
<dt>Duration</dt><dd>${duration(ctx, record.startTime ?? record.createTime, record.completeTime)}</dd>
<dt>Router</dt><dd data-router>${routerSummary(data.routerUrl, data.routerTargets)}</dd>
<dt>Instances</dt><dd data-overview>${Object.entries(overview).map(([status, count]) => html`${badge(status)} ${count} `)}</dd>
</dl>
</section>
${
  record.errorInformation
    ? html`<p class="error" data-error><strong>${record.errorInformation.code}</strong>: ${record.errorInformation.message}</p>`
    : ''
}
${
  rollback
    ? html`<p class="note" data-rollback>${rollback.rollbackMessage ?? ''}${
        rollback.rollbackDeploymentId
          ? html` Rollback: ${deploymentLink(rollback.rollbackDeploymentId)}.`
          : ''
      }${rollback.rollbackTriggeringDeploymentId ? html` Rolls back ${deploymentLink(rollback.rollbackTriggeringDeploymentId)}.` : ''}</p>`
    : ''
}
${
  record.status === 'Ready'
    ? html`<p class="note" data-ready>The replacement instances are ready; traffic moves when you continue: <code>aws deploy continue-deployment --deployment-id ${record.deploymentId} --deployment-wait-type READY_WAIT --endpoint-url …</code></p>`
    : ''
}
${
  record.terminationWaitStartedAt !== undefined && isActive(record)
    ? html`<p class="note" data-termination-wait>Traffic has moved; the original instances wait to be terminated (since ${time(
        record.terminationWaitStartedAt,
      )}).</p>`
    : ''
}
${
  targets === undefined
    ? html`<p class="note" data-not-started>${record.status}: the instances are not assigned yet.</p>`
    : blueGreen
      ? html`${trafficTable(targets)}<div class="fleets">${fleet('Blue')}${fleet('Green')}</div>`
      : html`<section class="fleet" data-fleet="in-place"><h2>Instances</h2>${targets.map(card)}</section>`
}`;
  return page(ctx, record.deploymentId, isActive(record), body);
}

export function notFoundPage(ctx: PageContext, message: string): Html {
  return page(
    ctx,
    'Not found',
    false,
    html`<h1>Not found</h1><p>${message}</p><p><a href="/console/">All applications</a></p>`,
  );
}
