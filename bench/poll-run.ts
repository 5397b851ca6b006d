// The poll benchmark: our one poll loop (src/deploy/follow.ts) against the AWS SDK's
// waitUntilDeploymentSuccessful (one waiter per deployment, its default 15 s / 120 s delays), both
// following the same simulated deployments of about 5 minutes served over HTTP on 127.0.0.1. Time is
// scaled (1 real second = SCALE simulated seconds) for both alike: the waiter's delays are divided by
// SCALE, our clock is multiplied by it. Every case runs SEEDS times with different simulated durations;
// Math.random is seeded too: runs differ only by the machine's timers.
import { createServer } from 'node:http';
import { CodeDeployClient, waitUntilDeploymentSuccessful } from '@aws-sdk/client-codedeploy';
import { CodeDeployGateway } from '../src/aws/codedeploy.js';
import { MemoryLogger } from '../src/core/log.js';
import { type Followed, followDeployments } from '../src/deploy/follow.js';
import { DEFAULT_POLL_POLICY } from '../src/deploy/poll-schedule.js';

const SCALE = Number(process.env.POLL_BENCH_SCALE ?? 10);
const SEEDS = Number(process.env.POLL_BENCH_SEEDS ?? 5);
const INSTANCES = 4;
const DEPLOYMENT_SECONDS = 300;

interface Style {
  name: string;
  /** Instances deployed at once. */
  waveSize: number;
}
const STYLES: Style[] = [
  { name: 'OneAtATime', waveSize: 1 },
  { name: 'HalfAtATime', waveSize: 2 },
  { name: 'AllAtOnce', waveSize: 4 },
];
type Scenario = 'steady' | 'early-failure';

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

/**
 * Each deployment waits 5–10 s for the agent, then runs its waves one after the other; an instance
 * takes its wave's share of the 5 minutes ±10 %, and a wave ends with its slowest instance.
 * "early-failure" (OneAtATime only, where one failed instance fails the deployment): the second
 * deployment's second instance fails, which ends it then.
 */
function simulate(style: Style, scenario: Scenario, groups: number, random: () => number): SimDeployment[] {
  const waves = INSTANCES / style.waveSize;
  return Array.from({ length: groups }, (_, index) => {
    const instances: SimDeployment['instances'] = [];
    let time = 5 + random() * 5;
    for (let wave = 0; wave < waves; wave++) {
      let waveEnd = time;
      for (let slot = 0; slot < style.waveSize; slot++) {
        const end = time + (DEPLOYMENT_SECONDS / waves) * (0.9 + random() * 0.2);
        const fails = scenario === 'early-failure' && index === 1 && wave === 1 && slot === 0;
        instances.push({ end, fails });
        waveEnd = Math.max(waveEnd, end);
      }
      time = waveEnd;
      if (instances.some((instance) => instance.fails)) break;
    }
    return {
      id: `d-BENCH${index}`,
      instances,
      end: time,
      status: instances.some((instance) => instance.fails) ? 'Failed' : 'Succeeded',
    };
  });
}

/**
 * A CodeDeploy on 127.0.0.1 that answers GetDeployment and BatchGetDeployments from the simulation,
 * counts the calls and notes when each deployment's final status was first answered.
 */
