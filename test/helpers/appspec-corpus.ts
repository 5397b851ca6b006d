import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppSpecProblem, predictFailure } from '../../src/bundle/appspec/index.js';
import type { MemoryBundle } from './memory-bundle.js';

/** The appspec corpus (test/corpus/appspec, see its README): one folder per case. */

/** What the agent does with the case's revision on a first in-place deployment, as its source says. */
export type AgentVerdict = 'deploys' | { fails: string; errorCode: string };

export interface AppSpecCase {
  /** The appspec's path in the bundle; appspec.yml by default. */
  appspec?: string;
  bundle: MemoryBundle;
  /** The agent source the case's verdict follows. */
  rule: string;
  problems: Array<{
    severity: 'error' | 'warning';
    line: number | null;
    col: number | null;
    message: string;
    hint?: string;
    /** The problem is about the bundle's folder, not the appspec file. */
    folder?: boolean;
  }>;
  agent: AgentVerdict;
}

const CORPUS = join(import.meta.dirname, '../corpus/appspec');

export const corpusCases = new Map(
  readdirSync(CORPUS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const spec = JSON.parse(readFileSync(join(CORPUS, name, 'case.json'), 'utf8')) as AppSpecCase;
      return [name, { spec, text: readFileSync(join(CORPUS, name, 'appspec.yml'), 'utf8') }] as const;
    }),
);

/** The case's bundle with its appspec in it. */
export function caseBundle(spec: AppSpecCase): MemoryBundle {
  return { ...spec.bundle, [spec.appspec ?? 'appspec.yml']: 'file' };
}

/** The verdict the errors predict (predictFailure), in the corpus's words. */
export function agentVerdict(problems: readonly AppSpecProblem[]): AgentVerdict {
  const failure = predictFailure(problems);
  return failure === undefined ? 'deploys' : { fails: failure.event, errorCode: failure.errorCode };
}
