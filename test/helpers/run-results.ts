import { parseConfigOrThrow } from '../../src/config/load.js';
import type { StoredRevision } from '../../src/deploy/ports.js';
import type { GroupReport, InstanceCounts, RunResult, RunStatus } from '../../src/deploy/results.js';
import type { Trigger } from '../../src/event/trigger.js';
import { planDeployments } from '../../src/plan/plan.js';
import { deploymentUrl } from '../../src/report/links.js';
import { deleted, pullRequest, push } from './triggers.js';

/** RunResult fixtures built by hand (real config and plan, invented CodeDeploy outcomes). */

export const REGION = 'eu-west-1';
export const RUN_URL = 'https://github.com/acme/shop/actions/runs/1234/attempts/1';
const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

const CONFIG = `application: shop
revision:
  bucket: acme-artifacts
  prefix: builds/
defaults:
  autoRollback: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST]
  wait: 30m
branches:
  master:
    deploymentGroup: production
    environmentUrl: https://shop.example.com
  develop: [staging, test1, test2]
  'release/**':
    deploymentGroups: [canary, production]
    strategy: sequential
  'experimental/**': ~
  'feature/*':
    deploymentGroup: feature-{name}
    create: { from: staging }
    deleteOnBranchDelete: true
pullRequests:
  deploymentGroup: pr-{pr}
  create: { from: staging }
  environment: preview-{pr}
  environmentUrl: https://pr-{pr}.preview.example.com
  deleteOnClose: true
  forks: deny
`;

export const config = parseConfigOrThrow(CONFIG, '.github/codedeploy.yml').config;

export const revision: StoredRevision = {
  type: 's3',
  bucket: 'acme-artifacts',
  key: 'builds/shop/sha256-4f2a9c.zip',
  bundleType: 'zip',
  eTag: '"9b2cf535f27731c974343645a3985328"',
  digest: 'sha256:4f2a9c0d6e1b7a8f3c5d2e9b0a1f4c7d8e2b5a9c3f6d0e1b4a7c8d2f5e9b0a3c',
  bytes: 1_318_912,
  files: 214,
  uploaded: true,
};

function counts(succeeded: number, failed: number, skipped = 0): InstanceCounts {
  return { pending: 0, inProgress: 0, succeeded, failed, skipped, ready: 0 };
}

function deployed(
  group: string,
  id: string,
  outcome: GroupReport['outcome'],
  extra: Partial<GroupReport> = {},
): GroupReport {
  return {
    group,
    environment: group,
    outcome,
    deploymentId: id,
    url: deploymentUrl(id, REGION),
    failures: [],
    ...extra,
  };
}

function result(trigger: Trigger, status: RunStatus, groups: GroupReport[], extra: Partial<RunResult> = {}) {
  const plan = planDeployments(config, trigger);
  return {
    status,
    trigger,
    config,
    plan,
    dryRun: false,
    revisionChoice: { kind: 'workspace' },
    region: REGION,
    groups,
    ...extra,
  } satisfies RunResult;
}

export function successOnThreeGroups(): RunResult {
  return result(
    push('refs/heads/develop'),
    'succeeded',
    [
      deployed('staging', 'd-STAGING01', 'succeeded', {
        status: 'Succeeded',
        counts: counts(2, 0),
        startedAt: T0,
        endedAt: T0 + 72_000,
      }),
      deployed('test1', 'd-TEST10001', 'succeeded', {
        status: 'Succeeded',
        counts: counts(1, 0),
        startedAt: T0,
        endedAt: T0 + 45_000,
      }),
      deployed('test2', 'd-TEST20001', 'succeeded', {
        status: 'Succeeded',
        counts: counts(1, 0, 1),
        startedAt: T0,
        endedAt: T0 + 3_723_000,
      }),
    ],
    { revision },
  );
}

