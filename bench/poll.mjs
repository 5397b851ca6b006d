// `npm run bench:poll`: builds bench/poll-run.ts like dist/ and runs it (see that file).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const work = await mkdtemp(join(tmpdir(), 'cdg-bench-poll-'));
const runner = join(work, 'poll-run.mjs');
await build({
  entryPoints: ['bench/poll-run.ts'],
  outfile: runner,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: {
    js: "import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, [runner], {
  stdio: 'inherit',
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});
await rm(work, { recursive: true, force: true });
process.exit(result.status ?? 1);
