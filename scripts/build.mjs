// Bundles the two faces (action and CLI) into dist/ with shared, lazily loaded chunks:
// a skip or a dry run must not parse the AWS SDK, so it lives in chunks behind dynamic imports.
// esbuild is used instead of ncc because it bundles TypeScript without the TypeScript compiler API
// (which TypeScript 7 no longer has) and splits ESM chunks.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'linked',
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