export function failureWithDiagnostics(): RunResult {
  return result(
    push('refs/heads/master'),
    'failed',
    [
      deployed('production', 'd-PROD00001', 'failed', {
        environmentUrl: 'https://shop.example.com',
        status: 'Failed',
        counts: counts(1, 2),
        startedAt: T0,
        endedAt: T0 + 301_000,
        error: {
          code: 'HEALTH_CONSTRAINTS',
          message:
            'The overall deployment failed because too many individual instances failed deployment, too few healthy instances are available for deployment, or some instances in your deployment group are experiencing problems.',
        },
        failures: [
          {
            instanceId: 'i-0a1b2c3d4e5f60001',
            event: 'ValidateService',
            script: 'scripts/validate.sh',
            errorCode: 'ScriptFailed',
            message:
              'Script at specified location: scripts/validate.sh run as user root failed with exit code 7',
            logTail:
              '[stdout]checking http://localhost:8080/health | expecting 200\n' +
              '[stderr]\u001b[31mcurl: (7) Failed to connect\u001b[0m\n' +
              '[stderr]```\n[stderr]</details><script>alert(1)</script>\n',
          },
          {
            instanceId: 'i-0a1b2c3d4e5f60002',
            event: 'BeforeInstall',
            script: 'scripts/stop_server.sh',
            errorCode: 'ScriptTimedOut',
            message: 'Script at specified location: scripts/stop_server.sh failed to complete in 300 seconds',
          },
        ],
        rollback: {
          deploymentId: 'd-ROLLBACK1',
          status: 'Succeeded',
          url: deploymentUrl('d-ROLLBACK1', REGION),
        },
      }),
    ],
    { revision: { ...revision, uploaded: false } },
  );
}

/** A late run of an older commit: a newer one is already on every group, so nothing was deployed. */
export function supersededOnly(): RunResult {
  const note = (group: string) =>
    `commit 0123456 is older than 89abcde (deployment d-NEWER${group}, run 1300.1), which a later run already deployed`;
  return result(
    push('refs/heads/develop'),
    'superseded',
    ['staging', 'test1', 'test2'].map((group) => ({
      group,
      environment: group,
      outcome: 'superseded' as const,
      failures: [],
      note: note(group),
    })),
    { revision },
  );
}

export function skipped(): RunResult {
  return result(push('refs/heads/experimental/rewrite'), 'skipped', []);
}

export function dryRun(): RunResult {
  return result(push('refs/heads/develop'), 'planned', [], { dryRun: true });
}

export function sequentialNotStarted(): RunResult {
  return result(
    push('refs/heads/release/2.4'),
    'failed',
    [
      deployed('canary', 'd-CANARY001', 'failed', {
        status: 'Failed',
        counts: counts(0, 1),
        startedAt: T0,
        endedAt: T0 + 95_000,
        error: { code: 'HOOK_EXECUTION_FAILURE', message: 'lifecycle event ApplicationStart failed' },
        failures: [
          {
            instanceId: 'i-0c0ffee000000001',
            event: 'ApplicationStart',
            script: 'scripts/start.sh',
            errorCode: 'ScriptFailed',
            message: 'Script at specified location: scripts/start.sh failed with exit code 1',
            logTail: 'Error: port 8080 already in use\n',
          },
        ],
      }),
      {
        group: 'production',
        environment: 'production',
        outcome: 'not-started',
        failures: [],
        note: 'not started: canary did not succeed (strategy: sequential)',
      },
    ],
    { revision },
  );
}

export function previewDeployed(action: 'opened' | 'synchronize' | 'reopened', sha: string): RunResult {
  const trigger = pullRequest(action, { sha, headSha: sha });
  return result(
    trigger,
    'succeeded',
    [
      {
        ...deployed('pr-42', `d-PR42${sha.slice(0, 5).toUpperCase()}`, 'succeeded', {
          status: 'Succeeded',
          counts: counts(1, 0),
          startedAt: T0,
          endedAt: T0 + 61_000,
        }),
        environment: 'preview-42',
        environmentUrl: 'https://pr-42.preview.example.com',
        ...(action === 'opened' ? { createdGroup: true } : {}),
      },
    ],
    { revision },
  );
}

export function previewTornDown(): RunResult {
  return result(pullRequest('closed'), 'succeeded', [
    {
      group: 'pr-42',
      environment: 'preview-42',
      environmentUrl: 'https://pr-42.preview.example.com',
      outcome: 'torn-down',
      failures: [],
      note: 'deleted the preview group',
    },
  ]);
}

export function branchTornDown(): RunResult {
  return result(deleted('feature/login'), 'succeeded', [
    {
      group: 'feature-login',
      environment: 'feature-login',
      outcome: 'torn-down',
      failures: [],
      note: "deleted the branch's group",
    },
  ]);
}

export function forkSkipped(): RunResult {
  return result(pullRequest('opened', { fork: true }), 'skipped', []);
}

/** The run as the reporter sees it at `started`: plan known, nothing deployed yet. */
export function atStart(finished: RunResult): RunResult {
  return { ...finished, groups: [] };
}
