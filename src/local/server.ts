import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CONSOLE_HEADER } from '../report/links.js';
import { scriptsLogPath } from './agent/agent.js';
import { type RunasPolicy, runasPolicy } from './agent/users.js';
import { MODEL_OPERATIONS } from './api-model.js';
import { CONSOLE_PATH, consoleAnswer } from './console/index.js';
import { randomDeploymentId } from './deployments.js';
import { Engine, type TimelineEntry } from './engine.js';
import { Fleets, type RouterInfo } from './fleets.js';
import { refusal, requestHost } from './guard.js';
import { builtInConfigs } from './health.js';
import { instanceDir, type LocalInstance } from './instances.js';
import { createOperations } from './operations/index.js';
import { deploymentInfo } from './shapes.js';
import { groupKey, Store } from './store.js';
import { Throttle } from './throttle.js';
import { readRequest } from './validate.js';
import { ApiError, readJsonCall, sendError, sendJson } from './wire.js';

/**
 * Realistic timing: a deployment stays Created, then Queued, for a few seconds before its
 * instances are assigned, as on AWS while the agents pick it up (target queries answer
 * DeploymentNotStartedException meanwhile).
 */
export const REALISTIC_TIMING = { startDelayMs: 2000, queuedMs: 3000 } as const;

export interface LocalS3Options {
  /** S3 endpoint the agents download bundles from; default AWS_ENDPOINT_URL_S3, then real S3. */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface LocalCodeDeployOptions {
  /** Everything lives here: state (codedeploy/), instances (instances/). */
  dataDir: string;
  /** 0 or omitted: a free port. */
  port?: number;
  host?: string;
  s3?: LocalS3Options;
  /** Instances of a group without a `local:instances` tag filter. Default 2. */
  instancesPerGroup?: number;
  region?: string;
  accountId?: string;
  /** How long a deployment stays Created (see REALISTIC_TIMING). Default 0. */
  startDelayMs?: number;
  /** Then how long it stays Queued before its instances are assigned. Default 0. */
  queuedMs?: number;
  /** Fault rehearsal: API calls per second past which ThrottlingException answers. Default: none. */
  throttle?: number;
  /** Between SIGTERM and SIGKILL of a script's process group. Default 2000. */
  killGraceMs?: number;
  /**
   * Hooks with runas or sudo: switched to that user when this process can (root), else failed
   * unless `otherwise: 'current-user'` (default from LOCAL_CODEDEPLOY_RUNAS). See agent/users.ts.
   */
  runas?: Partial<RunasPolicy>;
  /** Page size of the List operations. Default 100. */
  pageSize?: number;
  /**
   * Scales the minutes-based timers of blue/green deployments (deployment-ready wait, termination
   * wait): they last minutes × 60 s × timeScale. Default 1; 1/60 makes a minute last a second.
   */
  timeScale?: number;
  /** Told each time a deployment group's local router starts listening (its URL, for printing). */
  onRouter?: (router: RouterInfo) => void;
  /**
   * The local git repository that stands for the GitHub repository `account/name`, which the agents
   * take GitHub revisions from (`git archive`, as GitHub makes its tarballs); undefined for one there
   * is none of: its deployments fail at DownloadBundle. Default: none (`repositoriesIn(dir)` serves
   * the emulator's --github-repos DIR).
   */
  gitHubRepository?: (repository: string) => Promise<string | undefined>;
  now?: () => number;
  newDeploymentId?: () => string;
}

/** One API call, as recorded for tests ("exactly one CreateDeployment per group", call rates). */
export interface ApiCall {
  operation: string;
  /** Epoch milliseconds. */
  time: number;
  applicationName?: string;
  deploymentGroupName?: string;
  deploymentId?: string;
  /** The error type answered, if any. */
  error?: string;
}

export interface InstanceLog {
  instanceId: string;
  path: string;
  text: string;
}

export interface LocalCodeDeploy {
  /** http://HOST:PORT — for AWS_ENDPOINT_URL_CODEDEPLOY or `aws deploy --endpoint-url`. */
  endpoint: string;
  /** The web console: http://HOST:PORT/console/ (a deployment's page is deployments/<id> below it). */
  consoleUrl: string;
  port: number;
  dataDir: string;
  calls(filter?: { operation?: string; deploymentGroupName?: string }): ApiCall[];
  clearCalls(): void;
  /**
   * The instances a group deploys to now: its tag count (or the default) of instances, until a
   * blue/green deployment replaces them with its replacement fleet.
   */
  instances(applicationName: string, deploymentGroupName: string): LocalInstance[];
  /** The group's local router: its URL and the instances it sends traffic to. */
  router(applicationName: string, deploymentGroupName: string): RouterInfo | undefined;
  /** Resolves with the GetDeployment shape once the deployment is Succeeded, Failed or Stopped (and saved). */
  waitForDeployment(deploymentId: string): Promise<ReturnType<typeof deploymentInfo>>;
  /** Each instance's start and end, in the order they happened (for concurrency checks). */
  timeline(deploymentId: string): TimelineEntry[];
  /** The hook output of a deployment, per instance (the agent's scripts.log). */
  logs(deploymentId: string): Promise<InstanceLog[]>;
  /**
   * Stops serving, terminates running scripts and stops the processes the instances' hooks started
   * (the instances power off with it); persisted state is resumed by the next start.
   */
  stop(): Promise<void>;
}

const IDLE_CONNECTION_MS = 60_000;

export async function startLocalCodeDeploy(options: LocalCodeDeployOptions): Promise<LocalCodeDeploy> {
  const dataDir = resolve(options.dataDir);
  const now = options.now ?? Date.now;
  const newDeploymentId = options.newDeploymentId ?? randomDeploymentId;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`timeScale must be a positive number (got ${timeScale})`);
  const host = options.host ?? '127.0.0.1';
  const killGraceMs = options.killGraceMs ?? 2000;
  const store = new Store(dataDir);
  for (const config of builtInConfigs(now())) store.state.configs.set(config.deploymentConfigName, config);
  await store.load();
  const fleets = new Fleets({
    store,
    dataDir,
    instancesPerGroup: options.instancesPerGroup ?? 2,
    host,
    killGraceMs,
    ...(options.onRouter ? { onRouter: options.onRouter } : {}),
  });

  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const s3 = createS3Client(options.s3 ?? {}, region);
  const engine = new Engine({
    store,
    dataDir,
    fleets,
    timeScale,
    startDelayMs: options.startDelayMs ?? 0,
    queuedMs: options.queuedMs ?? 0,
    killGraceMs,
    users: runasPolicy(options.runas),
    s3,
    gitHubRepository: options.gitHubRepository ?? (async () => undefined),
    region,
    accountId,
    now,
    newDeploymentId,
  });
  const operations = createOperations({
    store,
    engine,
    fleets,
    now,
    newDeploymentId,
    pageSize: options.pageSize ?? 100,
    region,
    accountId,
  });
  const throttle = options.throttle === undefined ? undefined : new Throttle(options.throttle, now);
  const calls: ApiCall[] = [];

