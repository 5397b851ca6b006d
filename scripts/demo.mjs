// `npm run demo`: the action, exactly as GitHub runs it (dist/index.js with INPUT_* variables, an event
// file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY), deploying examples/product-catalog to the local
// CodeDeploy and its embedded S3 — no AWS account needed. Run 1 pushes develop (staging, test1, test2,
// two instances each); run 2 pushes a version whose health check fails: the failure is explained and
// CodeDeploy rolls back. Runs 3 and 4 push master to production, a blue/green group behind a local
// router: the router's URL serves the old version until traffic is rerouted, then the new one.
// Everything runs on 127.0.0.1 and is cleaned up at the end (--keep keeps it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

// The demo runs on Node 20 here and there; the SDK's notice about Node 22 is not the demo's subject.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const keep = process.argv.includes('--keep');
const credentials = { accessKeyId: 'demo', secretAccessKey: 'demo' };
const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const say = (text) => console.log(`\n${bold(`▶ ${text}`)}`);

if (!existsSync(join(root, 'dist/index.js'))) {
  console.error('dist/ is missing: run `npm ci` (dist/ is committed) or `npm run build` first');
  process.exit(1);
}

const work = await mkdtemp(join(tmpdir(), 'codedeploy-gitops-demo-'));
const workspace = join(work, 'product-catalog');
const data = join(work, 'local-codedeploy');
await cp(join(root, 'examples/product-catalog'), workspace, { recursive: true });

