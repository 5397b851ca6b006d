// The poll benchmark: our one poll loop (src/deploy/follow.ts) against the AWS SDK's
// waitUntilDeploymentSuccessful doing the same job, both against a simulated CodeDeploy whose
// deployments take about 5 minutes. Time is scaled (1 real second = SCALE simulated seconds) for
// both clients alike: the SDK waiter's delays are divided by SCALE, our clock is multiplied by it.
import { createServer } from 'node:http';
import { CodeDeployClient, waitUntilDeploymentSuccessful } from '@aws-sdk/client-codedeploy';
import { CodeDeployGateway } from '../src/aws/codedeploy.js';
import { MemoryLogger } from '../src/core/log.js';
import { type Followed, followDeployments } from '../src/deploy/follow.js';
import { DEFAULT_POLL_POLICY, type PollPolicy } from '../src/deploy/poll-schedule.js';

/** A slower policy, to show the trade-off between API calls and how late the end is seen. */
const ECONOMY: PollPolicy = { ...DEFAULT_POLL_POLICY, maxMs: 60_000, overdueMs: 10_000, clusterMs: 15_000 };

const SCALE = Number(process.env.POLL_BENCH_SCALE ?? 20);

interface SimDeployment {
  id: string;
  /** Simulated seconds at which each instance finishes, and whether it fails. */
  instances: Array<{ end: number; fails: boolean }>;
  /** Simulated second of the final status. */
  end: number;
  status: 'Succeeded' | 'Failed';
}

/** Seeded random numbers, so every run simulates the same deployments. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

function simulate(scenario: 'steady' | 'early-failure', random: () => number): SimDeployment[] {
  return [0, 1, 2].map((index) => {
    const instances: SimDeployment['instances'] = [];
    let time = 5 + random() * 5; // the agent picks the deployment up
    for (let i = 0; i < 4; i++) {
      time += 75 * (0.9 + random() * 0.2); // one instance at a time, ~75 s each
      const fails = scenario === 'early-failure' && index === 1 && i === 1;
      instances.push({ end: time, fails });
      if (fails) break;
    }
    const failed = instances.some((instance) => instance.fails);
    return {
      id: `d-BENCH${index}${scenario === 'steady' ? 'S' : 'F'}`,
      instances,
      end: time,
      status: failed ? 'Failed' : 'Succeeded',
    };
  });
}

/** A CodeDeploy on 127.0.0.1 that answers GetDeployment and BatchGetDeployments from the simulation. */
async function simulatedCodeDeploy(deployments: SimDeployment[], startedAt: number) {
  let calls = 0;
  const simNow = () => ((Date.now() - startedAt) / 1000) * SCALE;
  const info = (deployment: SimDeployment) => {
    const now = simNow();
    const done = deployment.instances.filter((instance) => instance.end <= now);
    const finished = now >= deployment.end;
    const overview = {
      Succeeded: done.filter((instance) => !instance.fails).length,
      Failed: done.filter((instance) => instance.fails).length,
      InProgress: finished || now < 5 ? 0 : 1,
      Pending: 0,
      Skipped: finished && deployment.status === 'Failed' ? 4 - done.length : 0,
      Ready: 0,
    };
    overview.Pending = 4 - overview.Succeeded - overview.Failed - overview.InProgress - overview.Skipped;
    return {
      deploymentId: deployment.id,
      status: finished ? deployment.status : now < 5 ? 'Created' : 'InProgress',
      createTime: startedAt / 1000,
      startTime: startedAt / 1000,
      ...(finished ? { completeTime: (startedAt + (deployment.end / SCALE) * 1000) / 1000 } : {}),
      deploymentOverview: overview,
      ...(finished && deployment.status === 'Failed'
        ? {
            errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'too many individual instances failed' },
          }
        : {}),
    };
  };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      calls++;
      const operation = String(request.headers['x-amz-target']).split('.').pop();
      const input = JSON.parse(body || '{}');
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (operation === 'GetDeployment') {
        const deployment = deployments.find((d) => d.id === input.deploymentId)!;
        response.end(JSON.stringify({ deploymentInfo: info(deployment) }));
      } else if (operation === 'BatchGetDeployments') {
        const found = deployments.filter((d) => input.deploymentIds.includes(d.id));
        response.end(JSON.stringify({ deploymentsInfo: found.map(info) }));
      } else {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'UnknownOperationException' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    endpoint,
    calls: () => calls,
    simNow,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function client(endpoint: string) {
  return new CodeDeployClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
}

interface Measured {
  calls: number;
  minutes: number;
  /** Simulated seconds between each deployment's end and the client noticing it. */
  lateness: number[];
}

async function ours(deployments: SimDeployment[], policy: PollPolicy): Promise<Measured> {
  const startedAt = Date.now();
  const sim = await simulatedCodeDeploy(deployments, startedAt);
  const gateway = new CodeDeployGateway(client(sim.endpoint), 'bench');
  const seen = new Map<string, number>();
  const batchGet = gateway.batchGetDeployments.bind(gateway);
  gateway.batchGetDeployments = async (ids) => {
    const infos = await batchGet(ids);
    for (const info of infos) {
      if (['Succeeded', 'Failed', 'Stopped'].includes(info.status ?? '') && !seen.has(info.deploymentId!)) {
        seen.set(info.deploymentId!, sim.simNow());
      }
    }
    return infos;
  };
  const items: Followed[] = deployments.map((d) => ({
    group: d.id,
    id: d.id,
    deadline: Number.MAX_SAFE_INTEGER,
    rollbackOnStop: false,
    watched: { waves: 0, finished: false },
  }));
  await followDeployments(items, {
    codedeploy: gateway,
    log: new MemoryLogger(),
    cancel: new AbortController().signal,
    random: seeded(7),
    policy,
    // Our clock runs in simulated milliseconds; sleeping is scaled back to real time.
    clock: {
      now: () => startedAt + (Date.now() - startedAt) * SCALE,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / SCALE)),
    },
  });
  const calls = sim.calls();
  const minutes = sim.simNow() / 60;
  await sim.close();
  return { calls, minutes, lateness: deployments.map((d) => (seen.get(d.id) ?? Number.NaN) - d.end) };
}

