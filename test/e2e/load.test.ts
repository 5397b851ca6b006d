import { describe, expect, inject, it } from 'vitest';
import { startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { codeDeployOperation } from '../helpers/fault-proxy.js';
import { expectSafeOutcome, statusesOf } from '../helpers/run-checks.js';

/**
 * One run against 20 deployment groups (a branch mapped to many), on the local CodeDeploy.
 *
 * AWS publishes no per-API request rate for CodeDeploy (its quotas page lists concurrent
 * deployments, applications, groups and batch sizes only), and throttles by account and region,
 * shared with every other tool. The budget held here is ours, documented in docs/reliability.md:
 * at most 10 CodeDeploy calls in any one-second window, and status polls at most one a second.
 */
const GROUPS = Array.from({ length: 20 }, (_, i) => `load-${String(i + 1).padStart(2, '0')}`);
const MAX_CALLS_PER_SECOND = 10;

describe('load: one branch mapped to 20 groups', () => {
  it('follows all 20 to the end within the call budget, and the summary has 20 rows', async ({
    onTestFinished,
  }) => {
    const env = await startDeployEnv(inject('motoEndpoint'));
    onTestFinished(() => env.stop());
    await env.createGroups(GROUPS);
    env.codedeploy.clearCalls();
    const result = await env.run({
      workspace: await env.workspace(testConfig(`  develop: [${GROUPS.join(', ')}]\n`, '  wait: 5m\n')),
    });
    await expectSafeOutcome(env, result, {
      created: Object.fromEntries(GROUPS.map((group) => [group, 1])),
      exit: 'ok',
      status: 'succeeded',
    });
    expect(statusesOf(result)).toEqual(Object.fromEntries(GROUPS.map((group) => [group, 'succeeded'])));
    for (const group of GROUPS)
      expect(result.summary).toMatch(new RegExp(`^\\| ${group} \\| .*succeeded`, 'm'));

    const requests = env.proxy.requests;
    // Each request is dated when the action signs it, after its pace (x-amz-date, to the second):
    // requests per second as the action sends them, which is what AWS counts.
    const perSecond = Object.values(
      requests.reduce<Record<string, number>>((counts, request) => {
        const second = String(request.headers['x-amz-date']);
        counts[second] = (counts[second] ?? 0) + 1;
        return counts;
      }, {}),
    );
    const polls = requests.filter((request) => codeDeployOperation(request) === 'BatchGetDeployments');
    const pollSpan = (polls.at(-1)!.time - polls[0]!.time) / 1000;
    const byOperation = Object.entries(
      requests.reduce<Record<string, number>>((counts, request) => {
        const operation = codeDeployOperation(request) ?? '?';
        counts[operation] = (counts[operation] ?? 0) + 1;
        return counts;
      }, {}),
    );
    console.log(
      `20 groups: ${requests.length} CodeDeploy requests over ${((requests.at(-1)!.time - requests[0]!.time) / 1000).toFixed(1)} s, ` +
        `at most ${Math.max(...perSecond)} in one second, ${polls.length} polls over ${pollSpan.toFixed(1)} s; ` +
        byOperation.map(([operation, n]) => `${operation} ${n}`).join(', '),
    );
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(MAX_CALLS_PER_SECOND);
    // One status call covers all 20 deployments; the poll loop never asks more than once a second.
    expect(polls.length).toBeLessThanOrEqual(Math.ceil(pollSpan) + 1);
  });
});
