// Bundles the two faces (action and CLI) into dist/ with shared, lazily loaded chunks:
// a skip or a dry run must not parse the AWS SDK, so it lives in chunks behind dynamic imports.
// esbuild is used instead of ncc because it bundles TypeScript without the TypeScript compiler API
// (which TypeScript 7 no longer has) and splits ESM chunks.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';
import { writeSchemaValidator } from './schema-validator.mjs';

// @actions/core imports its OIDC client at load time, and through it @actions/http-client and undici
// (~0.5 MB). We never call getIDToken (credentials come from configure-aws-credentials), so its
// oidc-utils module is replaced by one that says so: the start-up path no longer reaches undici,
// which only the lazily loaded GitHub API chunks need.
const withoutOidc = {
  name: 'without-oidc',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) =>
      args.importer.includes('@actions/core') ? { path: 'oidc-utils', namespace: 'without-oidc' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'without-oidc' }, () => ({
      contents:
        "export class OidcClient { static getIDToken() { throw new Error('codedeploy-gitops does not request OIDC tokens'); } }",
      loader: 'js',
    }));
  },
};

await writeSchemaValidator();
await rm('dist', { recursive: true, force: true });
await build({
  // The file workers' thread is its own entry, beside the chunks that start it (src/bundle/workers.ts).
  entryPoints: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    'chunks/file-worker': 'src/bundle/file-worker.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The oldest Node that package.json's engines declares: dist/cli.js runs there (the action on node24).
  target: 'node22',
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
  plugins: [withoutOidc],
  logLevel: 'warning',
});
