import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  type CreateDeploymentGroupInput,
} from '@aws-sdk/client-codedeploy';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { type ApiCall, type LocalCodeDeploy, startLocalCodeDeploy } from '../../src/local/index.js';
import { type Fault, type FaultProxy, type ProxiedRequest, startFaultProxy } from './fault-proxy.js';
import { ROLE, TEST_CREDENTIALS } from './local.js';
import { type RunnerOptions, type RunnerResult, runBundledAction } from './runner.js';
import { SERVER_MJS, startServer, stopServer } from './web-app.js';

export const SHA = '0123456789abcdef0123456789abcdef01234567';

/**
 * Distinctive fake credentials for every end-to-end run: the runner fails any run whose output
 * shows one of them (moto and the local CodeDeploy check no signatures).
 */
export const E2E_SECRETS = {
  secretAccessKey: 'cdgE2eSecretAccessKey/7Qv9+FAKE+mZ2wL4kT8xN1pR6sB3',
  sessionToken: 'cdgE2eSessionToken//FAKE/IQoJb3JpZ2luX2VjEJr8ZwYbD4hT0kQm',
  githubToken: 'ghs_cdgE2eFakeGitHubToken7Qv9mZ2wL4kT8xN1',
};

type Decide = (request: ProxiedRequest) => Fault | Promise<Fault>;

export interface DeployEnvOptions {
  /** The local CodeDeploy keeps each deployment Created this long before starting it. */
  startDelayMs?: number;
  /** Then Queued this long (REALISTIC_TIMING holds both). */
  queuedMs?: number;
  /** The local git repository standing for a GitHub repository, for GitHub revisions. */
  gitHubRepository?: (repository: string) => Promise<string | undefined>;
}

/**
 * moto's S3 plus the local CodeDeploy (its agents download from the same moto, directly), with a
 * fault proxy in front of each endpoint the action uses, and the environment the bundled action needs.
 */
export interface DeployEnv {
  /** The running local CodeDeploy; its `calls` include those made before a restart. */
  codedeploy: LocalCodeDeploy;
  client: CodeDeployClient;
  s3: S3Client;
  bucket: string;
  application: string;
  /** Decides what the proxy in front of CodeDeploy does with each request (default: pass). */
  faults: { decide: Decide };
  proxy: FaultProxy;
  /** Decides what the proxy in front of moto's S3 does with each request of the action (default: pass). */
  s3Faults: { decide: Decide };
  s3Proxy: FaultProxy;
  env: Record<string, string>;
  /** Stops the local CodeDeploy and starts it again on the same data directory and port. */
  restartCodeDeploy(): Promise<void>;
  createGroups(names: string[], extra?: Partial<CreateDeploymentGroupInput>): Promise<void>;
  /** A workspace with the test app and a config file; `behaviour` controls the hook scripts. */
  workspace(
    config: string,
    behaviour?: Behaviour,
    extraFiles?: Record<string, string | Buffer>,
  ): Promise<string>;
  /** Runs dist/index.js as a runner does, on a push to `branch` (or the given event). */
  run(
    options: Partial<RunnerOptions> & { workspace: string; branch?: string; sha?: string },
  ): Promise<RunnerResult>;
  stop(): Promise<void>;
}

/** What the test app's scripts do, per deployment group. */
export interface Behaviour {
  /** Groups whose `failAt` event fails (exit 3). */
  failGroups?: string[];
  /** ValidateService (default), BeforeAllowTraffic or AfterAllowTraffic. */
  failAt?: string;
  /** Groups whose ValidateService sleeps `slowSeconds`. */
  slowGroups?: string[];
  slowSeconds?: number;
  /** Text the app serves (lets a test tell revisions apart). */
  version?: string;
  /** ApplicationStart starts a web server on LOCAL_CODEDEPLOY_INSTANCE_PORT (the group's router forwards to it). */
  serve?: boolean;
}

/** Deployment group settings of a blue/green group of the local CodeDeploy (2 instances). */
export function blueGreenGroup(
  blueGreenDeploymentConfiguration: NonNullable<
    CreateDeploymentGroupInput['blueGreenDeploymentConfiguration']
  >,
): Partial<CreateDeploymentGroupInput> {
  return {
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    loadBalancerInfo: { targetGroupInfoList: [{ name: 'web' }] },
    blueGreenDeploymentConfiguration,
    ec2TagFilters: [{ Key: 'local:instances', Value: '2', Type: 'KEY_AND_VALUE' }],
  };
}

