import { posix } from 'node:path';
import { closest } from '../../core/suggest.js';
import type { YamlPath } from '../../core/yaml-source.js';
import { type Context, describe, isMapping, toBundlePath } from './context.js';
import {
  type AppSpecFile,
  type AppSpecHook,
  HOOK_EVENTS,
  type HookEvent,
  isHookEvent,
  refusedOnRead,
} from './model.js';
import { noMethod, rubyInspect, rubyInteger } from './ruby.js';

/**
 * The `hooks` section as the agent reads it (application_specification.rb parse_hooks,
 * script_info.rb) and as hook_executor.rb then runs it: which events run scripts, what makes the
 * agent refuse a script when it reads the appspec, and what makes a script fail when its event runs.
 */

const HOOK_KEYS = ['location', 'timeout', 'runas', 'sudo'];

/** AWS advises at most this many seconds of scripts per event; the service ends the command by then. */
export const MAX_EVENT_SECONDS = 3600;

/** Events that exist in the lifecycle but are CodeDeploy's own work (a hook there never runs), and where to hook instead. */
const SCRIPTLESS_EVENTS: Record<string, { during: string; instead: string }> = {
  Start: { during: 'the deployment starts', instead: 'BeforeBlockTraffic or ApplicationStop' },
  DownloadBundle: {
    during: 'the agent copies the bundle from S3',
    instead: 'ApplicationStop or BeforeInstall',
  },
  Install: {
    during: 'the agent copies the files section to the instance',
    instead: 'BeforeInstall or AfterInstall',
  },
  BlockTraffic: {
    during: 'the load balancer stops sending traffic',
    instead: 'BeforeBlockTraffic or AfterBlockTraffic',
  },
  AllowTraffic: {
    during: 'the load balancer starts sending traffic',
    instead: 'BeforeAllowTraffic or AfterAllowTraffic',
  },
  End: { during: 'the deployment ends', instead: 'ValidateService or AfterAllowTraffic' },
};

/** Names the load balancer events had before CodeDeploy renamed them. */
const RENAMED_EVENTS: Record<string, HookEvent> = {
  BeforeELBRemove: 'BeforeBlockTraffic',
  AfterELBRemove: 'AfterBlockTraffic',
  BeforeELBAdd: 'BeforeAllowTraffic',
  AfterELBAdd: 'AfterAllowTraffic',
};

/** Events of Amazon ECS deployments that EC2/on-premises deployments do not have. */
const ECS_EVENTS = ['AfterAllowTestTraffic'];

// A login name as useradd accepts it (POSIX portable characters, at most 32).
const USER_NAME = /^[A-Za-z_][A-Za-z0-9._-]{0,30}\$?$/;

const NO_LOCATION =
  'The deployment failed because the application specification file specifies a script with no location value. ' +
  'Specify the location in the hooks section of the AppSpec file, and then try again.';
const INVALID_TIMEOUT =
  'The deployment failed because an invalid timeout value was provided for a script in the application specification ' +
  'file. Make corrections in the hooks section of the AppSpec file, and then try again.';

export function checkHooks(
  ctx: Context,
  value: unknown,
  files: readonly AppSpecFile[],
): Partial<Record<HookEvent, AppSpecHook[]>> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) {
    ctx.refuse(
      ['hooks'],
      `hooks must be a mapping of lifecycle events to scripts, found ${describe(value)}`,
      'e.g. hooks: {ApplicationStart: [{location: scripts/start.sh}]}',
      refusedOnRead(noMethod('each_pair', value)),
    );
    return {};
  }
  const hooks: Partial<Record<HookEvent, AppSpecHook[]>> = {};
  const notExecutable: Array<{ path: YamlPath; script: string }> = [];
  for (const event of ctx.keys(['hooks'])) {
    const scripts = value[event];
    const path = ['hooks', event];
    const runs = isHookEvent(event);
    if (!runs) warnAboutEvent(ctx, path, event);
    if (scripts === null) {
      // Agent 2.x skips an empty event (src/application_specification/parse.rs deserialize_hooks);
      // the Ruby parser of 1.x calls `each` on it.
      if (runs) {
        ctx.warnAtKey(
          path,
          `${event} has no scripts, so nothing runs in it (the agent 1.x fails on an empty event, the agent 2.x skips it)`,
          'remove the line, or add "- location: <path of the script in the bundle>" below it',
        );
      }
      continue;
    }
    const checked = checkScripts(ctx, path, event, scripts, runs, files, notExecutable);
    if (runs && checked) hooks[event] = checked;
  }
  const [first] = notExecutable;
  if (first !== undefined) {
    const scripts = [...new Set(notExecutable.map(({ script }) => script))];
    ctx.warn(
      first.path,
      `${scripts.length === 1 ? 'script' : 'scripts'} not executable: ${scripts.join(', ')}`,
      `the agent makes ${scripts.length === 1 ? 'it' : 'them'} executable before running, but commit ${scripts.length === 1 ? 'it' : 'them'} so: ` +
        `chmod +x ${scripts.join(' ')} && git update-index --chmod=+x ${scripts.join(' ')}`,
    );
  }
  return hooks;
}

