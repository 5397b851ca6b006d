// Served by scripts/schema-validator.mjs (esbuild and Vitest plugins): the schema compiled at build time.
declare module 'virtual:config-schema' {
  import type { ValidateFunction } from 'ajv';

  const validate: ValidateFunction;
  export default validate;
}
