// config-schema.js is schema/codedeploy.schema.json compiled by scripts/schema-validator.mjs.
import type { ValidateFunction } from 'ajv';

declare const validate: ValidateFunction;
export default validate;