function warnAboutEvent(ctx: Context, path: YamlPath, event: string): void {
  const scriptless = SCRIPTLESS_EVENTS[event];
  const renamed = RENAMED_EVENTS[event];
  if (scriptless !== undefined) {
    ctx.warnAtKey(
      path,
      `${event} runs no scripts: during ${event} ${scriptless.during}, so the agent ignores this entry`,
      `run the script in ${scriptless.instead}`,
    );
  } else if (renamed !== undefined) {
    ctx.warnAtKey(
      path,
      `${event} is the old name of ${renamed}: the agent ignores it, so its scripts never run`,
      `rename it to ${renamed}`,
    );
  } else if (ECS_EVENTS.includes(event)) {
    ctx.warnAtKey(
      path,
      `${event} is a lifecycle event of Amazon ECS deployments: an EC2/on-premises agent ignores it, so its scripts never run`,
      `the events of an EC2/on-premises deployment are ${HOOK_EVENTS.join(', ')}`,
    );
  } else {
    const guess = closest(event, HOOK_EVENTS);
    ctx.warnAtKey(
      path,
      `"${event}" is not a lifecycle event of an EC2/on-premises deployment: the agent ignores it, so its scripts never run`,
      guess !== undefined ? `did you mean "${guess}"?` : `the events are ${HOOK_EVENTS.join(', ')}`,
    );
  }
}

function checkScripts(
  ctx: Context,
  path: YamlPath,
  event: string,
  value: unknown,
  runs: boolean,
  files: readonly AppSpecFile[],
  notExecutable: Array<{ path: YamlPath; script: string }>,
): AppSpecHook[] | undefined {
  // Iterating a mapping gives [key, value] pairs, which have no has_key?.
  const agent = refusedOnRead(isMapping(value) ? noMethod('has_key?', []) : noMethod('each', value));
  if (typeof value === 'string') {
    ctx.refuse(
      path,
      `${event} must be a list of scripts, found "${value}"`,
      `write "- location: ${value}" on the line below ${event}:`,
      agent,
    );
    return undefined;
  }
  const items = ctx.list(
    path,
    value,
    event,
    `"${event}: [{location: scripts/start.sh, timeout: 300}]"`,
    agent,
  );
  if (!items) return undefined;
  const scripts: AppSpecHook[] = [];
  const timeouts: number[] = [];
  items.forEach((item, index) => {
    const script = checkScript(ctx, [...path, index], event, item, runs, files, notExecutable);
    if (script === undefined) return;
    scripts.push(script.hook);
    if (script.writtenTimeout !== undefined) timeouts.push(script.writtenTimeout);
  });
  // A single script over the limit has its own warning.
  const total = timeouts.reduce((sum, seconds) => sum + seconds, 0);
  if (runs && timeouts.length > 1 && total > MAX_EVENT_SECONDS) {
    ctx.warnAtKey(
      path,
      `the timeouts of ${event} add up to ${total} s; CodeDeploy advises at most ${MAX_EVENT_SECONDS} s of scripts per lifecycle event`,
      `lower the timeouts so that they add up to ${MAX_EVENT_SECONDS} or less, or move a script to another event`,
    );
  }
  return scripts.length === items.length ? scripts : undefined;
}