/**
 * The local CodeDeploy's minute timers (deployment-ready and termination waits) last a second each
 * here, while the action still reads and adds the group's minutes to its wait.
 */
export const E2E_TIME_SCALE = 1 / 60;

let counter = 0;

export async function startDeployEnv(
  motoEndpoint: string,
  options: DeployEnvOptions = {},
): Promise<DeployEnv> {
  counter += 1;
  const tag = `${process.pid}-${counter}-${Date.now() % 100000}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'cdg-e2e-'));
  const bucket = `e2e-${tag}`;
  const application = `shop-${tag}`;
  const s3 = new S3Client({
    endpoint: motoEndpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const startCodeDeploy = (port?: number) =>
    startLocalCodeDeploy({
      dataDir: join(dataDir, 'codedeploy'),
      killGraceMs: 500,
      timeScale: E2E_TIME_SCALE,
      ...(port ? { port } : {}),
      ...(options.startDelayMs ? { startDelayMs: options.startDelayMs } : {}),
      ...(options.queuedMs ? { queuedMs: options.queuedMs } : {}),
      ...(options.gitHubRepository ? { gitHubRepository: options.gitHubRepository } : {}),
      s3: { endpoint: motoEndpoint, credentials: TEST_CREDENTIALS },
    });
  const codedeploy = await startCodeDeploy();
  const faults = { decide: (_: ProxiedRequest): Fault | Promise<Fault> => ({ kind: 'pass' }) };
  const proxy = await startFaultProxy(codedeploy.endpoint, (request) => faults.decide(request));
  const s3Faults = { decide: (_: ProxiedRequest): Fault | Promise<Fault> => ({ kind: 'pass' }) };
  const s3Proxy = await startFaultProxy(motoEndpoint, (request) => s3Faults.decide(request));
  const client = new CodeDeployClient({
    endpoint: codedeploy.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    // Retries cover a kept-alive socket the server closes just as a test reuses it.
    maxAttempts: 3,
  });
  await client.send(
    new CreateApplicationCommand({ applicationName: application, computePlatform: 'Server' }),
  );
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: E2E_SECRETS.secretAccessKey,
    AWS_SESSION_TOKEN: E2E_SECRETS.sessionToken,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_S3: s3Proxy.endpoint,
    AWS_ENDPOINT_URL_CODEDEPLOY: proxy.endpoint,
  };
  const cleanup: string[] = [dataDir];

  const deployEnv: DeployEnv = {
    codedeploy,
    client,
    s3,
    bucket,
    application,
    faults,
    proxy,
    s3Faults,
    s3Proxy,
    env,
    async restartCodeDeploy() {
      const before = deployEnv.codedeploy.calls();
      await deployEnv.codedeploy.stop();
      const next = await startCodeDeploy(deployEnv.codedeploy.port);
      const own = next.calls.bind(next);
      next.calls = (filter = {}) => [...before.filter((call) => matches(call, filter)), ...own(filter)];
      deployEnv.codedeploy = next;
    },
    async createGroups(names, extra = {}) {
      for (const deploymentGroupName of names) {
        await client.send(
          new CreateDeploymentGroupCommand({
            serviceRoleArn: ROLE,
            ...extra,
            applicationName: application,
            deploymentGroupName,
          }),
        );
      }
    },
    async workspace(config, behaviour = {}, extraFiles = {}) {
      const dir = await mkdtemp(join(tmpdir(), 'cdg-e2e-ws-'));
      cleanup.push(dir);
      const files: Record<string, string | Buffer> = {
        '.github/codedeploy.yml': config.replaceAll('APPLICATION', application).replaceAll('BUCKET', bucket),
        'app/appspec.yml': APPSPEC,
        'app/site/index.html': `version ${behaviour.version ?? '1'}\n`,
        'app/site/version.txt': `${behaviour.version ?? '1'}\n`,
        'app/site/server.mjs': SERVER_MJS,
        'app/scripts/stop.sh': `#!/bin/sh\necho "stopping $DEPLOYMENT_GROUP_NAME"\n${stopServer(APP_DIR)}`,
        'app/scripts/start.sh': [
          '#!/bin/sh',
          '. "$(dirname "$0")/behaviour.sh"',
          'echo "starting $DEPLOYMENT_GROUP_NAME"',
          `[ "$SERVE" = 1 ] || exit 0`,
          startServer(APP_DIR),
        ].join('\n'),
        'app/scripts/validate.sh': VALIDATE,
        'app/scripts/behaviour.sh': [
          `FAIL_GROUPS="${(behaviour.failGroups ?? []).join(' ')}"`,
          `FAIL_AT=${behaviour.failAt ?? 'ValidateService'}`,
          `SLOW_GROUPS="${(behaviour.slowGroups ?? []).join(' ')}"`,
          `SLOW_SECONDS=${behaviour.slowSeconds ?? 0}`,
          `SERVE=${behaviour.serve ? 1 : 0}`,
          '',
        ].join('\n'),
        ...extraFiles,
      };
      for (const [path, content] of Object.entries(files)) {
        const target = join(dir, path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
        if (path.endsWith('.sh')) await chmod(target, 0o755);
      }
      return dir;
    },
    run(options) {
      const branch = options.branch ?? 'develop';
      const sha = options.sha ?? SHA;
      const repository = { full_name: 'acme/shop', default_branch: branch };
      const eventName = options.eventName ?? 'push';
      const payload =
        eventName === 'workflow_dispatch'
          ? { ref: `refs/heads/${branch}`, inputs: {}, repository }
          : { ref: `refs/heads/${branch}`, after: sha, deleted: false, repository };
      return runBundledAction({
        eventName,
        payload,
        ...options,
        inputs: { 'github-token': '', 'config-source': 'workspace', ...options.inputs },
        env: { ...env, GITHUB_SHA: sha, ...options.env },
      });
    },
    async stop() {
      client.destroy();
      s3.destroy();
      await proxy.close();
      await s3Proxy.close();
      await deployEnv.codedeploy.stop();
      for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
    },
  };
  return deployEnv;
}

