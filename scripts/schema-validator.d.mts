// Types of schema-validator.mjs, for the test that checks the committed module is fresh.
export declare const SCHEMA: string;
export declare const SCHEMA_MODULE: string;
export declare function generateSchemaValidator(schemaPath?: string): Promise<string>;
export declare function writeSchemaValidator(): Promise<void>;
