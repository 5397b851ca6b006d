import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppSpecProblem, HookEvent } from '../../src/bundle/appspec/index.js';
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

/**
 * The events a first in-place deployment to a group without a load balancer runs, in order, and
 * the Install event among them: ApplicationStop has no earlier revision to take scripts from, the
 * traffic events do not run.
 */
const FIRST_DEPLOYMENT: ReadonlyArray<HookEvent | 'Install'> = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
];

/** The verdict the errors predict: the first event of a first deployment where the agent fails, and how. */
export function agentVerdict(problems: readonly AppSpecProblem[]): AgentVerdict {
  const failures = problems.flatMap((p) => {
    const agent = p.agent;
    if (agent === undefined) return [];
    if (agent.at === 'read') return [{ fails: 'BeforeInstall', errorCode: 'UnknownError', rank: -1 }];
    if (agent.at === 'install') return [{ fails: 'Install', errorCode: 'UnknownError', rank: 1 }];
    const rank = FIRST_DEPLOYMENT.indexOf(agent.event);
    return rank === -1 ? [] : [{ fails: agent.event, errorCode: agent.errorCode, rank }];
  });
  const [first] = failures.sort((a, b) => a.rank - b.rank);
  return first === undefined ? 'deploys' : { fails: first.fails, errorCode: first.errorCode };
}
