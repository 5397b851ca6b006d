import { errorMessage, problem, UserError, warning } from '../core/problems.js';
import type { Trigger } from '../event/trigger.js';
import { type Plan, skip } from '../plan/plan.js';
import type { RunEdges } from './ports.js';

/**
 * A finished run names its branch by name alone (`head_branch`), and a tag's run names the tag there:
 * a tag called "main" would pass for the branch main, and send any commit where main deploys. So the
 * branch is asked of GitHub's branches API, which knows no tags, and the run's commit must be in its
 * history (the branch may have moved on since; the ordering guard then keeps the newer commit).
 */
export async function confirmRunBranch(
  plan: Plan,
  trigger: Trigger,
  edges: Pick<RunEdges, 'log' | 'branchHead' | 'compareCommits'>,
): Promise<Plan> {
  if (plan.skipped || trigger.event !== 'workflow_run') return plan;
  const branch = trigger.ref.name;
  const commit = trigger.sha.slice(0, 7);
  if (!edges.branchHead) {
    edges.log.warn(
      warning(
        `without GitHub, nothing confirms that commit ${commit} is on branch "${branch}" rather than a tag of that name: the event is taken at its word`,
        undefined,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as written
        'in a workflow, keep the default "github-token: ${{ github.token }}"',
      ),
    );
    return plan;
  }
  const unconfirmed = (why: string) =>
    new UserError(
      problem(
        `workflow_run: cannot confirm that commit ${commit} is on branch "${branch}" (${why}); refused, since a tag's run names its tag as its branch`,
        undefined,
        're-run the workflow once GitHub answers',
      ),
    );
  const head = await edges.branchHead(branch).catch((error: unknown) => {
    throw unconfirmed(`GitHub's branches API: ${errorMessage(error)}`);
  });
  if (head === undefined) {
    return skip(
      'not-on-branch',
      `the finished run names branch "${branch}", which this repository does not have: the run was for a tag of that name, or the branch is gone`,
    );
  }
  if (head === trigger.sha) return plan;
  const relation = edges.compareCommits
    ? await edges.compareCommits(trigger.sha, head).catch(() => 'unknown' as const)
    : 'unknown';
  if (relation === 'ahead' || relation === 'identical') {
    edges.log.info(
      `branch "${branch}" has moved on to ${head.slice(0, 7)} since the run; deploying ${commit}, the commit the run checked`,
    );
    return plan;
  }
  if (relation === 'unknown') throw unconfirmed('GitHub cannot compare it with the branch');
  return skip(
    'not-on-branch',
    `commit ${commit} of the finished run is not in the history of branch "${branch}" (GitHub compare says ${relation}): the run was for a tag of that name, or the branch was rewritten since`,
  );
}

/**
 * A workflow_run job runs on the default branch, and checks it out unless told otherwise: the workspace
 * must hold the commit the finished run checked (`head_sha`), or other code would be deployed under
 * the name of a run that never tested it.
 */
export async function refuseOtherCheckout(
  trigger: Trigger,
  workspace: string,
  edges: Pick<RunEdges, 'workspaceCommit'>,
): Promise<void> {
  if (trigger.event !== 'workflow_run') return;
  const checkedOut = await edges.workspaceCommit().then(
    (sha) => (sha === trigger.sha ? undefined : `the workspace holds ${sha.slice(0, 7)}`),
    (error: unknown) => `the workspace's commit cannot be read (${errorMessage(error)})`,
  );
  if (checkedOut === undefined) return;
  throw new UserError(
    problem(
      `workflow_run: the finished run checked commit ${trigger.sha.slice(0, 7)} of branch "${trigger.ref.name}", but ${checkedOut}; refused, so that no other code is deployed in its name`,
      { file: workspace },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as written
      'check that commit out before this step: actions/checkout with "ref: ${{ github.event.workflow_run.head_sha }}"',
    ),
  );
}
