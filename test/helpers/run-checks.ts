import { BatchGetDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import type { DeploymentOutput } from '../../src/report/outputs.js';
import type { DeployEnv } from './deploy-env.js';
import type { RunnerResult } from './runner.js';

export const deploymentsOf = (result: RunnerResult) =>
  JSON.parse(result.outputs.deployments ?? '[]') as DeploymentOutput[];

export const statusesOf = (result: RunnerResult) =>
  Object.fromEntries(deploymentsOf(result).map((d) => [d.group, d.status]));

/** CreateDeployment calls the local CodeDeploy accepted for a group: deployments that exist. */
export const createdOn = (env: DeployEnv, group: string) =>
  env.codedeploy
    .calls({ operation: 'CreateDeployment', deploymentGroupName: group })
    .filter((call) => call.error === undefined);

export const show = (result: RunnerResult) =>
  process.env.SHOW_LOG ? console.log(result.stdout, result.stderr, result.summary) : undefined;

export interface Expected {
  /** Deployments the run may have created per group (0 or 1: never two). */
  created: Record<string, 0 | 1>;
  /** 'ok': exit 0 and a success status; 'failed': a non-zero exit and never a success status. */
  exit: 'ok' | 'failed';
  /** The run's `status` output, when the run got far enough to write it. */
  status?: string;
  /** Deployments the test itself created (a competing deployment), not counted as the run's. */
  others?: string[];
  /** The run must have ended within this many seconds (its wait plus a margin). */
  withinSeconds?: number;
}

/**
 * What every fault scenario must show, whatever failed: exactly the expected deployments per
 * group (never a second one), each of them named in the log and in the `deployments` output, an
 * exit code and status that match what really happened on CodeDeploy (never a success for a failed
 * deployment), any deployment still running when the action exits named as such, no multipart
 * upload left in the bucket, and the run over in time.
 */
export async function expectSafeOutcome(
  env: DeployEnv,
  result: RunnerResult,
  expected: Expected,
): Promise<void> {
  show(result);
  const ids: string[] = [];
  for (const [group, count] of Object.entries(expected.created)) {
    const created = createdOn(env, group).filter((call) => !expected.others?.includes(call.deploymentId!));
    expect(created, `deployments created on ${group}`).toHaveLength(count);
    ids.push(...created.map((call) => call.deploymentId!));
  }
  if (expected.exit === 'ok') {
    expect(result.code, result.stdout).toBe(0);
  } else {
    expect(result.code, result.stdout).not.toBe(0);
    expect(result.outputs.status).not.toBe('succeeded');
  }
  if (expected.status !== undefined) expect(result.outputs.status).toBe(expected.status);
  if (expected.withinSeconds !== undefined)
    expect(result.elapsedMs / 1000).toBeLessThan(expected.withinSeconds);
  expect(await danglingUploads(env), 'incomplete multipart uploads left in the bucket').toBe(0);
  const named = deploymentsOf(result).flatMap((d) => [d.id, d.rollbackId]);
  for (const id of ids) {
    expect(result.stdout, `${id} is named in the log`).toContain(id);
    expect(named, `${id} is named in the deployments output`).toContain(id);
  }
  if (ids.length === 0) return;
  const { deploymentsInfo = [] } = await env.client.send(
    new BatchGetDeploymentsCommand({ deploymentIds: ids }),
  );
  for (const info of deploymentsInfo) {
    if (result.code === 0) expect(info.status, `${info.deploymentId} on a successful run`).toBe('Succeeded');
    if (!['Succeeded', 'Failed', 'Stopped'].includes(info.status ?? '')) {
      expect(result.stdout, `${info.deploymentId} is ${info.status} and the log must say so`).toContain(
        info.deploymentId,
      );
    }
  }
}

/** Multipart uploads left in the bucket (billed until aborted). */
export async function danglingUploads(env: DeployEnv): Promise<number> {
  const listed = await env.s3.send(new ListMultipartUploadsCommand({ Bucket: env.bucket }));
  return listed.Uploads?.length ?? 0;
}