async function simulatedCodeDeploy(deployments: SimDeployment[], style: Style) {
  const startedAt = Date.now();
  let calls = 0;
  const seenAt = new Map<string, number>();
  const simNow = () => ((Date.now() - startedAt) / 1000) * SCALE;
  const info = (deployment: SimDeployment) => {
    const now = simNow();
    const finished = now >= deployment.end;
    if (finished && !seenAt.has(deployment.id)) seenAt.set(deployment.id, now);
    const done = deployment.instances.filter((instance) => instance.end <= now || finished);
    const succeeded = done.filter((instance) => !instance.fails).length;
    const failed = done.filter((instance) => instance.fails).length;
    const skipped = finished ? INSTANCES - done.length : 0;
    const running = finished || now < 5 ? 0 : style.waveSize - (done.length % style.waveSize);
    return {
      deploymentId: deployment.id,
      status: finished ? deployment.status : now < 5 ? 'Created' : 'InProgress',
      createTime: startedAt / 1000,
      startTime: startedAt / 1000,
      ...(finished ? { completeTime: (startedAt + (deployment.end / SCALE) * 1000) / 1000 } : {}),
      deploymentOverview: {
        Succeeded: succeeded,
        Failed: failed,
        Skipped: skipped,
        InProgress: running,
        Pending: INSTANCES - succeeded - failed - skipped - running,
        Ready: 0,
      },
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
  // The waiter sleeps up to 6 real seconds between calls: past Node's 5 s default, its kept-alive
  // connection would be closed under it and its next call fail, costing it a whole extra delay.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const client = new CodeDeployClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  return {
    client,
    startedAt,
    async finish(): Promise<Measured> {
      const minutes = simNow() / 60;
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
      return {
        calls,
        minutes,
        lateness: deployments.map((d) => (seenAt.get(d.id) ?? Number.NaN) - d.end),
      };
    },
  };
}

interface Measured {
  calls: number;
  minutes: number;
  /** Simulated seconds between each deployment's end and the client being told. */
  lateness: number[];
}

/** `previous`: the groups' last successful deployments, whose durations forecast these (a redeploy). */
async function ours(
  deployments: SimDeployment[],
  style: Style,
  seed: number,
  previous?: SimDeployment[],
): Promise<Measured> {
  const sim = await simulatedCodeDeploy(deployments, style);
  const { startedAt } = sim;
  const items: Followed[] = deployments.map((d, index) => ({
    group: d.id,
    id: d.id,
    deadline: Number.MAX_SAFE_INTEGER,
    rollbackOnStop: false,
    watched: {
      waves: 0,
      finished: false,
      ...(previous ? { history: { createdAt: startedAt, tookMs: previous[index]!.end * 1000 } } : {}),
    },
  }));
  await followDeployments(items, {
    codedeploy: new CodeDeployGateway(sim.client, 'bench'),
    deploymentUrl: (id) => id,
    log: new MemoryLogger(),
    cancel: new AbortController().signal,
    random: seeded(seed),
    policy: DEFAULT_POLL_POLICY,
    // Our clock runs in simulated milliseconds; sleeping is scaled back to real time.
    clock: {
      now: () => startedAt + (Date.now() - startedAt) * SCALE,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / SCALE)),
      timeout: (ms) => AbortSignal.timeout(Math.max(0, ms / SCALE)),
    },
  });
  return sim.finish();
}

async function waiter(deployments: SimDeployment[], style: Style): Promise<Measured> {
  const sim = await simulatedCodeDeploy(deployments, style);
  await Promise.all(
    deployments.map((d) =>
      waitUntilDeploymentSuccessful(
        { client: sim.client, maxWaitTime: 3600 / SCALE, minDelay: 15 / SCALE, maxDelay: 120 / SCALE },
        { deploymentId: d.id },
      ).catch(() => undefined),
    ),
  );
  return sim.finish();
}

/**
 * The fewest calls any poller needs to see every wave within 10 s of it, were it told every wave's
 * moment beforehand (each wave can end its deployment, when one of its instances fails).
 */
function clairvoyant(deployments: SimDeployment[], style: Style): number {
  const waveEnds = deployments
    .flatMap((d) =>
      Array.from({ length: Math.ceil(d.instances.length / style.waveSize) }, (_, wave) =>
        waveEnd(d, style, wave),
      ),
    )
    .sort((a, b) => a - b);
  let polls = 0;
  for (let i = 0; i < waveEnds.length; ) {
    const poll = waveEnds[i]! + DEFAULT_POLL_POLICY.toleranceMs / 1000;
    polls++;
    while (i < waveEnds.length && waveEnds[i]! <= poll) i++;
  }
  return polls;
}

