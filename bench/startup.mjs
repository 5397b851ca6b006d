// Cold start of the bundled action (process wall time, median of 10) for a skip and for a dry run,
// and the size of dist/, which it writes into docs/performance.md. Targets (issue "Foundation"):
// <= 0.25 s and <= 2.5 MB.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DOC, recordDistSize } from './dist-size.mjs';

const RUNS = 10;
const dist = resolve('dist');
const work = mkdtempSync(join(tmpdir(), 'cdg-startup-'));
mkdirSync(join(work, '.github'));
writeFileSync(
  join(work, '.github/codedeploy.yml'),
  'application: shop\nrevision: { bucket: acme-artifacts }\nbranches:\n  master: production\n  develop: [staging, test1, test2]\n  "experimental/**": ~\n',
);

// A stand-in GitHub API on 127.0.0.1 for the trusted-config read (runs on a non-default branch).
const config = 'application: shop\nrevision: { bucket: acme-artifacts }\nbranches:\n  "feature/*": ~\n';
const api = createServer((_request, response) => response.end(config));
await new Promise((done) => api.listen(0, '127.0.0.1', done));
const apiUrl = `http://127.0.0.1:${api.address().port}`;

async function scenario(branch, inputs, defaultBranch = branch) {
  const event = join(work, `${branch.replace(/\W/g, '-')}.json`);
  writeFileSync(
    event,
    JSON.stringify({
      ref: `refs/heads/${branch}`,
      after: 'a'.repeat(40),
      repository: { full_name: 'acme/shop', default_branch: defaultBranch },
    }),
  );
  const env = {
    PATH: process.env.PATH,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: event,
    GITHUB_WORKSPACE: work,
    GITHUB_OUTPUT: join(work, 'out'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    ...inputs,
  };
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    writeFileSync(env.GITHUB_OUTPUT, '');
    writeFileSync(env.GITHUB_STEP_SUMMARY, '');
    const start = process.hrtime.bigint();
    // Asynchronous spawn: the fake GitHub API in this process must keep answering.
    const child = spawn(process.execPath, [join(dist, 'index.js')], { env, cwd: work });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const code = await new Promise((done) => child.on('close', done));
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (code !== 0) throw new Error(`run failed: ${output}`);
  }
  times.sort((a, b) => a - b);
  return (times[4] + times[5]) / 2;
}

function baseline() {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '']);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  return (times[4] + times[5]) / 2;
}

const rows = [
  ['node -e "" (baseline)', baseline()],
  // A workflow always passes github-token (its default is the job's token).
  ['skip (branch mapped to ~)', await scenario('experimental/x', { 'INPUT_GITHUB-TOKEN': 'token' })],
  [
    'dry run (3 groups)',
    await scenario('develop', { 'INPUT_DRY-RUN': 'true', 'INPUT_GITHUB-TOKEN': 'token' }),
  ],
  [
    'skip, map read from the default branch (GitHub API on 127.0.0.1)',
    await scenario('feature/x', { 'INPUT_GITHUB-TOKEN': 'token', GITHUB_API_URL: apiUrl }, 'master'),
  ],
];
api.close();
console.log(`Node ${process.version}, ${RUNS} runs each, median wall time\n`);
console.log('| scenario | wall time | target |');
console.log('| --- | --- | --- |');
for (const [name, seconds] of rows)
  console.log(`| ${name} | ${seconds.toFixed(3)} s | ${name.startsWith('node') ? '' : '<= 0.25 s'} |`);
console.log(`\n| dist/ size | ${recordDistSize()} MB | <= 2.5 MB | (written to ${DOC})`);
