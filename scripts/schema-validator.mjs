// Compiles schema/codedeploy.schema.json into standalone validation code at build time: compiling it
// with Ajv at run time costs over 100 ms of start-up, and start-up is paid on every skipped run.
// The esbuild build and the Vitest config both serve this code as the module 'virtual:config-schema'.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

export const VIRTUAL_ID = 'virtual:config-schema';

export function generateSchemaValidator(schemaPath) {
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
  return `${imports.join('\n')}\n${body.replace(/^"use strict";/, '')}`;
}