  const describeCall = (operation: string, input: Record<string, unknown>, output: unknown): ApiCall => {
    const call: ApiCall = { operation, time: now() };
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const deploymentId =
      text(input.deploymentId) ?? text((output as Record<string, unknown> | undefined)?.deploymentId);
    const record = deploymentId ? store.state.deployments.get(deploymentId) : undefined;
    const app = text(input.applicationName) ?? record?.applicationName;
    const group =
      text(input.deploymentGroupName) ??
      text(input.currentDeploymentGroupName) ??
      record?.deploymentGroupName;
    if (app) call.applicationName = app;
    if (group) call.deploymentGroupName = group;
    if (deploymentId) call.deploymentId = deploymentId;
    return call;
  };

  const handleApi = async (request: IncomingMessage, response: ServerResponse) => {
    let operationName = 'Unknown';
    let input: Record<string, unknown> = {};
    // Names the web console on every answer, so a client can link deployments there (report/links.ts).
    response.setHeader(LOCAL_CONSOLE_HEADER, `http://${requestHost(request.headers)}${CONSOLE_PATH}`);
    try {
      const call = await readJsonCall(request);
      operationName = call.operation;
      input = call.input;
      if (throttle && !throttle.take()) throw new ApiError('ThrottlingException', 'Rate exceeded');
      const model = MODEL_OPERATIONS.get(operationName);
      const operation =
        model && Object.hasOwn(operations, operationName) ? operations[operationName] : undefined;
      if (!model || !operation) {
        throw new ApiError('UnknownOperationException', `CodeDeploy has no operation ${operationName}`);
      }
      const output = await operation(readRequest(model, input) as never);
      calls.push(describeCall(operationName, input, output));
      sendJson(response, 200, output);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError('InternalFailure', `The local CodeDeploy failed: ${(error as Error).message}`);
      calls.push({ ...describeCall(operationName, input, undefined), error: apiError.type });
      if (apiError.type === 'InternalFailure') {
        response.setHeader('x-amzn-errortype', apiError.type);
        sendJson(response, 500, { __type: apiError.type, message: apiError.message });
      } else {
        sendError(response, apiError);
      }
    }
  };

  const instancesOf = (applicationName: string, deploymentGroupName: string): LocalInstance[] => {
    const group = store.state.groups.get(groupKey(applicationName, deploymentGroupName));
    return group ? fleets.fleet(group) : [];
  };
  const routerOf = (applicationName: string, deploymentGroupName: string): RouterInfo | undefined => {
    const group = store.state.groups.get(groupKey(applicationName, deploymentGroupName));
    return group ? fleets.router(group) : undefined;
  };

