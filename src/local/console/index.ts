import type { Fleets } from '../fleets.js';
import { groupKey, type State } from '../store.js';
import type { Html } from './html.js';
import { deploymentPage, groupPage, indexPage, notFoundPage, type PageContext } from './pages.js';

/** Where the console reads from: the service's state, its instances and routers, the hook logs. */
export interface ConsoleSources {
  state: State;
  fleets: Fleets;
  /** Each instance's hook output for a deployment. */
  logs: (deploymentId: string) => Promise<Array<{ instanceId: string; text: string }>>;
  now: () => number;
  region: string;
}

export interface ConsoleAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Pages are static HTML without script: the policy forbids any, so even markup that escaped
 * escaping could not run; framing and referrers are off too.
 */
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** The URL path under which the console lives (its base URL is the server's origin + this). */
export const CONSOLE_PATH = '/console/';

/** GET /console/…: the index, a deployment group, a deployment; 404 for anything else. */
export async function consoleAnswer(path: string, sources: ConsoleSources): Promise<ConsoleAnswer> {
  if (path === '/console') return { status: 301, headers: { location: CONSOLE_PATH }, body: '' };
  const ctx: PageContext = { now: sources.now(), region: sources.region };
  const ok = (page: Html) => ({ status: 200, headers: HTML_HEADERS, body: page.text });
  const notFound = (message: string) => ({
    status: 404,
    headers: HTML_HEADERS,
    body: notFoundPage(ctx, message).text,
  });
  let segments: string[];
  try {
    segments = path.slice(CONSOLE_PATH.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return notFound('That address is not a console page.');
  }
  const { state, fleets } = sources;
  const newestFirst = [...state.deployments.values()].sort(
    (a, b) => b.createTime - a.createTime || b.deploymentId.localeCompare(a.deploymentId),
  );

  if (segments.length === 0) {
    return ok(
      indexPage(ctx, {
        applications: [...state.applications.values()].sort((a, b) =>
          a.applicationName.localeCompare(b.applicationName),
        ),
        groups: [...state.groups.values()].sort((a, b) =>
          a.deploymentGroupName.localeCompare(b.deploymentGroupName),
        ),
        deployments: newestFirst,
        routerUrl: (group) => fleets.router(group)?.url,
        instanceCount: (group) => fleets.fleet(group).length,
      }),
    );
  }

  const [kind, name = '', part, partName = ''] = segments;
  if (kind === 'deployments' && segments.length === 2) {
    const record = state.deployments.get(name);
    if (!record) return notFound(`No deployment ${name}.`);
    const group = state.groups.get(groupKey(record.applicationName, record.deploymentGroupName));
    const router = group ? fleets.router(group) : undefined;
    const logs = new Map((await sources.logs(record.deploymentId)).map((log) => [log.instanceId, log.text]));
    return ok(
      deploymentPage(ctx, {
        record,
        ...(router ? { routerUrl: router.url } : {}),
        routerTargets: router?.targets ?? [],
        logs,
      }),
    );
  }

  if (kind === 'applications' && part === 'deployment-groups' && segments.length === 4) {
    const group = state.groups.get(groupKey(name, partName));
    if (!group) return notFound(`No deployment group ${partName} in application ${name}.`);
    const router = fleets.router(group);
    return ok(
      groupPage(ctx, {
        group,
        deployments: newestFirst.filter((d) => d.deploymentGroupId === group.deploymentGroupId),
        ...(router ? { routerUrl: router.url } : {}),
        routerTargets: router?.targets ?? [],
        instances: fleets.fleet(group),
      }),
    );
  }
  return notFound('That address is not a console page.');
}
