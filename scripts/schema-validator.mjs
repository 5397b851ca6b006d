// Compiles schema/codedeploy.schema.json into standalone validation code: compiling it with Ajv at run
// time costs over 100 ms of start-up, and start-up is paid on every skipped run.
// The code is a module on disk, src/config/config-schema.js, committed like dist/ so that the sources
// run as they are (tsx, @github/local-action, Vitest) right after `npm ci`. `npm run build` rewrites it;
// `npm run check-dist` and test/unit/config-schema-module.test.ts fail when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { transform } from 'esbuild';

export const SCHEMA = 'schema/codedeploy.schema.json';
export const SCHEMA_MODULE = 'src/config/config-schema.js';

/** The module's text for the schema at `schemaPath`: the same input always gives the same text. */
export async function generateSchemaValidator(schemaPath = SCHEMA) {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    keywords: ['errorHint'],
    code: { source: true, esm: true },
  });
  const code = standaloneCode.default(ajv, ajv.compile(schema));
  // Ajv's ESM output still require()s its small runtime helpers (CommonJS modules exporting
  // `default`); turn those into namespace imports. esbuild honours __esModule (ns.default is the
  // helper), Node's loader does not (ns.default is module.exports): the expression serves both.
  const imports = [];
  const body = code.replace(/require\("([^"]+)"\)\.default/g, (_, specifier) => {
    const name = `__ajvRuntime${imports.length}`;
    imports.push(`import * as ${name} from ${JSON.stringify(`${specifier}.js`)};`);
    return `(${name}.default.default ?? ${name}.default)`;
  });
  if (/require\(/.test(body)) throw new Error('unexpected require() in the generated schema validator');
  // One statement a line, so that a change of the schema is a readable diff.
  const { code: readable } = await transform(`${imports.join('\n')}\n${body.replace(/^"use strict";/, '')}`, {
    format: 'esm',
    legalComments: 'none',
  });
  return `// Generated from ${schemaPath} by scripts/schema-validator.mjs (npm run build): do not edit.\n${readable}`;
}

export async function writeSchemaValidator() {
  writeFileSync(SCHEMA_MODULE, await generateSchemaValidator());
}
