import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppSpecCase } from '../helpers/appspec-corpus.js';
import { type DeployEnv, SHA, startDeployEnv, testConfig } from '../helpers/deploy-env.js';
import { codeDeployOperation, isWrite, s3Operation } from '../helpers/fault-proxy.js';
import { type RunnerResult, runBundledAction } from '../helpers/runner.js';

/**
 * The bad-input corpus, run through dist/index.js as a runner runs it, against one moto S3 and
 * one local CodeDeploy behind fault proxies. Every case must fail (or skip, where the docs say
 * so) with a message that names the place and the fix, and write nothing anywhere: each run
 * signs with its own access key, so the proxies' logs tell the runs apart.
 */
const CORPUS = 'test/corpus';
const GROUP = 'corpus';

interface Expect {
  exit?: 'failure' | 'skip';
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  col?: number;
}

interface Case {
  name: string;
  /** Builds the workspace. */
  workspace: () => Promise<string>;
  eventName?: string;
  payload?: unknown;
  payloadText?: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  expect: Expect[];
  skip?: boolean;
}

let env: DeployEnv;
beforeAll(async () => {
  env = await startDeployEnv(inject('motoEndpoint'));
  await env.createGroups([GROUP]);
  env.codedeploy.clearCalls();
});
afterAll(() => env?.stop());

const repository = { full_name: 'acme/shop', default_branch: 'develop' };
const push = (branch: string) => ({ ref: `refs/heads/${branch}`, after: SHA, deleted: false, repository });

const BASE_CONFIG = testConfig(
  `  develop: ${GROUP}\n  'feature/**':\n    deploymentGroup: feature-{name}\n`,
).replace('branches:', 'pullRequests:\n  deploymentGroup: pr-{pr}\nbranches:');

// ---------------------------------------------------------------- config corpus (test/corpus/config)
const configCases: Case[] = (await readdir(join(CORPUS, 'config')))
  .filter((name) => name.endsWith('.yml'))
  .sort()
  .map((name) => {
    const path = join(CORPUS, 'config', name);
    return {
      name: `config › ${name}`,
      workspace: async () => env.workspace('', {}, { '.github/codedeploy.yml': await readFile(path) }),
      expect: [configExpectation(path)],
    };
  });

function configExpectation(path: string): Expect {
  const text = readFileSyncUtf8(path);
  const expected = /^# expect: (\d+):(\d+) (.*)$/m.exec(text);
  if (!expected) throw new Error(`${path} has no "# expect:" line`);
  return {
    file: '.github/codedeploy.yml',
    line: Number(expected[1]),
    col: Number(expected[2]),
    message: expected[3]!.trim(),
    hint: /^# hint:(.*)$/m.exec(text)?.[1]?.trim(),
  };
}

