import type { FileExistsBehavior } from '../../config/types.js';
import type { Context } from './context.js';
import { describe } from './context.js';
import { type AppSpecOs, refusedOnRead } from './model.js';
import { rubyText } from './ruby.js';

/**
 * `version`, `os` and `file_exists_behavior`: the top of the appspec
 * (application_specification.rb parse_version, parse_os).
 */

export const TOP_KEYS = ['version', 'os', 'files', 'file_exists_behavior', 'permissions', 'hooks'];

const FILE_EXISTS_BEHAVIORS: readonly FileExistsBehavior[] = ['DISALLOW', 'OVERWRITE', 'RETAIN'];

export function versionMessage(version: string): string {
  return (
    `The deployment failed because an invalid version value (${version}) was entered in the application specification file. ` +
    'Make sure your AppSpec file specifies "0.0" as the version, and then try again.'
  );
}

/** parse_os: a Linux agent supports only "linux", a Windows agent only "windows". */
export function unsupportedOsMessage(os: string): string {
  return (
    `The deployment failed because the application specification file specifies an unsupported operating system (${os}). ` +
    'Specify either "linux" or "windows" in the os section of the AppSpec file, and then try again.'
  );
}

export function checkVersion(ctx: Context, value: unknown): void {
  // The agent compares with [0.0].include?, and in Ruby 0 == 0.0: YAML's 0, 0.0 and 0.00 all pass.
  if (value === 0) return;
  const agent = refusedOnRead(versionMessage(ctx.rubyTextAt(['version'], value) ?? ''));
  if (
    ctx.refuseMissing(
      ['version'],
      value,
      [],
      'version is missing',
      'add "version: 0.0" at the top; it is the only AppSpec version',
      agent,
    )
  ) {
    return;
  }
  if (value === '0.0') {
    ctx.refuse(
      ['version'],
      'version is the quoted text "0.0", but the CodeDeploy agent compares it with the number 0.0 and fails the deployment',
      'write version: 0.0 without quotes',
      agent,
    );
    return;
  }
  ctx.refuse(
    ['version'],
    `version must be 0.0, found ${ctx.shown(['version'], value)}`,
    'write version: 0.0, the only AppSpec version',
    agent,
  );
}

export function checkOs(ctx: Context, value: unknown): AppSpecOs | undefined {
  if (value === 'linux' || value === 'windows') return value;
  const agent = refusedOnRead(unsupportedOsMessage(rubyText(value) ?? describe(value)));
  if (
    ctx.refuseMissing(
      ['os'],
      value,
      [],
      'os is missing',
      'add "os: linux" for any Linux distribution, or "os: windows"',
      agent,
    )
  ) {
    return undefined;
  }
  const lower = typeof value === 'string' ? value.toLowerCase() : '';
  ctx.refuse(
    ['os'],
    `os must be linux or windows, found ${describe(value)}`,
    lower === 'linux' || lower === 'windows'
      ? `write ${lower} in lower case`
      : 'linux covers every Linux distribution: Amazon Linux, Ubuntu Server, RHEL…; windows covers Windows Server',
    agent,
  );
  return undefined;
}

export function checkFileExistsBehavior(ctx: Context, value: unknown): FileExistsBehavior | undefined {
  if (value === undefined || value === null) return undefined;
  if (FILE_EXISTS_BEHAVIORS.includes(value as FileExistsBehavior)) return value as FileExistsBehavior;
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  ctx.refuse(
    ['file_exists_behavior'],
    `file_exists_behavior must be DISALLOW, OVERWRITE or RETAIN, found ${describe(value)}`,
    FILE_EXISTS_BEHAVIORS.includes(upper as FileExistsBehavior)
      ? `write ${upper} in capitals`
      : 'DISALLOW fails the deployment when a file is already there, OVERWRITE replaces it, RETAIN keeps it',
    // The agent 2.x reads it with the appspec (src/application_specification/parse.rs), with the
    // message of installer.rb's generate_normal_copy.
    refusedOnRead(
      `The deployment failed because an invalid option was specified for fileExistsBehavior: ${rubyText(value) ?? describe(value)}. ` +
        'Valid options include OVERWRITE, RETAIN, and DISALLOW.',
    ),
  );
  return undefined;
}