say('Starting the local CodeDeploy and its embedded S3 (node dist/cli.js emulator)');
// A minute of the blue/green timers lasts a second here.
const emulator = spawn(
  process.execPath,
  [join(root, 'dist/cli.js'), 'emulator', '--data', data, '--time-scale', '0.0167'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
);
const routers = new Map();
const endpoints = await new Promise((resolveEndpoints, reject) => {
  let text = '';
  emulator.stdout.on('data', (chunk) => {
    text += chunk;
    for (const [, group, url] of text.matchAll(/router of [^/\s]+\/(\S+) on (\S+)/g)) routers.set(group, url);
    const codedeploy = /AWS_ENDPOINT_URL_CODEDEPLOY=(\S+)/.exec(text)?.[1];
    const s3 = /AWS_ENDPOINT_URL_S3=(\S+)/.exec(text)?.[1];
    if (codedeploy && s3) resolveEndpoints({ codedeploy, s3 });
  });
  emulator.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before it was ready`)));
});
console.log(`  CodeDeploy: ${endpoints.codedeploy}\n  S3:         ${endpoints.s3}`);

let failed = false;
try {
  // What a person does once in AWS (docs/setup-aws.md): a bucket and the deployment groups.
  const s3 = new S3Client({ endpoint: endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'product-catalog-revisions' }));
  const codedeploy = new CodeDeployClient({
    endpoint: endpoints.codedeploy,
    region: 'us-east-1',
    credentials,
  });
  await codedeploy.send(
    new CreateApplicationCommand({ applicationName: 'product-catalog', computePlatform: 'Server' }),
  );
  for (const group of ['staging', 'test1', 'test2']) {
    await codedeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: 'product-catalog',
        deploymentGroupName: group,
        serviceRoleArn: 'arn:aws:iam::123456789012:role/CodeDeployServiceRole',
      }),
    );
  }
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: 'product-catalog',
      deploymentGroupName: 'production',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/CodeDeployServiceRole',
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      loadBalancerInfo: { targetGroupInfoList: [{ name: 'product-catalog-web' }] },
      blueGreenDeploymentConfiguration: {
        deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' },
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 1 },
      },
    }),
  );
  console.log('  created the bucket product-catalog-revisions, the in-place groups staging, test1, test2');
  console.log('  and the blue/green group production (2 instances each)');

  say('Run 1: push to develop → staging, test1, test2 (node dist/index.js, as a GitHub runner runs it)');
  const first = await runBundledAction('1'.repeat(40), endpoints);
  await showServers('after run 1');
  if (first.code !== 0) throw new Error('run 1 should have succeeded');

  say('Run 2: push version 2.0.0, whose /health answers 503 → ValidateService fails, CodeDeploy rolls back');
  await writeFile(join(workspace, 'site/VERSION'), '2.0.0\n');
  await writeFile(join(workspace, 'site/health.json'), '{ "healthy": false }\n');
  const second = await runBundledAction('2'.repeat(40), endpoints);
  console.log(`  exit code ${second.code} (a failed deployment fails the workflow step)`);
  await showServers('after run 2 (rolled back)');

  say(
    'Run 3: push master → production, a blue/green group: a replacement fleet gets 2.1.0, traffic moves to it',
  );
  await writeFile(join(workspace, 'site/VERSION'), '2.1.0\n');
  await writeFile(join(workspace, 'site/health.json'), '{ "healthy": true }\n');
  const third = await runBundledAction('3'.repeat(40), endpoints, 'master');
  if (third.code !== 0) throw new Error('run 3 should have succeeded');
  const router = routers.get('production');
  if (!router) throw new Error('the emulator did not say where the production router listens');
  console.log(`  production's router (its load balancer): ${router} serves ${await version(router)}`);

  say(
    'Run 4: push 3.0.0 to master, watching the router: the old fleet serves until the reroute, then the new one',
  );
  await writeFile(join(workspace, 'site/VERSION'), '3.0.0\n');
  const watch = watchRouter(router);
  const fourth = await runBundledAction('4'.repeat(40), endpoints, 'master');
  const seen = await watch.stop();
  console.log(`  ${router} during run 4 (${seen.requests} requests, ${seen.errors} errors):`);
  for (const step of seen.steps) console.log(`    ${step.at.padEnd(12)} ${step.version}`);
  if (fourth.code !== 0) throw new Error('run 4 should have succeeded');

  s3.destroy();
  codedeploy.destroy();
  say('Done');
  if (keep) {
    console.log(`  the job summaries (markdown) are in ${work}/run-*/summary.md`);
    console.log(`  the instances (each a folder, /var/www/... inside) are in ${data}/instances`);
  } else {
    console.log('  run `npm run demo -- --keep` to keep the instances, job summaries and outputs afterwards');
  }
} catch (error) {
  failed = true;
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : error}`);
} finally {
  await stopServers();
  emulator.kill('SIGINT');
  await new Promise((done) => (emulator.exitCode === null ? emulator.once('exit', done) : done()));
  if (keep) console.log(`  kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

async function runBundledAction(sha, { codedeploy, s3 }, branch = 'develop') {
  // The runner's files for one run: the event, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
  const dir = join(work, `run-${sha[0]}`);
  await mkdir(dir, { recursive: true });
  const files = {
    event: join(dir, 'event.json'),
    output: join(dir, 'output'),
    summary: join(dir, 'summary.md'),
  };
  const event = {
    ref: `refs/heads/${branch}`,
    after: sha,
    deleted: false,
    repository: { full_name: 'acme/product-catalog', default_branch: 'develop' },
  };
  await writeFile(files.event, JSON.stringify(event));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const child = spawn(process.execPath, [join(root, 'dist/index.js')], {
    cwd: workspace,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: files.event,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_REPOSITORY: 'acme/product-catalog',
      GITHUB_SHA: sha,
      GITHUB_REF: `refs/heads/${branch}`,
      GITHUB_RUN_ID: String(Date.now()),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      'INPUT_CONFIG-SOURCE': 'workspace',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ENDPOINT_URL_CODEDEPLOY: codedeploy,
      AWS_ENDPOINT_URL_S3: s3,
    },
  });
  child.stdout.on('data', (chunk) => process.stdout.write(indent(chunk.toString())));
  const code = await new Promise((done) => child.on('close', done));
  const outputs = await readFile(files.output, 'utf8');
  const status = /status<<(\S+)\n(.*)\n/.exec(outputs)?.[2];
  console.log(
    `  outputs: status=${status}, deployment-ids=${/deployment-ids<<(\S+)\n(.*)\n/.exec(outputs)?.[2]}`,
  );
  return { code };
}

/** The runner's workflow commands, shown as GitHub shows them: collapsible groups and annotations. */
function indent(text) {
  return text
    .replace(/^::group::(.*)$/gm, '▸ $1')
    .replace(/^::endgroup::$\n?/gm, '')
    .replace(
      /^::(error|warning|notice)[^:]*::(.*)$/gm,
      (_, level, message) => `${level}: ${message.replace(/%0A/g, '\n')}`,
    )
    .replace(/^(?=.)/gm, '  │ ');
}

async function version(url) {
  const response = await fetch(url);
  const page = await response.text();
  return response.ok
    ? (/Version ([^<]+)/.exec(page)?.[1] ?? 'an unexpected page')
    : `HTTP ${response.status}`;
}

/** Asks the router every 50 ms what it serves; remembers each change of version (and any error). */
function watchRouter(url) {
  const started = Date.now();
  const steps = [];
  let requests = 0;
  let errors = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const answer = await version(url).catch((error) => `unreachable: ${error.message}`);
      requests++;
      if (!/^\d/.test(answer)) errors++;
      if (steps.at(-1)?.version !== answer)
        steps.push({ at: `+${((Date.now() - started) / 1000).toFixed(1)} s`, version: answer });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { steps, requests, errors };
    },
  };
}

async function instanceApps() {
  const instances = join(data, 'instances');
  const apps = [];
  for (const id of existsSync(instances) ? await readdir(instances) : []) {
    const dir = join(instances, id, 'var/www/product-catalog');
    const port = await readFile(join(dir, 'server.port'), 'utf8').catch(() => undefined);
    const pid = await readFile(join(dir, 'server.pid'), 'utf8').catch(() => undefined);
    apps.push({ id, port: port?.trim(), pid: pid?.trim() });
  }
  return apps;
}

async function showServers(when) {
  console.log(`  what the instances serve ${when}:`);
  for (const app of await instanceApps()) {
    if (!app.port) continue;
    const url = `http://127.0.0.1:${app.port}/`;
    const page = await fetch(url).then(
      (response) => response.text(),
      (error) => `unreachable: ${error.message}`,
    );
    console.log(`    ${app.id}  ${url}  ${/Version [^<]+/.exec(page)?.[0] ?? page.slice(0, 60)}`);
  }
}

async function stopServers() {
  for (const app of await instanceApps()) {
    if (app.pid) {
      try {
        process.kill(Number(app.pid), 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}