async function waiter(deployments: SimDeployment[]): Promise<Measured> {
  const startedAt = Date.now();
  const sim = await simulatedCodeDeploy(deployments, startedAt);
  const sdk = client(sim.endpoint);
  // The CodeDeploy waiter's defaults (15 s and 120 s), scaled like the simulation.
  const seen = await Promise.all(
    deployments.map(async (d) => {
      await waitUntilDeploymentSuccessful(
        { client: sdk, maxWaitTime: 3600 / SCALE, minDelay: 15 / SCALE, maxDelay: 120 / SCALE },
        { deploymentId: d.id },
      ).catch(() => undefined);
      return sim.simNow();
    }),
  );
  const calls = sim.calls();
  const minutes = sim.simNow() / 60;
  await sim.close();
  return { calls, minutes, lateness: deployments.map((d, i) => seen[i]! - d.end) };
}

const rows: string[] = [];
for (const scenario of ['steady', 'early-failure'] as const) {
  const deployments = simulate(scenario, seeded(scenario === 'steady' ? 1 : 2));
  const [a, economy, b] = await Promise.all([
    ours(deployments, DEFAULT_POLL_POLICY),
    ours(deployments, ECONOMY),
    waiter(deployments),
  ]);
  const describe = (name: string, m: Measured) => {
    const mean = m.lateness.reduce((sum, x) => sum + x, 0) / m.lateness.length;
    return `| ${scenario} | ${name} | ${m.calls} | ${(m.calls / m.minutes).toFixed(1)} | ${mean.toFixed(1)} s | ${Math.max(...m.lateness).toFixed(1)} s |`;
  };
  rows.push(describe('ours: one BatchGetDeployments loop', a));
  rows.push(describe('ours, economy policy (60 s cap)', economy));
  rows.push(describe('SDK waitUntilDeploymentSuccessful × 3', b));
  const meanOf = (m: Measured) => m.lateness.reduce((sum, x) => sum + x, 0) / m.lateness.length;
  rows.push(
    `| ${scenario} | ratio ours/waiter | ${(a.calls / b.calls).toFixed(2)} | | ${(meanOf(a) / meanOf(b)).toFixed(2)} | ${(Math.max(...a.lateness) / Math.max(...b.lateness)).toFixed(2)} |`,
  );
  const ends = deployments.map((d) => `${d.end.toFixed(0)} s`).join(', ');
  process.stderr.write(`${scenario}: deployments end at ${ends} (simulated)\n`);
}
console.log(`3 deployments, 4 instances each (OneAtATime, ~75 s per instance), time scale ${SCALE}x\n`);
console.log('| scenario | client | API calls | calls/min | end seen late (mean) | (max) |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
