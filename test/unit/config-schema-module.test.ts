import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchemaValidator, SCHEMA_MODULE } from '../../scripts/schema-validator.mjs';
import validate from '../../src/config/config-schema.js';

// The sources import the compiled schema from a committed module (no bundler needed to run them):
// a schema change without `npm run build` must fail here, not go unnoticed until CI's check-dist.
describe('src/config/config-schema.js', () => {
  it('is what schema/codedeploy.schema.json compiles to (run `npm run build` when this fails)', async () => {
    expect(readFileSync(SCHEMA_MODULE, 'utf8')).toBe(await generateSchemaValidator());
  });

  it('validates with the schema: a mapping key the schema does not know is refused', () => {
    const config = { application: 'shop', revision: { bucket: 'acme-artifacts' } };
    expect(validate(config)).toBe(true);
    expect(validate({ ...config, branchs: {} })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({
      keyword: 'additionalProperties',
      params: { additionalProperty: 'branchs' },
    });
  });
});