function checkScript(
  ctx: Context,
  path: YamlPath,
  event: string,
  item: unknown,
  runs: boolean,
  files: readonly AppSpecFile[],
  notExecutable: Array<{ path: YamlPath; script: string }>,
): { hook: AppSpecHook; writtenTimeout?: number } | undefined {
  if (!isMapping(item)) {
    const text = typeof item === 'string' ? item : undefined;
    ctx.refuse(
      path,
      `each script must be a mapping with a location, found ${text !== undefined ? `"${text}"` : describe(item)}`,
      `write "- location: ${text ?? 'scripts/start.sh'}"`,
      refusedOnRead(noMethod('has_key?', item)),
    );
    return undefined;
  }
  ctx.unknownKeys(path, `in this ${event} script`, HOOK_KEYS, { required: ['location'] });
  const at = (key: string): YamlPath => [...path, key];
  if (
    ctx.refuseMissing(
      at('location'),
      item.location,
      path,
      'this script has no location',
      'add "location: <path of the script in the bundle>"',
      refusedOnRead(NO_LOCATION),
    )
  ) {
    return undefined;
  }
  const text = ctx.rubyTextAt(at('location'), item.location);
  // A list or a mapping becomes its inspect text, the name of no script.
  const location = (text ?? rubyInspect(item.location)).trim();
  if (location === '') {
    ctx.refuse(
      at('location'),
      'location is empty',
      'write the path of the script in the bundle, e.g. scripts/start.sh',
      refusedOnRead(NO_LOCATION),
    );
    return undefined;
  }
  const timeout = checkTimeout(ctx, at('timeout'), item.timeout);
  const runas = checkRunas(ctx, at('runas'), item.runas, runs ? (event as HookEvent) : undefined);
  const sudo = item.sudo !== undefined && item.sudo !== null && item.sudo !== false;
  if (sudo && item.sudo !== true) {
    ctx.warn(
      at('sudo'),
      `sudo is ${describe(item.sudo)}: the agent takes any value but false for true`,
      'write sudo: true',
    );
  }
  if (runs && text === undefined) {
    ctx.refuse(
      at('location'),
      `location must be a path, found ${describe(item.location)}`,
      'e.g. location: scripts/start.sh',
      {
        at: 'script',
        event: event as HookEvent,
        errorCode: 'ScriptMissing',
      },
    );
  } else if (runs) {
    checkLocation(ctx, at('location'), location, event as HookEvent, files, notExecutable);
  }
  if (timeout === null) return undefined;
  return {
    hook: {
      location,
      timeout: timeout ?? MAX_EVENT_SECONDS,
      ...(runas !== undefined && ctx.os !== 'windows' ? { runas } : {}),
      ...(sudo ? { sudo } : {}),
    },
    ...(timeout !== undefined ? { writtenTimeout: timeout } : {}),
  };
}

/**
 * script_info.rb: `(timeout || 3600).to_i`, refused unless above 0. So "5m" is 5 seconds, a quoted
 * "120" is 120, and a value the agent reads otherwise than it looks gets a warning.
 * Seconds; undefined when not written (3600), null when the agent refuses it.
 */
function checkTimeout(ctx: Context, path: YamlPath, value: unknown): number | undefined | null {
  if (value === undefined || value === null || value === false) {
    if (value === false)
      ctx.warn(
        path,
        'timeout: false means the default, 3600 seconds',
        'write the seconds, or leave timeout out',
      );
    return undefined;
  }
  const seconds = rubyInteger(value);
  if (seconds === undefined || seconds <= 0) {
    ctx.refuse(
      path,
      `timeout must be a whole number of seconds above 0, found ${ctx.shown(path, value)}`,
      'e.g. timeout: 300; leave it out for the default, 3600',
      refusedOnRead(seconds === undefined ? noMethod('to_i', value) : INVALID_TIMEOUT),
    );
    return null;
  }
  const shown = ctx.written(path)?.text ?? ctx.shown(path, value);
  if (String(seconds) !== (typeof value === 'string' ? value : shown)) {
    ctx.warn(
      path,
      `timeout ${shown} is read by the agent as ${seconds} seconds`,
      `timeout takes seconds alone: write timeout: ${seconds}, or the seconds you meant`,
    );
  }
  if (seconds > MAX_EVENT_SECONDS) {
    ctx.warn(
      path,
      `timeout ${seconds} is above ${MAX_EVENT_SECONDS} s, the most CodeDeploy advises for a lifecycle event`,
      'split the work across events, or keep it under an hour',
    );
  }
  return seconds;
}

/** A user name the agent runs the script as (`su USER -c`); undefined when not written. */
function checkRunas(
  ctx: Context,
  path: YamlPath,
  value: unknown,
  event: HookEvent | undefined,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (ctx.os === 'windows') {
    ctx.warnAtKey(
      path,
      'runas is ignored on Windows instances',
      'remove it: scripts run as the account of the CodeDeploy agent service',
    );
    return undefined;
  }
  const name = ctx.rubyTextAt(path, value)?.trim();
  if (name === '') {
    ctx.warn(
      path,
      'runas is empty, so the agent runs the script with "su -c", as root',
      'remove runas, or name the user',
    );
    return name;
  }
  if (name !== undefined && USER_NAME.test(name)) return name;
  if (event !== undefined) {
    ctx.refuse(
      path,
      `runas must be a user name, found ${ctx.shown(path, value)}`,
      typeof value === 'number'
        ? 'write the name of the user, not its uid, e.g. runas: ec2-user'
        : 'a login name on the instance, e.g. ec2-user; it must not need a password, since CodeDeploy cannot type one',
      // su fails to find the user: the script's command exits 1.
      { at: 'script', event, errorCode: 'ScriptFailed' },
    );
  }
  return name;
}