function matches(call: ApiCall, filter: { operation?: string; deploymentGroupName?: string }): boolean {
  return (
    (filter.operation === undefined || call.operation === filter.operation) &&
    (filter.deploymentGroupName === undefined || call.deploymentGroupName === filter.deploymentGroupName)
  );
}

const APP_DIR = 'var/www/shop';

// validate.sh also runs for the traffic events of blue/green and traffic-controlled groups.
const APPSPEC = `version: 0.0
os: linux
files:
  - source: site
    destination: /var/www/shop
hooks:
  ApplicationStop:
    - location: scripts/stop.sh
      timeout: 30
  ApplicationStart:
    - location: scripts/start.sh
      timeout: 30
  ValidateService:
    - location: scripts/validate.sh
      timeout: 60
  BeforeAllowTraffic:
    - location: scripts/validate.sh
  AfterAllowTraffic:
    - location: scripts/validate.sh
`;

const VALIDATE = `#!/bin/sh
. "$(dirname "$0")/behaviour.sh"
[ "$LIFECYCLE_EVENT" = ValidateService ] && case " $SLOW_GROUPS " in *" $DEPLOYMENT_GROUP_NAME "*) sleep "$SLOW_SECONDS" ;; esac
[ "$LIFECYCLE_EVENT" = "$FAIL_AT" ] && case " $FAIL_GROUPS " in
  *" $DEPLOYMENT_GROUP_NAME "*)
    echo "GET http://127.0.0.1/health -> 503 on $DEPLOYMENT_GROUP_NAME"
    echo "validation failed" >&2
    exit 3 ;;
esac
echo "healthy: $DEPLOYMENT_GROUP_NAME ($LIFECYCLE_EVENT)"
`;

/** A config for the test app; APPLICATION and BUCKET are filled in by `workspace`. */
export function testConfig(branches: string, defaults = ''): string {
  return `application: APPLICATION
revision:
  bucket: BUCKET
  source: app
defaults:
${/\bwait:/.test(defaults) ? '' : '  wait: 2m\n'}${defaults}branches:
${branches}`;
}

/** A config whose pull requests get a preview group pr-{pr}, created from `tpl` and deleted on close. */
export function previewConfig(): string {
  return testConfig('').replace(
    'branches:\n',
    'pullRequests:\n  deploymentGroup: pr-{pr}\n  create: { from: tpl }\n  deleteOnClose: true\nbranches: {}\n',
  );
}

/** A pull_request event on #7 (feature/x into develop) from the same repository. */
export function pullRequestEvent(action: string) {
  return {
    action,
    number: 7,
    pull_request: {
      number: 7,
      head: { ref: 'feature/x', sha: SHA, repo: { full_name: 'acme/shop' } },
      base: { ref: 'develop', repo: { full_name: 'acme/shop' } },
    },
    repository: { full_name: 'acme/shop', default_branch: 'develop' },
  };
}
