import ignore from 'ignore';
import type { Config } from '../config/types.js';
import type { PushTrigger, Trigger, WorkflowRunTrigger } from '../event/trigger.js';

/** Which files a push changed, as far as they could be known. */
export type ChangedFiles = { known: true; files: readonly string[] } | { known: false; why: string };

/**
 * The triggers an application's `paths` filter: a push of a branch that stays (and a finished CI run
 * of one, which plans as that push). A tag names a commit, not a change; a manual run, a release and
 * a pull request deploy what they map.
 */
export function filteredByPaths(trigger: Trigger): trigger is PushTrigger | WorkflowRunTrigger {
  if (trigger.event === 'workflow_run') return true;
  return trigger.event === 'push' && !trigger.deleted && trigger.ref.type === 'branch';
}

export type PathsVerdict = { deploy: true; note?: string } | { deploy: false; reason: string };

/**
 * Whether a push deploys the application: it has no `paths`, or a changed file matches them. When
 * the changed files cannot be known, it does, and says why: deploying what did not change costs a
 * deployment; missing a change costs a release.
 */
export function pathsVerdict(config: Config, changed: ChangedFiles): PathsVerdict {
  if (!config.paths) return { deploy: true };
  if (!changed.known) return { deploy: true, note: `${changed.why}: deploying it, whatever its paths` };
  const matches = pathsMatcher(config.paths);
  const hit = changed.files.find(matches);
  if (hit !== undefined) return { deploy: true, note: `${hit} matches its paths` };
  const listed = config.paths.map((path) => `"${path}"`).join(', ');
  return {
    deploy: false,
    reason: `no file the push changed (${changed.files.length}) matches the paths of ${config.file} (${listed})`,
  };
}

/**
 * Whether a file (from the repository root) is one of `paths`: each pattern in gitignore syntax, a
 * folder pattern matching what is under it; in order, the last that matches decides, so a `!pattern`
 * takes files back out even under a matched folder (as GitHub's own `on.push.paths` filters do, which
 * is what a reader of a workflow expects, unlike .gitignore's rule that a folder's files cannot be).
 */
export function pathsMatcher(paths: readonly string[]): (file: string) => boolean {
  const rules = paths.map((pattern) => {
    const negated = pattern.startsWith('!');
    return { negated, matcher: ignore().add(negated ? pattern.slice(1) : pattern) };
  });
  return (file) => {
    let included = false;
    for (const rule of rules) if (rule.matcher.ignores(file)) included = !rule.negated;
    return included;
  };
}
