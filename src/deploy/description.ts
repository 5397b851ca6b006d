/**
 * Every deployment we create carries a short description that identifies the commit and the run.
 * It is how a later run recognises "our" deployments: to adopt one whose creation response was lost
 * (so a run never creates two), and to refuse deploying an older commit over a newer one.
 * CodeDeploy's quotas page limits descriptions to 100 characters.
 */
const PREFIX = 'codedeploy-gitops';
const MAX = 100;

export interface DeploymentOrigin {
  sha: string;
  /** `${GITHUB_RUN_ID}.${GITHUB_RUN_ATTEMPT}`; `local-<ms>.1` outside GitHub (see runId). */
  run: string;
  ref: string;
}

/**
 * The run as deployments record it. Outside GitHub (the CLI, another CI running dist/index.js) every
 * run gets its own: two runs of one commit sharing an id would adopt each other's deployments.
 */
export function runId(
  env: { GITHUB_RUN_ID?: string; GITHUB_RUN_ATTEMPT?: string },
  now = Date.now(),
): string {
  return `${env.GITHUB_RUN_ID || `local-${now}`}.${env.GITHUB_RUN_ATTEMPT || '1'}`;
}

export function describeDeployment(origin: DeploymentOrigin): string {
  const text = `${PREFIX} ${origin.sha} run ${origin.run} ${origin.ref}`;
  return text.length <= MAX ? text : `${text.slice(0, MAX - 1)}…`;
}

export function parseDescription(description: string | undefined): DeploymentOrigin | undefined {
  const match = description?.match(/^codedeploy-gitops ([0-9a-f]{7,40}) run (\S+) (.*)$/);
  if (!match) return undefined;
  return { sha: match[1]!, run: match[2]!, ref: match[3]! };
}
