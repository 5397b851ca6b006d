// Bundle benchmark: our archive + upload vs `zip -qry` + `aws s3 cp` vs `aws deploy push`, and our redeploy
// of an unchanged tree, on a seeded synthetic workspace, against moto's S3 on 127.0.0.1; then a pre-built
// zip of the same size (the workspace stored, `zip -0`), and a zip of 2 entries of that size: our upload of
// each vs `aws s3 cp` of the same file.
// Usage: npm run bench:bundle [-- --sizes 100,400] [-- --only tree|prebuilt]   (MB; files scale at 50 per MB)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { generateWorkspace } from './workspace.mjs';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '100,400' }, only: { type: 'string' } },
});
const sizes = values.sizes.split(',').map(Number);
const parts = values.only ? [values.only] : ['tree', 'prebuilt'];
const work = await mkdtemp(join(tmpdir(), 'cdg-bench-'));
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_S3: undefined,
  AWS_ENDPOINT_URL: undefined,
};

// Same bundler and settings as scripts/build.mjs, so the benchmark runs what dist/ would contain.
// The file workers' thread is its own file beside the runner, as in dist/ (src/bundle/workers.ts).
const runner = join(work, 'bundle-run.js');
await writeFile(join(work, 'package.json'), '{ "type": "module" }\n');
await build({
  entryPoints: { 'bundle-run': 'bench/bundle-run.ts', 'file-worker': 'src/bundle/file-worker.ts' },
  outdir: work,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  banner: {
    js: "import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

const moto = await startMoto();
const rows = [];
try {
  for (const mb of sizes) {
    const ws = join(work, `ws-${mb}`);
    const generated = await generateWorkspace(ws, { totalBytes: mb * 1e6, files: mb * 50 });
    process.stderr.write(
      `workspace ${mb} MB: ${generated.files} files, ${(generated.bytes / 1e6).toFixed(0)} MB\n`,
    );
    // Warm the page cache the same way for everyone (a fresh checkout is in the cache too).
    execFileSync('tar', ['-cf', '/dev/null', '.'], { cwd: ws });

    if (parts.includes('tree')) await treeRows(mb, ws);
    if (parts.includes('prebuilt')) await prebuiltRows(mb, ws);
    await rm(ws, { recursive: true, force: true });
  }
} finally {
  moto.stop();
  await rm(work, { recursive: true, force: true });
}

/** (a)-(d): our archive + upload of the tree against zip + aws s3 cp and aws deploy push; our redeploy. */
async function treeRows(mb, ws) {
  const ours = (name) => {
    const bucket = bucketFor(name);
    return { bucket, run: () => timed('node', [runner, ws, bucket, moto.endpoint]) };
  };
  const a = ours(`a${mb}`);
  const ourRun = a.run();
  const ourResult = JSON.parse(ourRun.stdout);
  rows.push(row(`${mb} MB`, '(a) ours: archive + upload (zip)', ourRun, ourResult.bytes));

  const zipFile = join(work, `b-${mb}.zip`);
  const zip = timed('zip', ['-qry', zipFile, '.'], { cwd: ws });
  const b = bucketFor(`b${mb}`);
  const cp = timed('aws', [
    '--endpoint-url',
    moto.endpoint,
    's3',
    'cp',
    zipFile,
    `s3://${b}/bundle.zip`,
    '--only-show-errors',
  ]);
  const zipBytes = (await stat(zipFile)).size;
  rows.push(
    row(
      `${mb} MB`,
      '(b) zip -qry + aws s3 cp',
      sum(zip, cp),
      zipBytes,
      `zip ${zip.seconds.toFixed(1)} s + cp ${cp.seconds.toFixed(1)} s`,
    ),
  );
  await rm(zipFile);

  const c = bucketFor(`c${mb}`);
  execFileSync(
    'aws',
    ['--endpoint-url', moto.endpoint, 'deploy', 'create-application', '--application-name', `bench${mb}`],
    { env, stdio: 'ignore' },
  );
  // push zips (Python zipfile) and uploads, then calls RegisterApplicationRevision, which moto lacks: one
  // attempt (AWS_MAX_ATTEMPTS=1) so the failing last call costs milliseconds, not retry back-offs.
  const push = timed(
    'aws',
    [
      'deploy',
      'push',
      '--application-name',
      `bench${mb}`,
      '--s3-location',
      `s3://${c}/push.zip`,
      '--source',
      ws,
    ],
    { env: { ...env, AWS_ENDPOINT_URL: moto.endpoint, AWS_MAX_ATTEMPTS: '1' }, allowFailure: true },
  );
  const pushed = execFileSync(
    'aws',
    ['--endpoint-url', moto.endpoint, 's3api', 'head-object', '--bucket', c, '--key', 'push.zip'],
    { env, encoding: 'utf8' },
  );
  rows.push(
    row(`${mb} MB`, '(c) aws deploy push (zip + upload part)', push, JSON.parse(pushed).ContentLength),
  );

  const d = a.run();
  const redeploy = JSON.parse(d.stdout);
  if (redeploy.uploaded) throw new Error('the redeploy uploaded again');
  rows.push(
    row(
      `${mb} MB`,
      '(d) ours: redeploy, unchanged tree',
      d,
      0,
      `in-process ${redeploy.seconds.toFixed(2)} s`,
    ),
  );
  rows.push({
    size: `${mb} MB`,
    what: 'ratio (a)/(b)',
    wall: (ourRun.seconds / sum(zip, cp).seconds).toFixed(2),
    rss: '',
    bytes: '',
    note: '',
  });
}

/**
 * (e)-(f): a pre-built zip of the workspace, stored (`zip -0`: an archive of the workspace's size), as a
 * build's artefact: our path (list and check it, digest, HeadObject, upload as it is) against `aws s3 cp`
 * of the same file to the same moto, alternately, twice each: the faster of each counts.
 * (g)-(h): the same for a zip of 2 entries (the appspec and one file of the size's bytes): what the
 * path costs per byte of the archive, the per-entry part (listing, checks) left out.
 */
async function prebuiltRows(mb, ws) {
  const archive = join(ws, '..', `prebuilt-${mb}.zip`);
  execFileSync('zip', ['-qry0', archive, '.'], { cwd: ws });
  await archiveRows(mb, archive, ['e', 'f'], 'pre-built zip');
  await rm(archive);

  const few = join(work, `few-${mb}`);
  await mkdir(few, { recursive: true });
  await writeFile(join(few, 'appspec.yml'), 'version: 0.0\nos: linux\n');
  // Random bytes, stored: the archive is the size's bytes whatever the compression.
  const data = createWriteStream(join(few, 'data.bin'));
  for (let left = mb * 1e6; left > 0; left -= 1 << 20) {
    if (!data.write(randomBytes(Math.min(left, 1 << 20)))) await once(data, 'drain');
  }
  await new Promise((resolve, reject) => data.end((error) => (error ? reject(error) : resolve())));
  const small = join(work, `few-${mb}.zip`);
  execFileSync('zip', ['-qry0', small, '.'], { cwd: few });
  await rm(few, { recursive: true, force: true });
  await archiveRows(mb, small, ['g', 'h'], 'zip of 2 entries');
  await rm(small);
}

/** Our upload of `archive` (its folder as the workspace) against `aws s3 cp` of it, alternately, twice each. */
async function archiveRows(mb, archive, [our, their], what) {
  const archiveBytes = (await stat(archive)).size;
  const ourRuns = [];
  const cpRuns = [];
  for (let round = 0; round < 2; round++) {
    const e = bucketFor(`${our}${mb}${round}`);
    ourRuns.push(timed('node', [runner, dirname(archive), e, moto.endpoint, '--archive', basename(archive)]));
    const f = bucketFor(`${their}${mb}${round}`);
    cpRuns.push(
      timed('aws', [
        '--endpoint-url',
        moto.endpoint,
        's3',
        'cp',
        archive,
        `s3://${f}/prebuilt.zip`,
        '--only-show-errors',
      ]),
    );
  }
  const fastest = (runs) => runs.reduce((best, run) => (run.seconds < best.seconds ? run : best));
  const ours = fastest(ourRuns);
  const cp = fastest(cpRuns);
  const uploaded = JSON.parse(ours.stdout);
  if (!uploaded.uploaded || uploaded.bytes !== archiveBytes)
    throw new Error(`the ${what} was not uploaded whole`);
  const size = `${mb} MB`;
  const all = (runs) => runs.map((run) => run.seconds.toFixed(2)).join(', ');
  rows.push(
    row(size, `(${our}) ours: ${what}, checked + uploaded`, ours, archiveBytes, `runs ${all(ourRuns)} s`),
  );
  rows.push(row(size, `(${their}) aws s3 cp of the same zip`, cp, archiveBytes, `runs ${all(cpRuns)} s`));
  rows.push({
    size,
    what: `ratio (${our})/(${their})`,
    wall: (ours.seconds / cp.seconds).toFixed(2),
    rss: '',
    bytes: '',
    note: '',
  });
}

const table = [
  '| workspace | run | wall (s) | peak RSS (MB) | uploaded (MB) | notes |',
  '|---|---|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.size} | ${r.what} | ${r.wall} | ${r.rss} | ${r.bytes} | ${r.note} |`),
].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
process.stdout.write(`\n${machine}\n\n${table}\n`);

function bucketFor(name) {
  const bucket = `bench-${name}-${Date.now()}`;
  execFileSync('aws', ['--endpoint-url', moto.endpoint, 's3api', 'create-bucket', '--bucket', bucket], {
    env,
    stdio: 'ignore',
  });
  return bucket;
}

/** Runs a command under /usr/bin/time: wall seconds and the peak RSS of the process that did the work. */
function timed(command, args, { cwd, env: runEnv = env, allowFailure = false } = {}) {
  const result = spawnSync('/usr/bin/time', ['-f', '@@time %e %M', command, ...args], {
    cwd,
    env: runEnv,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const match = /@@time ([\d.]+) (\d+)/.exec(result.stderr);
  if (!match || (result.status !== 0 && !allowFailure))
    throw new Error(`${command} failed: ${result.stderr.slice(-2000)}`);
  return { seconds: Number(match[1]), rssMb: Number(match[2]) / 1024, stdout: result.stdout };
}

function sum(...runs) {
  return { seconds: runs.reduce((s, r) => s + r.seconds, 0), rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

function row(size, what, run, bytes, note = '') {
  return {
    size,
    what,
    wall: run.seconds.toFixed(2),
    rss: run.rssMb.toFixed(0),
    bytes: (bytes / 1e6).toFixed(1),
    note,
  };
}

async function startMoto() {
  const port = 40000 + Math.floor(Math.random() * 20000);
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    env,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) return { endpoint, stop: () => child.kill('SIGTERM') };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('moto did not start');
}
