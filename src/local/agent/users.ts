/**
 * `runas` and `sudo` in a rehearsal. The CodeDeploy agent runs as root and runs such a script as
 * `su USER -c SCRIPT` (linux_util.rb prepare_script_command), so an unknown user or one without a
 * login shell fails the script. The local agent does the same when it runs as root; otherwise it
 * cannot switch users, and says so by failing the script, unless told to run such scripts as the
 * current user (the option, or LOCAL_CODEDEPLOY_RUNAS=current-user).
 */
export interface RunasPolicy {
  /** Whether this process can switch users: root can. */
  canSwitchUsers: boolean;
  /** When it cannot: fail the script, or run it as the current user. */
  otherwise: 'fail' | 'current-user';
}

export const RUNAS_VARIABLE = 'LOCAL_CODEDEPLOY_RUNAS';

/** The policy from what was given, then the environment, then who runs this process. */
export function runasPolicy(
  given: Partial<RunasPolicy> = {},
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): RunasPolicy {
  const fromEnv = env[RUNAS_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== 'fail' && fromEnv !== 'current-user') {
    throw new Error(`${RUNAS_VARIABLE} is "${fromEnv}": set it to fail or current-user`);
  }
  return {
    canSwitchUsers: given.canSwitchUsers ?? uid === 0,
    otherwise: given.otherwise ?? fromEnv ?? 'fail',
  };
}

/** Why a script that asks for another user cannot have it here. */
export function cannotSwitchUsers(wanted: string): string {
  return (
    `the local CodeDeploy is not running as root, so it cannot ${wanted} (the CodeDeploy agent runs as root): ` +
    `run it as root, or set ${RUNAS_VARIABLE}=current-user to run such scripts as yourself`
  );
}
