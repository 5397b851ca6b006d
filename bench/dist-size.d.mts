// Types of dist-size.mjs, for test/unit/performance-docs.test.ts.
export declare const DOC: string;
export declare const ROW: RegExp;
export declare function distBytes(dir?: string): number;
export declare function megabytes(bytes: number): string;
export declare function recordDistSize(): string;
