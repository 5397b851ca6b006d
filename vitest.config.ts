import { defineConfig } from 'vitest/config';
// @ts-expect-error: a build script in plain JavaScript, without type declarations
import { generateSchemaValidator, VIRTUAL_ID } from './scripts/schema-validator.mjs';

const RESOLVED_ID = `\0${VIRTUAL_ID}`;

export default defineConfig({
  plugins: [
    {
      name: 'config-schema',
      resolveId: (id: string) => (id === VIRTUAL_ID ? RESOLVED_ID : undefined),
      load: (id: string) =>
        id === RESOLVED_ID ? generateSchemaValidator('schema/codedeploy.schema.json') : undefined,
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most end-to-end files spend their time waiting on child processes and polls, not on the CPU:
    // more files at once than cores keeps the suite short.
    maxWorkers: 4,
  },
});