function checkLocation(
  ctx: Context,
  path: YamlPath,
  raw: string,
  event: HookEvent,
  files: readonly AppSpecFile[],
  notExecutable: Array<{ path: YamlPath; script: string }>,
): void {
  // File.exist? fails (ScriptMissing), or the path exists but cannot be run as one (ScriptFailed).
  const missing = (message: string, hint: string) =>
    ctx.refuse(path, message, hint, { at: 'script', event, errorCode: 'ScriptMissing' });
  const fail = (message: string, hint: string) =>
    ctx.refuse(path, message, hint, { at: 'script', event, errorCode: 'ScriptFailed' });
  const relative = toBundlePath(raw, ctx.os);
  const fromRoot =
    'location is the path of a script from the bundle root, the folder holding the appspec, e.g. scripts/start.sh';
  if (relative === null) {
    missing(`location "${raw}" leads out of the bundle`, fromRoot);
    return;
  }
  if (relative === '') {
    fail(`location "${raw}" is the bundle itself`, fromRoot);
    return;
  }
  const found = ctx.lookup(relative);
  // hook_executor.rb checks File.exist? on the whole location, then runs it as a command line, split at spaces.
  const [command] = raw.split(/\s+/);
  if (!found) {
    const commandPath = command === undefined || command === raw ? null : toBundlePath(command, ctx.os);
    const installed = bundlePathOfInstalled(ctx, raw, files);
    missing(
      `script "${raw}" is not in the bundle`,
      commandPath !== null && ctx.lookup(commandPath)
        ? `the agent takes location as the path of one file, so the arguments make it another name: put "${raw}" in a script and name that one`
        : installed !== undefined
          ? `location is a path in the bundle, not on the instance: write location: ${installed}`
          : ctx.missingHint(relative),
    );
    return;
  }
  const { node } = found;
  // Leaving the bundle comes first: a link out that dangles here may well resolve on the instance.
  if (!node.inside) {
    missing(
      `script "${raw}" is a symlink that leads out of the bundle`,
      'commit the script itself inside the bundle: the link would point wherever its target is on the instance',
    );
  } else if (node.target === undefined) {
    missing(
      `script "${raw}" is a symlink to nothing`,
      'point the link at a script inside the bundle, or commit the script itself',
    );
  } else if (node.target === 'directory') {
    const [first] = ctx.tree.list(found.resolved) ?? [];
    fail(
      `location "${raw}" is a folder, not a script`,
      `name the script itself${first === undefined ? '' : `, e.g. location: ${relative}/${first}`}`,
    );
  } else if (node.target !== 'file') {
    fail(`location "${raw}" is not a regular file`, 'commit the script as a regular file');
  } else if (command !== raw) {
    fail(
      `location "${raw}" has a space: the agent runs it as a command line split at spaces, so it runs "${command}"`,
      'rename the script or its folder without spaces',
    );
  } else if (node.executable === false && ctx.os === 'linux') {
    notExecutable.push({ path, script: found.resolved });
  }
}

/** The bundle path of a script given by its installed path (a common mix-up), when the files section maps it. */
function bundlePathOfInstalled(ctx: Context, raw: string, files: readonly AppSpecFile[]): string | undefined {
  const slashed = (path: string) =>
    (ctx.os === 'windows' ? path.replaceAll('\\', '/') : path).replace(/\/+$/, '');
  const location = slashed(raw);
  for (const { source, destination } of files) {
    const prefix = `${slashed(destination)}/`;
    if (!location.startsWith(prefix)) continue;
    const rest = location.slice(prefix.length);
    const sourceNode = source === '' ? undefined : ctx.tree.node(source);
    const candidate =
      source === '' || sourceNode?.target === 'directory'
        ? posix.join(source, rest)
        : rest === posix.basename(source)
          ? source
          : undefined;
    if (candidate !== undefined && ctx.tree.node(candidate)?.target === 'file') return candidate;
  }
  return undefined;
}