// ---------------------------------------------------------------- appspec corpus (test/corpus/appspec)
const appspecCases: Case[] = [];
for (const name of (await readdir(join(CORPUS, 'appspec'), { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()) {
  const dir = join(CORPUS, 'appspec', name);
  const spec = JSON.parse(readFileSyncUtf8(join(dir, 'case.json'))) as AppSpecCase;
  const errors = spec.problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) continue;
  const appspec = `app/${spec.appspec ?? 'appspec.yml'}`;
  appspecCases.push({
    name: `appspec › ${name}`,
    workspace: async () => {
      const workspace = await env.workspace(
        BASE_CONFIG,
        {},
        { [appspec]: await readFile(join(dir, 'appspec.yml')) },
      );
      if (appspec !== 'app/appspec.yml') await rm(join(workspace, 'app/appspec.yml'));
      // Only the case's bundle: the test app's own files would answer questions the case asks.
      await rm(join(workspace, 'app/scripts'), { recursive: true });
      await rm(join(workspace, 'app/site'), { recursive: true });
      const bundle = Object.entries(spec.bundle).map(([path, kind]) => [`app/${path}`, kind] as const);
      await materialize(workspace, Object.fromEntries(bundle));
      // A link that leaves the bundle points at a script that exists elsewhere (as the corpus assumes).
      for (const [path, kind] of bundle) {
        const target = join(dirname(join(workspace, path)), kind.slice(3));
        if (kind.startsWith('-> ') && !target.startsWith(join(workspace, 'app/')))
          await materialize(dirname(target), { [basename(target)]: 'exec' });
      }
      return workspace;
    },
    expect: errors.map((p) => ({
      file: p.folder ? 'app' : appspec,
      ...(p.line !== null ? { line: p.line, col: p.col ?? undefined } : {}),
      message: p.message,
      hint: p.hint,
    })) as Expect[],
  });
}

// ---------------------------------------------------------------- bundle trees, inputs, events
interface TreeCase {
  name: string;
  tree: Record<string, TreeEntry>;
  expect: Expect;
}
type TreeEntry = string | { text: string } | { hex: string } | { bytes: number };

const isRoot = process.getuid?.() === 0;
const treeCases: Case[] = (
  JSON.parse(readFileSyncUtf8(join(CORPUS, 'action/bundle-trees.json'))) as TreeCase[]
).map((c) => ({
  name: `bundle › ${c.name}`,
  workspace: async () => {
    const workspace = await env.workspace(BASE_CONFIG);
    await materialize(workspace, c.tree);
    return workspace;
  },
  expect: [c.expect],
  skip: Object.values(c.tree).includes('chardev') && !isRoot,
}));

interface InputCase {
  name: string;
  inputs?: Record<string, string>;
  event?: string;
  branch?: string;
  env?: Record<string, string>;
  config?: string;
  expect: Expect;
}

const inputCases: Case[] = (
  JSON.parse(readFileSyncUtf8(join(CORPUS, 'action/inputs.json'))) as InputCase[]
).map((c) => ({
  name: `inputs › ${c.name}`,
  workspace: async () => {
    const workspace = await env.workspace(BASE_CONFIG);
    if (c.config) await materialize(workspace, { '.github/codedeploy.yml': c.config });
    return workspace;
  },
  eventName: c.event ?? 'push',
  payload:
    c.event === 'workflow_dispatch'
      ? { ref: `refs/heads/${c.branch ?? 'develop'}`, inputs: {}, repository }
      : push(c.branch ?? 'develop'),
  ...(c.inputs ? { inputs: c.inputs } : {}),
  ...(c.env ? { env: c.env } : {}),
  expect: [c.expect],
}));

interface EventCase {
  name: string;
  event: string;
  payload?: unknown;
  raw?: string;
  env?: Record<string, string>;
  expect: Expect;
}

const eventCases: Case[] = (
  JSON.parse(readFileSyncUtf8(join(CORPUS, 'action/events.json'))) as EventCase[]
).map((c) => ({
  name: `events › ${c.name}`,
  workspace: () => env.workspace(BASE_CONFIG),
  eventName: c.event,
  ...(c.raw !== undefined ? { payloadText: c.raw } : { payload: c.payload }),
  ...(c.env ? { env: c.env } : {}),
  expect: [c.expect],
}));

const cases = [...configCases, ...appspecCases, ...treeCases, ...inputCases, ...eventCases];

// ---------------------------------------------------------------- the runs
let key = 0;
const writesBy = (accessKeyId: string) => [
  ...env.proxy.requests
    .filter((r) => r.accessKeyId === accessKeyId)
    .map((r) => `CodeDeploy ${codeDeployOperation(r)}`),
  ...env.s3Proxy.requests.filter((r) => r.accessKeyId === accessKeyId).map((r) => `S3 ${s3Operation(r)}`),
];

describe.concurrent('bad inputs: refused with the place and the fix, nothing written', () => {
  it(`holds at least 60 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.for(cases)('$name', async (c, { skip }) => {
    if (c.skip) return skip('needs root');
    const accessKeyId = `AKIACORPUS${String(++key).padStart(6, '0')}`;
    const result = await runBundledAction({
      eventName: c.eventName ?? 'push',
      payload: c.payload ?? push('develop'),
      ...(c.payloadText !== undefined ? { payloadText: c.payloadText } : {}),
      workspace: await c.workspace(),
      inputs: { 'github-token': '', 'config-source': 'workspace', ...c.inputs },
      env: { ...env.env, AWS_ACCESS_KEY_ID: accessKeyId, GITHUB_SHA: SHA, ...c.env },
    });
    const writes = writesBy(accessKeyId).filter((call) => isWrite(call.split(' ')[1]!));
    expect(writes, result.stdout).toEqual([]);
    for (const expected of c.expect) expectRefusal(result, expected);
  });
});

describe('after the whole corpus', () => {
  it('the local CodeDeploy saw no write, the bucket holds no object and no multipart upload', async () => {
    expect(env.codedeploy.calls().filter((call) => isWrite(call.operation))).toEqual([]);
    const objects = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket }));
    expect(objects.Contents ?? []).toEqual([]);
    const uploads = await env.s3.send(new ListMultipartUploadsCommand({ Bucket: env.bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });
});

function expectRefusal(result: RunnerResult, expected: Expect): void {
  if (expected.exit === 'skip') {
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('skipped');
    const notices = result.annotations.filter((a) => a.level === 'notice').map((a) => a.message);
    expect(notices, result.stdout).toContainEqual(expect.stringContaining(expected.message));
    return;
  }
  expect(result.code, result.stdout).not.toBe(0);
  expect(result.outputs.status ?? 'failed').not.toBe('succeeded');
  const errors = result.annotations.filter((a) => a.level === 'error');
  const match = errors.find((a) => a.message.includes(expected.message));
  expect(match, `no error containing ${JSON.stringify(expected.message)}:\n${result.stdout}`).toBeDefined();
  // Every refusal says how to fix it, and the corpus says what that is.
  expect(expected.hint, 'the case names the fix its refusal must give').toBeTruthy();
  expect(match!.message).toContain(expected.hint);
  if (expected.file === undefined) return;
  if (expected.line !== undefined) {
    const at = `${expected.file}:${expected.line}${expected.col !== undefined ? `:${expected.col}` : ''}: `;
    expect(match!.message.startsWith(at), `"${match!.message}" should start with "${at}"`).toBe(true);
    expect(match!.properties).toMatchObject({ file: expected.file, line: String(expected.line) });
  } else {
    expect(
      match!.message.startsWith(`${expected.file}: `),
      `"${match!.message}" should name ${expected.file}`,
    ).toBe(true);
  }
}

/** Writes a tree description (see test/corpus/action/README.md) under `root`. */
async function materialize(root: string, tree: Record<string, TreeEntry>): Promise<void> {
  for (const [key, entry] of Object.entries(tree)) {
    const path = key.startsWith('hex:')
      ? Buffer.concat([Buffer.from(`${root}/`), Buffer.from(key.slice(4), 'hex')])
      : join(root, key);
    const text = typeof path === 'string' ? path : path.toString('latin1');
    await mkdir(dirname(text), { recursive: true });
    if (entry === 'absent') {
      await rm(path, { recursive: true, force: true });
    } else if (entry === 'file' || entry === 'exec') {
      await writeFile(path, `${key}\n`);
      if (entry === 'exec') await chmod(path, 0o755);
    } else if (entry === 'dir') {
      await mkdir(path, { recursive: true });
    } else if (entry === 'fifo') {
      execFileSync('mkfifo', [text]);
    } else if (entry === 'socket') {
      execFileSync('python3', [
        '-c',
        'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
        text,
      ]);
    } else if (entry === 'chardev') {
      execFileSync('mknod', [text, 'c', '1', '3']);
    } else if (typeof entry === 'string' && entry.startsWith('-> ')) {
      await rm(path, { force: true });
      await symlink(entry.slice(3), path);
    } else if (typeof entry === 'object' && 'text' in entry) {
      await writeFile(path, entry.text);
    } else if (typeof entry === 'object' && 'hex' in entry) {
      await writeFile(path, Buffer.from(entry.hex, 'hex'));
    } else if (typeof entry === 'object' && 'bytes' in entry) {
      await writeFile(path, Buffer.alloc(entry.bytes, '#'));
    } else {
      throw new Error(`unknown tree entry ${JSON.stringify(entry)} for ${key}`);
    }
  }
}

function readFileSyncUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}
