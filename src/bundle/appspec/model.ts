import type { FileExistsBehavior } from '../../config/types.js';
import type { Problem } from '../../core/problems.js';

/**
 * The AppSpec (EC2/on-premises) as the CodeDeploy agent reads it, and the bundle it is checked
 * against. One model for `validate`, the action's pre-flight check and the local agent: what the
 * agent refuses, they refuse; what it runs, the local agent runs.
 */

/** Lifecycle events that run the appspec's scripts, in the order a deployment runs them. */
export const HOOK_EVENTS = [
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'ApplicationStop',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export function isHookEvent(name: string): name is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(name);
}

export type AppSpecOs = 'linux' | 'windows';

export interface AppSpecFile {
  /** Bundle-relative path, normalized ('/'-separated, no leading slash); '' copies the whole bundle. */
  source: string;
  /** Path on the instance, as written. */
  destination: string;
}

/** One ACL entry as the agent parses it (ace_info.rb): `[d[efault]:][u|g|m|o:]name:perms`. */
export interface AclEntry {
  /** As written, for messages. */
  text: string;
  default: boolean;
  type: 'user' | 'group' | 'mask' | 'other';
  /** '' for the owner, owning group, mask and other entries. */
  name: string;
}

export const PERMISSION_TYPES = ['file', 'directory'] as const;
export type PermissionType = (typeof PERMISSION_TYPES)[number];

export interface AppSpecPermission {
  /** Path on the instance, as written (trimmed). */
  object: string;
  /** `**` (everything below `object`) unless written. */
  pattern: string;
  except: string[];
  type: PermissionType[];
  owner?: string;
  group?: string;
  /** Octal digits, padded to three as the agent pads them ('644', '0755'). */
  mode?: string;
  acls?: AclEntry[];
  context?: { user?: string; type: string; range?: string };
}

export interface AppSpecHook {
  /** As written (trimmed): the agent runs `<revision>/<location>` as one command line. */
  location: string;
  /** Seconds; 3600 when not written. */
  timeout: number;
  runas?: string;
  /** `sudo: true`: the agent prefixes the command with sudo. */
  sudo?: boolean;
}

export interface AppSpec {
  version: '0.0';
  os: AppSpecOs;
  files: AppSpecFile[];
  /** Overrides the deployment's fileExistsBehavior when written. */
  fileExistsBehavior?: FileExistsBehavior;
  permissions: AppSpecPermission[];
  /** Scripts of each event that runs scripts, in the order they run. */
  hooks: Partial<Record<HookEvent, AppSpecHook[]>>;
}

/**
 * Where the agent fails a deployment on an error: when it reads the appspec (the first hook event of
 * the revision, BeforeInstall, with the agent's message as the diagnostics), while it installs the
 * files (Install), or when the script of a hook runs (that event, with that error code).
 */
export type AgentFailure =
  | { at: 'read'; message: string }
  | { at: 'install' }
  | { at: 'script'; event: HookEvent; errorCode: 'ScriptMissing' | 'ScriptFailed' };

/** The agent refuses the appspec when it reads it, with this message. */
export function refusedOnRead(message: string): AgentFailure {
  return { at: 'read', message };
}

/** The agent fails the Install event. */
export const FAILS_INSTALL: AgentFailure = { at: 'install' };

/** An error always says where the agent fails on it; a warning is something the agent tolerates. */
export interface AppSpecProblem extends Problem {
  agent?: AgentFailure;
}

/** What the bundle holds at a path, symlinks judged by where they lead. */
export interface BundleNode {
  /** The path itself, not following a final symlink. */
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** What the path resolves to once symlinks are followed; undefined for a dangling symlink. */
  target?: 'file' | 'directory' | 'other';
  /** False when the path, symlinks followed, lies outside the bundle. */
  inside: boolean;
  /** Any execute bit on the resolved file; undefined where the file system cannot tell (Windows). */
  executable?: boolean;
}

/** The bundle's files, by bundle-relative path ('/'-separated, no leading slash; '' is the root). */
export interface BundleTree {
  node(path: string): BundleNode | undefined;
  /** Names in a folder of the bundle (a symlinked folder inside it too); undefined when the path is not one. */
  list(path: string): string[] | undefined;
}
