import { problem, UserError } from '../core/problems.js';
import { isPullRequest, type Trigger } from '../event/trigger.js';

/** Where the branch→group map is read from. */
export type ConfigSource =
  | { kind: 'workspace'; why: string }
  | { kind: 'default-branch'; branch: string; why: string };

/**
 * By default the map comes from the default branch, so a pushed branch (or a pull request, or a tag
 * pointing at any commit) cannot edit the map to send itself to production. A push or a manual run of
 * the default branch itself has that very file in its workspace; any other event's workspace holds
 * whatever its workflow checks out (a finished run's commit, a release's tag, the default branch of a
 * deletion), so their map is always read from the default branch.
 */
export function chooseConfigSource(trigger: Trigger, mode: 'trusted' | 'workspace'): ConfigSource {
  if (mode === 'workspace') return { kind: 'workspace', why: 'config-source: workspace' };
  const branch = trigger.repository.defaultBranch;
  if (!branch) {
    throw new UserError(
      problem(
        'the event does not name the default branch (repository.default_branch), so the trusted config cannot be read',
        undefined,
        'set "config-source: workspace" to read the config from the checked-out files',
      ),
    );
  }
  if (isPullRequest(trigger)) {
    return {
      kind: 'default-branch',
      branch,
      why: `pull request #${trigger.number} is not the default branch, so its own copy is not trusted`,
    };
  }
  const what = `${trigger.ref.type} "${trigger.ref.name}"`;
  if (trigger.event !== 'push' && trigger.event !== 'workflow_dispatch') {
    return {
      kind: 'default-branch',
      branch,
      why: `a ${trigger.event} run of ${what} checks out what its workflow says, so only the default branch's own copy is trusted`,
    };
  }
  if (trigger.ref.type === 'branch' && trigger.ref.name === branch) {
    return { kind: 'workspace', why: `the run is on the default branch "${branch}"` };
  }
  return {
    kind: 'default-branch',
    branch,
    why: `${what} is not the default branch, so its own copy is not trusted`,
  };
}
