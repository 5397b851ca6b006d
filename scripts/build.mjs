// Bundles the two faces (action and CLI) into dist/ with shared, lazily loaded chunks:
// a skip or a dry run must not parse the AWS SDK, so it lives in chunks behind dynamic imports.
// esbuild is used instead of ncc because it bundles TypeScript without the TypeScript compiler API
// (which TypeScript 7 no longer has) and splits ESM chunks.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';
import { generateSchemaValidator, VIRTUAL_ID } from './schema-validator.mjs';

const configSchema = {
  name: 'config-schema',
  setup(builder) {
    builder.onResolve({ filter: new RegExp(`^${VIRTUAL_ID}$`) }, () => ({
      path: VIRTUAL_ID,
      namespace: 'virtual',
    }));
    builder.onLoad({ filter: /.*/, namespace: 'virtual' }, () => ({
      contents: generateSchemaValidator('schema/codedeploy.schema.json'),
      loader: 'js',
      resolveDir: process.cwd(),
      watchFiles: ['schema/codedeploy.schema.json'],
    }));
  },
};

// @actions/core imports its OIDC client, and through it @actions/http-client and undici (~0.5 MB),
// at load time. We never call getIDToken, and these packages have no import-time effects we need:
// marking them side-effect free lets esbuild drop them unless something really uses them.
const PURE_PACKAGES = /^(@actions\/http-client|undici|tunnel)(\/|$)/;
const dropUnusedHttpClient = {
  name: 'drop-unused-http-client',
  setup(builder) {
    builder.onResolve({ filter: PURE_PACKAGES }, async (args) => {
      if (args.pluginData === 'resolved') return undefined;
      const result = await builder.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolved',
      });
      return { ...result, sideEffects: false };
    });
  },
};

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
  // Full minification keeps dist/ within its 2.5 MB budget; keepNames keeps function and class
  // names in stack traces.
  minify: true,
  keepNames: true,
  legalComments: 'linked',
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);",
  },
  // The embedded S3 serves only the CLI's local mode (emulator, local, demo), which runs where the
  // package is installed with its dependencies; the action on a runner never starts it. Loading it
  // from node_modules keeps ~0.8 MB (lodash, mime-db, winston...) out of dist/.
  external: ['@20minutes/s3rver'],
  plugins: [dropUnusedHttpClient, configSchema],
  logLevel: 'warning',
});
