import { errorMessage, problem, UserError, warning } from '../core/problems.js';
import { isPullRequest, type Trigger } from '../event/trigger.js';
import { type ChangedFiles, filteredByPaths } from '../plan/changes.js';
import { type Plan, skip } from '../plan/plan.js';
import type { RunEdges } from './ports.js';

type CheckEdges = Pick<
  RunEdges,
  'log' | 'branchHead' | 'compareCommits' | 'changedFiles' | 'workspaceCommit'
>;

/**
 * What a run asks GitHub and the checkout about its ref, asked at most once whatever the number of
 * applications (one answer for all: a flaky API must not deploy one application and refuse another),
 * and only when a plan needs it (a push no application maps asks nothing).
 */
export interface RefChecks {
  /** The files a branch's push changed, for the applications' `paths`. */
  changedFiles(): Promise<ChangedFiles>;
  /** A finished run's branch confirmed (see confirmRunBranch); a skip when it is not that branch's. */
  runBranch(): Promise<Plan | undefined>;
  /** A deleted branch confirmed gone; a skip when it exists again. */
  branchGone(): Promise<Plan | undefined>;
  /** Refuses a workflow_run's workspace that does not hold the run's commit. */
  checkout(): Promise<void>;
}

export function refChecks(
  trigger: Trigger,
  options: { workspace: string; changedFiles?: string[] },
  edges: CheckEdges,
): RefChecks {
  const once = <T>(ask: () => Promise<T>): (() => Promise<T>) => {
    let answer: Promise<T> | undefined;
    return () => {
      answer ??= ask();
      return answer;
    };
  };
  return {
    changedFiles: once(() => changedFiles(trigger, options.changedFiles, edges)),
    runBranch: once(() => confirmRunBranch(trigger, edges)),
    branchGone: once(() => confirmBranchGone(trigger, edges)),
    checkout: once(() => refuseOtherCheckout(trigger, options.workspace, edges)),
  };
}

/**
 * The files a branch's push changed: from the options (the CLI's --changed), else GitHub's compare
 * API (from `before`, or from the default branch for a new branch). Unknown when they cannot be
 * asked: every application is then deployed, and says why.
 */
async function changedFiles(
  trigger: Trigger,
  given: string[] | undefined,
  edges: CheckEdges,
): Promise<ChangedFiles> {
  if (given) return { known: true, files: given };
  if (!filteredByPaths(trigger)) return { known: false, why: `a ${trigger.event} is not filtered by paths` };
  if (trigger.event === 'workflow_run') {
    return { known: false, why: 'a finished run does not name the commit its branch was at before the push' };
  }
  if (!edges.changedFiles) {
    return {
      known: false,
      why: "the changed files cannot be asked without GitHub's API (outside GitHub, or without a token)",
    };
  }
  const base = trigger.before ?? trigger.repository.defaultBranch;
  if (!base)
    return { known: false, why: 'the event names neither the commit before the push nor the default branch' };
  try {
    return await edges.changedFiles(base, trigger.sha);
  } catch (error) {
    return { known: false, why: `the changed files could not be read (${errorMessage(error)})` };
  }
}

/**
 * A finished run names its branch by name alone (`head_branch`), and a tag's run names the tag there:
 * a tag called "main" would pass for the branch main, and send any commit where main deploys. So the
 * branch is asked of GitHub's branches API, which knows no tags, and the run's commit must be in its
 * history (the branch may have moved on since; the ordering guard then keeps the newer commit).
 */
async function confirmRunBranch(trigger: Trigger, edges: CheckEdges): Promise<Plan | undefined> {
  if (trigger.event !== 'workflow_run') return undefined;
  const branch = trigger.ref.name;
  const commit = trigger.sha.slice(0, 7);
  const unconfirmed = (why: string) =>
    new UserError(
      problem(
        `workflow_run: cannot confirm that commit ${commit} is on branch "${branch}" (${why}); refused, since a tag's run names its tag as its branch`,
        undefined,
        RETRY,
      ),
    );
  const head = await headOf(branch, edges, {
    unasked: `without GitHub, nothing confirms that commit ${commit} is on branch "${branch}" rather than a tag of that name: the event is taken at its word`,
    refused: (why) => unconfirmed(`GitHub's branches API: ${why}`),
  });
  if (head === UNASKED) return undefined;
  if (head === undefined) {
    return skip(
      'not-on-branch',
      `the finished run names branch "${branch}", which this repository does not have: the run was for a tag of that name, or the branch is gone`,
    );
  }
  if (head === trigger.sha) return undefined;
  const relation = edges.compareCommits
    ? await edges.compareCommits(trigger.sha, head).catch(() => 'unknown' as const)
    : 'unknown';
  if (relation === 'ahead' || relation === 'identical') {
    edges.log.info(
      `branch "${branch}" has moved on to ${head.slice(0, 7)} since the run; deploying ${commit}, the commit the run checked`,
    );
    return undefined;
  }
  if (relation === 'unknown') throw unconfirmed('GitHub cannot compare it with the branch');
  return skip(
    'not-on-branch',
    `commit ${commit} of the finished run is not in the history of branch "${branch}" (GitHub compare says ${relation}): the run was for a tag of that name, or the branch was rewritten since`,
  );
}

/**
 * A deletion event may arrive after the branch was pushed again (a re-run, a quick re-creation): its
 * groups are then in use, and tearing them down would stop the new branch's deployments. GitHub's
 * branches API says whether the branch is there; without it the event is taken at its word.
 */
async function confirmBranchGone(trigger: Trigger, edges: CheckEdges): Promise<Plan | undefined> {
  if (isPullRequest(trigger) || trigger.ref.type !== 'branch') return undefined;
  const branch = trigger.ref.name;
  const head = await headOf(branch, edges, {
    unasked: `without GitHub, nothing confirms that branch "${branch}" is still deleted: its groups are torn down on the event's word`,
    refused: (why) =>
      new UserError(
        problem(
          `cannot confirm that branch "${branch}" is still deleted (GitHub's branches API: ${why}); nothing was torn down`,
          undefined,
          RETRY,
        ),
      ),
  });
  if (head === undefined || head === UNASKED) return undefined;
  return skip(
    'ref-deleted',
    `branch "${branch}" was deleted, but exists again (at ${head.slice(0, 7)}): its groups are in use, nothing is torn down`,
  );
}

const RETRY = 're-run the workflow once GitHub answers';
const UNASKED = Symbol('no GitHub to ask');

/**
 * The branch's head commit, as GitHub's branches API says (undefined: no such branch); UNASKED
 * without GitHub, after a warning that the event is taken at its word (`unasked`). An API error
 * refuses the run (`refused`): a branch check that cannot be made is not skipped.
 */
async function headOf(
  branch: string,
  edges: CheckEdges,
  say: { unasked: string; refused: (why: string) => UserError },
): Promise<string | undefined | typeof UNASKED> {
  if (!edges.branchHead) {
    edges.log.warn(
      warning(
        say.unasked,
        undefined,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as written
        'in a workflow, keep the default "github-token: ${{ github.token }}"',
      ),
    );
    return UNASKED;
  }
  return edges.branchHead(branch).catch((error: unknown) => {
    throw say.refused(errorMessage(error));
  });
}

/**
 * A workflow_run job runs on the default branch, and checks it out unless told otherwise: the workspace
 * must hold the commit the finished run checked (`head_sha`), or other code would be deployed under
 * the name of a run that never tested it.
 */
async function refuseOtherCheckout(trigger: Trigger, workspace: string, edges: CheckEdges): Promise<void> {
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