  const logs = async (deploymentId: string): Promise<InstanceLog[]> => {
    const record = store.state.deployments.get(deploymentId);
    if (!record) return [];
    return Promise.all(
      (record.targets ?? []).map(async (target) => {
        const path = scriptsLogPath(
          instanceDir(dataDir, target.targetId),
          record.deploymentGroupId,
          deploymentId,
        );
        return { instanceId: target.targetId, path, text: await readFile(path, 'utf8').catch(() => '') };
      }),
    );
  };

  const handleControl = async (url: URL, request: IncomingMessage, response: ServerResponse) => {
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body, null, 2);
      response.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    };
    const path = url.pathname;
    if (path === '/_local/health') return json(200, { ok: true, dataDir });
    if (path === '/_local/calls') {
      if (request.method === 'DELETE') {
        calls.length = 0;
        return json(200, { calls: [] });
      }
      return json(200, { calls });
    }
    if (path === '/_local/instances') {
      const groups = [...store.state.groups.values()].map((g) => ({
        applicationName: g.applicationName,
        deploymentGroupName: g.deploymentGroupName,
        instances: instancesOf(g.applicationName, g.deploymentGroupName),
      }));
      return json(200, { groups, kept: fleets.kept() });
    }
    if (path === '/_local/routers') return json(200, { routers: fleets.routerList() });
    const match = /^\/_local\/deployments\/(d-[A-Z0-9]{9})\/(timeline|logs)$/.exec(path);
    if (match?.[1] && store.state.deployments.has(match[1])) {
      const id = match[1];
      return match[2] === 'timeline'
        ? json(200, { timeline: engine.timeline(id) })
        : json(200, { logs: await logs(id) });
    }
    return json(404, {
      message:
        'Unknown control route: GET /_local/health, GET|DELETE /_local/calls, GET /_local/instances, GET /_local/routers, ' +
        'GET /_local/deployments/<id>/timeline, GET /_local/deployments/<id>/logs',
    });
  };

  const handleConsole = async (path: string, response: ServerResponse) => {
    const answer = await consoleAnswer(path, { state: store.state, fleets, logs, now, region });
    response.writeHead(answer.status, {
      ...answer.headers,
      'content-length': Buffer.byteLength(answer.body),
    });
    response.end(answer.body);
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://local');
    const path = url.pathname;
    const isConsole = path === '/console' || path.startsWith(CONSOLE_PATH);
    const isControl = path.startsWith('/_local/');
    const refused = refusal(request, host, isConsole || isControl);
    if (refused) {
      // Drain the body, so the client reads the answer rather than a reset connection.
      request.resume();
      if (isConsole || isControl) {
        response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`${refused}\n`);
      } else {
        response.setHeader('x-amzn-errortype', 'AccessDeniedException');
        sendJson(response, 403, { __type: 'AccessDeniedException', message: refused });
      }
      return;
    }
    if (isConsole && request.method !== 'GET' && request.method !== 'HEAD') {
      request.resume();
      response.writeHead(405, { allow: 'GET, HEAD' });
      response.end();
      return;
    }
    const handler = isConsole
      ? handleConsole(path, response)
      : isControl
        ? handleControl(url, request, response)
        : handleApi(request, response);
    handler.catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, { __type: 'InternalFailure', message: String(error) });
      else response.destroy();
    });
  });
  // AWS's endpoints keep an idle connection for about a minute. Node's 5 s default closed it under a
  // client that was reusing it at that moment: an ECONNRESET that AWS never sends.
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  server.headersTimeout = IDLE_CONNECTION_MS + 1_000;
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  for (const group of store.state.groups.values()) await fleets.openRouter(group);
  engine.recover();
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    endpoint,
    consoleUrl: `${endpoint}${CONSOLE_PATH}`,
    port,
    dataDir,
    calls: (filter) =>
      calls.filter(
        (c) =>
          (filter?.operation === undefined || c.operation === filter.operation) &&
          (filter?.deploymentGroupName === undefined || c.deploymentGroupName === filter.deploymentGroupName),
      ),
    clearCalls: () => {
      calls.length = 0;
    },
    instances: instancesOf,
    router: routerOf,
    waitForDeployment: async (deploymentId) => {
      const record = await engine.waitFor(deploymentId);
      await store.flush();
      return deploymentInfo(record);
    },
    timeline: (deploymentId) => engine.timeline(deploymentId),
    logs,
    stop: () => {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        server.closeAllConnections();
        await engine.shutdown();
        await fleets.shutdown();
        await closed;
        s3.destroy();
      })();
      return stopped;
    },
  };
}

function createS3Client(options: LocalS3Options, defaultRegion: string): S3Client {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  // A local S3 takes any key; without one in the environment, a placeholder keeps the SDK from failing.
  const placeholder =
    endpoint !== undefined && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE
      ? { accessKeyId: 'local', secretAccessKey: 'local' }
      : undefined;
  const credentials = options.credentials ?? placeholder;
  return new S3Client({
    region: options.region ?? process.env.AWS_REGION ?? defaultRegion,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
  });
}