function waveEnd(deployment: SimDeployment, style: Style, wave: number): number {
  const members = deployment.instances.slice(wave * style.waveSize, (wave + 1) * style.waveSize);
  return Math.max(...members.map((instance) => instance.end));
}

interface Case {
  style: Style;
  scenario: Scenario;
  groups: number;
}
const CASES: Case[] = [
  ...STYLES.map((style) => ({ style, scenario: 'steady' as const, groups: 3 })),
  { style: STYLES[0]!, scenario: 'early-failure', groups: 3 },
  { style: STYLES[0]!, scenario: 'steady', groups: 1 },
  { style: STYLES[0]!, scenario: 'steady', groups: 10 },
];

Math.random = seeded(42);

const results = await Promise.all(
  CASES.map(async (c) => {
    const runs = await Promise.all(
      Array.from({ length: SEEDS }, async (_, run) => {
        const deployments = simulate(c.style, c.scenario, c.groups, seeded(1000 * run + c.groups));
        const previous = simulate(c.style, 'steady', c.groups, seeded(1000 * run + c.groups + 500));
        const [redeploy, first, sdk] = await Promise.all([
          ours(deployments, c.style, run + 1, previous),
          ours(deployments, c.style, run + 1),
          waiter(deployments, c.style),
        ]);
        return { redeploy, first, waiter: sdk, clairvoyant: clairvoyant(deployments, c.style) };
      }),
    );
    return { ...c, runs };
  }),
);

const mean = (values: number[]) => values.reduce((sum, x) => sum + x, 0) / values.length;
const summary = (runs: Measured[]) => {
  const lateness = runs.flatMap((run) => run.lateness);
  return {
    calls: mean(runs.map((run) => run.calls)),
    perMinute: mean(runs.map((run) => run.calls / run.minutes)),
    late: mean(lateness),
    max: Math.max(...lateness),
    over10: lateness.filter((x) => x > 10).length / lateness.length,
  };
};
const percent = (share: number) => `${Math.round(share * 100)} %`;
console.log(
  `${INSTANCES} instances per group, ~${DEPLOYMENT_SECONDS / 60} minutes per deployment, ${SEEDS} runs per row (means), time scale ${SCALE}x\n`,
);
console.log(
  '| deployment config | scenario | groups | client | API calls | calls/min | end seen late (mean) | (max) | seen > 10 s late |',
);
console.log('| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
for (const result of results) {
  const a = summary(result.runs.map((run) => run.redeploy));
  const first = summary(result.runs.map((run) => run.first));
  const b = summary(result.runs.map((run) => run.waiter));
  const head = `| ${result.style.name} | ${result.scenario} | ${result.groups} |`;
  const row = (name: string, s: ReturnType<typeof summary>) =>
    `${head} ${name} | ${s.calls.toFixed(1)} | ${s.perMinute.toFixed(1)} | ${s.late.toFixed(1)} s | ${s.max.toFixed(1)} s | ${percent(s.over10)} |`;
  console.log(row('ours, redeploy (the last deployment took about as long)', a));
  console.log(row("ours, the group's first deployment", first));
  console.log(row('SDK waitUntilDeploymentSuccessful × groups', b));
  const ratio = (s: ReturnType<typeof summary>) =>
    `**${(s.calls / b.calls).toFixed(2)}** | | **${(s.late / b.late).toFixed(2)}** | | |`;
  console.log(`${head} ratio ours (redeploy) / waiter | ${ratio(a)}`);
  console.log(`${head} ratio ours (first) / waiter | ${ratio(first)}`);
  console.log(
    `${head} clairvoyant: every wave seen ≤ 10 s late | ${mean(result.runs.map((run) => run.clairvoyant)).toFixed(1)} | | | | |`,
  );
}
