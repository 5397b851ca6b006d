import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/deploy/results.js';
import { actionOutputs } from '../../src/report/outputs.js';
import {
  dryRun,
  failureWithDiagnostics,
  previewTornDown,
  sequentialNotStarted,
  skipped,
  successOnThreeGroups,
  supersededOnly,
} from '../helpers/run-results.js';

/** A run of one application. */
function alone(result: RunResult) {
  return { status: result.status, results: [result] };
}

/** The same result as another application's (named `api`, its groups prefixed). */
function asApplication(result: RunResult, application: string): RunResult {
  return {
    ...result,
    config: { ...result.config, application },
    groups: result.groups.map((g) => ({ ...g, group: `${application}-${g.group}` })),
  };
}

describe('actionOutputs', () => {
  it('a successful run: ids in plan order, the revision, one JSON entry per group', () => {
    const outputs = actionOutputs(alone(successOnThreeGroups()));
    expect(outputs).toMatchObject({
      status: 'succeeded',
      skipped: 'false',
      'skip-reason': '',
      'deployment-groups': 'staging,test1,test2',
      'deployment-ids': 'd-STAGING01,d-TEST10001,d-TEST20001',
      'revision-location': 's3://acme-artifacts/builds/shop/sha256-4f2a9c.zip',
      'revision-etag': '"9b2cf535f27731c974343645a3985328"',
      'revision-digest': 'sha256:4f2a9c0d6e1b7a8f3c5d2e9b0a1f4c7d8e2b5a9c3f6d0e1b4a7c8d2f5e9b0a3c',
    });
    expect(JSON.parse(outputs.deployments!)[0]).toEqual({
      application: 'shop',
      group: 'staging',
      id: 'd-STAGING01',
      status: 'succeeded',
      url: 'https://console.aws.amazon.com/codesuite/codedeploy/deployments/d-STAGING01?region=eu-west-1',
      rollbackId: null,
      environment: 'staging',
      environmentUrl: null,
    });
    expect(Object.values(outputs).every((value) => typeof value === 'string')).toBe(true);
  });

  it('a failure names the rollback deployment', () => {
    const [production] = JSON.parse(actionOutputs(alone(failureWithDiagnostics())).deployments!);
    expect(production).toMatchObject({
      status: 'failed',
      rollbackId: 'd-ROLLBACK1',
      environmentUrl: 'https://shop.example.com',
    });
  });

  it('deployment-ids lists only the deployments that were created', () => {
    const outputs = actionOutputs(alone(sequentialNotStarted()));
    expect(outputs['deployment-groups']).toBe('canary,production');
    expect(outputs['deployment-ids']).toBe('d-CANARY001');
    expect(JSON.parse(outputs.deployments!).map((d: { status: string }) => d.status)).toEqual([
      'failed',
      'not-started',
    ]);
  });

  it('a skip says why and has no deployments', () => {
    const outputs = actionOutputs(alone(skipped()));
    expect(outputs).toMatchObject({
      status: 'skipped',
      skipped: 'true',
      'deployment-groups': '',
      'deployment-ids': '',
      deployments: '[]',
      'revision-location': '',
    });
    expect(outputs['skip-reason']).toContain('set to skip');
    expect(JSON.parse(outputs.plan!)).toMatchObject({ skipped: true, deployments: [] });
  });

  it('a run whose every group was superseded says so, and that nothing was deployed', () => {
    const outputs = actionOutputs(alone(supersededOnly()));
    expect(outputs).toMatchObject({
      status: 'superseded',
      skipped: 'true',
      'deployment-groups': 'staging,test1,test2',
      'deployment-ids': '',
    });
    expect(outputs['skip-reason']).toBe(
      ['staging', 'test1', 'test2']
        .map(
          (group) =>
            `${group}: commit 0123456 is older than 89abcde (deployment d-NEWER${group}, run 1300.1), which a later run already deployed`,
        )
        .join('; '),
    );
    expect(JSON.parse(outputs.deployments!).map((d: { status: string }) => d.status)).toEqual([
      'superseded',
      'superseded',
      'superseded',
    ]);
  });

  it('a dry run lists the planned groups without ids', () => {
    const outputs = actionOutputs(alone(dryRun()));
    expect(outputs.status).toBe('planned');
    expect(JSON.parse(outputs.deployments!)).toEqual(
      ['staging', 'test1', 'test2'].map((group) => ({
        application: 'shop',
        group,
        id: null,
        status: 'planned',
        url: null,
        rollbackId: null,
        environment: group,
        environmentUrl: null,
      })),
    );
    expect(JSON.parse(outputs.plan!).deployments).toHaveLength(3);
  });

  it('a teardown reports torn-down groups', () => {
    const [group] = JSON.parse(actionOutputs(alone(previewTornDown())).deployments!);
    expect(group).toMatchObject({ group: 'pr-42', id: null, status: 'torn-down', environment: 'preview-42' });
  });

  describe('several applications', () => {
    it('every deployment names its application; the lists hold every application, in config order', () => {
      const shop = successOnThreeGroups();
      const api = asApplication(failureWithDiagnostics(), 'api');
      const outputs = actionOutputs({ status: 'failed', results: [shop, api] });
      expect(outputs.status).toBe('failed');
      expect(outputs.skipped).toBe('false');
      const deployments = JSON.parse(outputs.deployments!) as Array<{ application: string; group: string }>;
      expect(deployments.map((d) => `${d.application}/${d.group}`)).toEqual([
        'shop/staging',
        'shop/test1',
        'shop/test2',
        ...api.groups.map((g) => `api/${g.group}`),
      ]);
      expect(outputs['deployment-ids']!.split(',')).toEqual([
        'd-STAGING01',
        'd-TEST10001',
        'd-TEST20001',
        ...api.groups.flatMap((g) => (g.deploymentId ? [g.deploymentId] : [])),
      ]);
      const digests = [shop, api].map(({ revision }) => (revision?.type === 's3' ? revision.digest : ''));
      expect(digests.every((digest) => digest.startsWith('sha256:'))).toBe(true);
      expect(outputs['revision-digest']!.split(',')).toEqual(digests);
      const plan = JSON.parse(outputs.plan!) as { applications: Array<{ application: string }> };
      expect(plan.applications.map((a) => a.application)).toEqual(['shop', 'api']);
    });

    it('a GitHub revision is named by its commit URL, and leaves its ETag and digest slots empty', () => {
      const shop = successOnThreeGroups();
      const api: RunResult = {
        ...asApplication(successOnThreeGroups(), 'api'),
        revision: { type: 'github', repository: 'acme/api', commitId: 'c'.repeat(40) },
      };
      const outputs = actionOutputs({ status: 'succeeded', results: [shop, api] });
      expect(outputs['revision-location']).toBe(
        `s3://acme-artifacts/builds/shop/sha256-4f2a9c.zip,https://github.com/acme/api/commit/${'c'.repeat(40)}`,
      );
      expect(outputs['revision-etag']).toBe('"9b2cf535f27731c974343645a3985328",');
      expect(outputs['revision-digest']!.split(',')).toHaveLength(2);
      expect(outputs['revision-digest']!.split(',')[1]).toBe('');
      const alone = actionOutputs({ status: 'succeeded', results: [api] });
      expect(alone['revision-etag']).toBe('');
      expect(alone['revision-digest']).toBe('');
    });

    it('one application skipped and one deployed is not a skip; both skipped is, each reason named', () => {
      const deployed = actionOutputs({
        status: 'succeeded',
        results: [successOnThreeGroups(), asApplication(skipped(), 'api')],
      });
      expect(deployed).toMatchObject({ skipped: 'false', 'skip-reason': '' });
      const both = actionOutputs({
        status: 'skipped',
        results: [skipped(), asApplication(skipped(), 'api')],
      });
      expect(both.skipped).toBe('true');
      const { reason } = skipped().plan as { reason: string };
      expect(both['skip-reason']).toBe(`shop: ${reason} · api: ${reason}`);
    });
  });
});
