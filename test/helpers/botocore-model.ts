import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * botocore's copy of the CodeDeploy API model (the AWS CLI's), reached through botocore_model.py:
 * an independent reading of the model the local CodeDeploy takes from the JS SDK.
 */
const SCRIPT = resolve('test/helpers/botocore_model.py');

function run(command: 'summary' | 'check', input?: string): unknown {
  const result = spawnSync('python3', [SCRIPT, command], {
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`botocore_model.py ${command} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

export interface ModelConstraints {
  min?: number;
  max?: number;
  enum?: string[];
  pattern?: string;
}

export interface BotocoreSummary {
  operations: Record<string, { errors: string[]; required: string[] }>;
  /** Every member of every input structure, by operation. */
  members: Array<{
    operation: string;
    structure: string;
    member: string;
    type: string;
    constraints: ModelConstraints;
    /** A list's item constraints. */
    item: ModelConstraints;
  }>;
}

export function botocoreSummary(): BotocoreSummary {
  return run('summary') as BotocoreSummary;
}

export interface ModelCheck {
  operation: string;
  kind: 'input' | 'output';
  body: unknown;
}

/** For each body, the ways it breaks botocore's model (none: it fits). */
export function modelProblems(items: ModelCheck[]): string[][] {
  return run('check', JSON.stringify(items)) as string[][];
}

/**
 * The errors an operation declares, in either copy of the model: botocore's, and the SDK's (it
 * lists them in its command docs, and may be newer).
 */
export function declaredErrors(summary: BotocoreSummary, operation: string): Set<string> {
  const docs = readFileSync(
    resolve(`node_modules/@aws-sdk/client-codedeploy/dist-types/commands/${operation}Command.d.ts`),
    'utf8',
  );
  const sdk = [...docs.matchAll(/@throws \{@link (\w+)\}/g)].map((match) => match[1] ?? '');
  return new Set([...(summary.operations[operation]?.errors ?? []), ...sdk]);
}
