import type { YamlPath } from '../../core/yaml-source.js';
import { type Context, describe, isMapping } from './context.js';
import {
  type AclEntry,
  type AppSpecPermission,
  FAILS_INSTALL,
  PERMISSION_TYPES,
  type PermissionType,
  refusedOnRead,
} from './model.js';
import { NOT_AN_INDEX, noMethod, rubyInspect, rubySplit, rubyText, splitOnce } from './ruby.js';

/**
 * The `permissions` section as the agent reads it (application_specification.rb parse_permissions,
 * linux_permission_info.rb, mode_info.rb, ace_info.rb, context_info.rb, range_info.rb): every
 * value it refuses is refused here with its message. What happens once the files are installed (a
 * pattern on a copied file, a default ACL on a file, an entry that matches nothing) is install.ts.
 */

const PERMISSION_KEYS = ['object', 'pattern', 'except', 'owner', 'group', 'mode', 'acls', 'context', 'type'];
const CONTEXT_KEYS = ['name', 'type', 'range'];

const NO_OBJECT =
  'The deployment failed because a permission listed in the application specification file has no object value. ' +
  'Update the permissions section of the AppSpec file, and then try again.';
// The agent's own spelling ("specifiles").
const ON_WINDOWS =
  'The deployment failed because the application specification file specifiles file permissions, but the deployment is ' +
  'targeting one or more Windows Server instances. Permissions are supported only for Amazon Linux, Ubuntu Server, and ' +
  'Red Hat Enterprise Linux (RHEL) instances. Update the permissions section of the AppSpec file, and then try again.';

export function checkPermissions(ctx: Context, value: unknown): AppSpecPermission[] {
  if (value === undefined || value === null) return [];
  // parse_permissions iterates the section: a mapping yields [key, value] pairs, which have no has_key?.
  const agent = refusedOnRead(isMapping(value) ? noMethod('has_key?', []) : noMethod('each', value));
  const example = '"permissions: [{object: /var/www/app, owner: web}]"';
  const entries = ctx.list(['permissions'], value, 'permissions', example, agent);
  return (entries ?? []).flatMap((entry, index) => checkPermission(ctx, ['permissions', index], entry) ?? []);
}

function checkPermission(ctx: Context, path: YamlPath, entry: unknown): AppSpecPermission | undefined {
  if (!isMapping(entry)) {
    ctx.refuse(
      path,
      `each permissions entry must be a mapping with an object, found ${describe(entry)}`,
      'write "- object: /var/www/app" and the settings below it',
      refusedOnRead(noMethod('has_key?', entry)),
    );
    return undefined;
  }
  const at = (key: string): YamlPath => [...path, key];
  ctx.unknownKeys(path, 'in this permissions entry', PERMISSION_KEYS, { required: ['object'] });
  // The agent checks the object first, then that the instance runs Linux, then the rest in turn.
  const object = ctx.rubyTextAt(at('object'), entry.object)?.trim();
  if (
    ctx.refuseMissing(
      at('object'),
      entry.object,
      path,
      'this permissions entry has no object',
      'add "object: <path on the instance>", a folder or file the files section installs',
      refusedOnRead(NO_OBJECT),
    )
  ) {
    return undefined;
  }
  if (object === undefined || object === '') {
    ctx.refuse(
      at('object'),
      `object must be a path, found ${describe(entry.object)}`,
      'e.g. object: /var/www/app',
      refusedOnRead(NO_OBJECT),
    );
    return undefined;
  }
  if (ctx.os === 'windows') {
    ctx.refuseAtKey(
      path.slice(0, 1),
      'permissions apply to Linux instances only, and os is windows',
      'remove the permissions section; set ACLs from a hook script instead, e.g. with icacls in AfterInstall',
      refusedOnRead(ON_WINDOWS),
    );
    return undefined;
  }
  if (!object.startsWith('/')) {
    ctx.warn(
      at('object'),
      `object "${object}" is not an absolute path: the agent resolves it from its working directory, /`,
      `write /${object.replace(/^[./]+/, '')}`,
    );
  }
  const pattern =
    entry.pattern === undefined || entry.pattern === null
      ? '**'
      : textOrRefuse(ctx, at('pattern'), entry.pattern, 'pattern');
  const except = globList(ctx, at('except'), entry.except);
  const type = permissionTypes(ctx, at('type'), entry.type);
  const owner = nameOf(ctx, at('owner'), entry.owner, 'owner');
  const group = nameOf(ctx, at('group'), entry.group, 'group');
  const mode =
    entry.mode === undefined || entry.mode === null ? undefined : checkMode(ctx, at('mode'), entry.mode);
  const acls =
    entry.acls === undefined || entry.acls === null ? undefined : checkAcls(ctx, at('acls'), entry.acls);
  const context =
    entry.context === undefined || entry.context === null
      ? undefined
      : checkContext(ctx, at('context'), entry.context);
  if ([pattern, except, type, mode, acls, context].includes(null)) return undefined;
  return {
    object,
    pattern: pattern as string,
    except: except as string[],
    type: type as PermissionType[],
    ...(owner !== undefined ? { owner } : {}),
    ...(group !== undefined ? { group } : {}),
    ...(mode !== undefined ? { mode: mode as string } : {}),
    ...(acls !== undefined ? { acls: acls as AclEntry[] } : {}),
    ...(context !== undefined ? { context: context as NonNullable<AppSpecPermission['context']> } : {}),
  };
}

/** A text value; anything else fails the Install event where the agent uses it as a pattern (null). */
function textOrRefuse(ctx: Context, path: YamlPath, value: unknown, what: string): string | null {
  if (typeof value === 'string') return value;
  ctx.refuse(
    path,
    `${what} must be text, found ${describe(value)}`,
    `quote it: "${String(value)}"`,
    FAILS_INSTALL,
  );
  return null;
}

function globList(ctx: Context, path: YamlPath, value: unknown): string[] | null {
  if (value === undefined || value === null) return [];
  // A mapping iterates as [key, value] pairs, which fail only where a name is matched against them.
  const agent = isMapping(value) ? FAILS_INSTALL : refusedOnRead(noMethod('each', value));
  const items = ctx.list(path, value, 'except', 'except: ["*.log"]', agent);
  if (!items) return null;
  const globs = items.map((item, index) => textOrRefuse(ctx, [...path, index], item, 'each except entry'));
  return globs.includes(null) ? null : (globs as string[]);
}

function permissionTypes(ctx: Context, path: YamlPath, value: unknown): PermissionType[] | null {
  if (value === undefined || value === null) return [...PERMISSION_TYPES];
  const unsupported = (type: unknown) =>
    refusedOnRead(
      'The deployment failed because the application specification filespecifies a permission for an object type not ' +
        `supported for permissions (${rubyText(type) ?? rubyInspect(type)}). Update the permissions section of the AppSpec file, and then try again.`,
    );
  if (!Array.isArray(value)) {
    ctx.refuse(
      path,
      `type must be a list, found ${describe(value)}`,
      typeof value === 'string' ? `write type: [${value}]` : 'e.g. type: [file]',
      isMapping(value) ? unsupported(Object.entries(value)[0]) : refusedOnRead(noMethod('each', value)),
    );
    return null;
  }
  let valid = true;
  value.forEach((item, index) => {
    if (PERMISSION_TYPES.includes(item as PermissionType)) return;
    valid = false;
    ctx.refuse(
      [...path, index],
      `type entries are file or directory, found ${describe(item)}`,
      'e.g. type: [file]',
      unsupported(item),
    );
  });
  return valid ? (value as PermissionType[]) : null;
}

/** owner and group: the agent looks the name up with Etc.getpwnam / getgrnam, which takes text. */
function nameOf(ctx: Context, path: YamlPath, value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  ctx.refuse(
    path,
    `${what} must be a name, found ${describe(value)}`,
    typeof value === 'number'
      ? `write the ${what}'s name, not its id, or quote it: "${value}"`
      : `e.g. ${what}: www-data`,
    FAILS_INSTALL,
  );
  return String(value);
}

/** mode_info.rb: `to_s`, padded with zeros to three characters, at most four octal digits. */
export function checkMode(ctx: Context, path: YamlPath, value: unknown): string | null {
  const text = ctx.rubyTextAt(path, value) ?? rubyInspect(value);
  const mode = text.padStart(3, '0');
  const invalid = [...mode].find((char) => char < '0' || char > '7');
  const refusal =
    mode.length > 4
      ? `The deployment failed because the length of a permissions mode (${mode}) in the application specification file is ` +
        'invalid. Permissions modes must be between one and four characters long. Update the permissions section of the AppSpec file, and then try again.'
      : invalid !== undefined
        ? `The deployment failed because the permissions mode (${mode}) in the application specification file contains an ` +
          `invalid character (${invalid}). Update the permissions section of the AppSpec file, and then try again.`
        : undefined;
  const written = ctx.written(path);
  // YAML 1.1 reads an unquoted leading zero as octal: 0644 becomes the number 420, which the agent writes as "420".
  const octal = typeof value === 'number' && written?.plain === true && /^[-+]?0[0-7_,]+$/.test(written.text);
  const fix = octal
    ? `write mode: ${written.text.replace(/^0+(?=.)/, '')} or mode: "${written.text}" in quotes`
    : undefined;
  if (refusal !== undefined) {
    ctx.refuse(
      path,
      octal
        ? `mode ${written?.text} is read by the agent as ${mode} (YAML 1.1 reads a leading 0 as octal), which is not a mode: the deployment fails`
        : `mode must be 1 to 4 octal digits, found ${ctx.shown(path, value)}`,
      fix ?? 'write the digits chmod takes, e.g. 644 or "0755"; symbolic modes such as u+x are not supported',
      refusedOnRead(refusal),
    );
    return null;
  }
  if (octal) {
    ctx.warn(
      path,
      `mode ${written?.text} is read by the agent as ${mode} (YAML 1.1 reads a leading 0 as octal), so files get mode ${mode}`,
      fix,
    );
  }
  return mode;
}

const INVALID_ACE = (ace: string) =>
  `The deployment failed because of a problem with the acls permission settings in the application specification file. Invalid acl entry (${ace}).`;

/** ace_info.rb: `[d[efault]:][u[ser]|g[roup]|m[ask]|o[ther]:]name:perms`, perms one octal digit or r, w, x, -. */
export function parseAce(ace: string): { entry: AclEntry } | { refusal: string; why: string } {
  const parts = ace.split(':').reverse();
  const invalid = (why: string) => ({ refusal: INVALID_ACE(ace), why });
  if (parts.length < 2 || parts.length > 4) return invalid('it has 2 to 4 parts separated by ":"');
  let isDefault = false;
  let type: AclEntry['type'] | undefined;
  let name = '';
  if (parts.length === 4) {
    if (parts[3] !== 'd' && parts[3] !== 'default')
      return invalid('with four parts the first is d or default');
    isDefault = true;
  }
  if (parts.length >= 3) {
    const kind = parts[2]!;
    if (kind === 'd' || kind === 'default') {
      if (isDefault) return invalid('d (default) is written twice');
      isDefault = true;
    } else if (kind === 'm' || kind === 'mask') type = 'mask';
    else if (kind === 'o' || kind === 'other') type = 'other';
    else if (kind === 'g' || kind === 'group') type = 'group';
    else if (kind === 'u' || kind === 'user') type = 'user';
    else return invalid(`"${kind}" is not u, g, m, o or d`);
  }
  const named = parts[1]!;
  if (named === 'm' || named === 'mask' || named === 'o' || named === 'other') {
    const kind = named.startsWith('m') ? 'mask' : 'other';
    if (type === undefined) type = kind;
    else name = kind;
  } else {
    type ??= 'user';
    name = named;
  }
  if ((type === 'mask' || type === 'other') && name !== '') return invalid(`a ${type} entry has no name`);
  if (!isDefault && type !== 'mask' && name === '') {
    return {
      refusal:
        'The deployment failed because of a problem with the acls permission settings in the application specification file. ' +
        `Use mode to set the base acl entry (${ace}). Update the permissions section of the AppSpec file, and then try again.`,
      why: `the ${type}'s own entry comes from mode`,
    };
  }
  const perms = parts[0]!;
  if (!/^[0-7]$/.test(perms)) {
    const bad = [...perms].find((char) => !'rwx-'.includes(char));
    if (bad !== undefined) {
      return {
        refusal:
          `The deployment failed because the access control list (ACL) named ${ace} in the application specification file ` +
          `contains an invalid character (${bad}). Correct the ACL in the hooks section of the AppSpec file, and then try again.`,
        why: `"${bad}" is not r, w, x or -`,
      };
    }
  }
  return { entry: { text: ace, default: isDefault, type, name } };
}

function checkAcls(ctx: Context, path: YamlPath, value: unknown): AclEntry[] | null {
  const hint = 'write [d:][u|g|m:]name:perms as setfacl takes them, e.g. "u:deploy:rwx" or "d:g:web:rx"';
  const agent = refusedOnRead(isMapping(value) ? noMethod('split', []) : noMethod('each', value));
  const items = ctx.list(path, value, 'acls', 'acls: ["u:deploy:rwx"]', agent);
  if (!items) return null;
  const entries = items.map((ace, index) => {
    if (typeof ace !== 'string') {
      ctx.refuse(
        [...path, index],
        `each acls entry must be text, found ${describe(ace)}`,
        hint,
        refusedOnRead(noMethod('split', ace)),
      );
      return null;
    }
    const parsed = parseAce(ace);
    if ('entry' in parsed) return parsed.entry;
    ctx.refuse(
      [...path, index],
      `"${ace}" is not an ACL entry the agent accepts: ${parsed.why}`,
      hint,
      refusedOnRead(parsed.refusal),
    );
    return null;
  });
  return entries.includes(null) ? null : (entries as AclEntry[]);
}

function checkContext(ctx: Context, path: YamlPath, value: unknown): AppSpecPermission['context'] | null {
  const invalidType = refusedOnRead(
    `The deployment failed because the application specification file specifies an invalid context type (${rubyInspect(value)}). ` +
      'Update the permissions section of the AppSpec file, and then try again.',
  );
  if (!isMapping(value)) {
    ctx.refuse(
      path,
      `context must be a mapping, found ${describe(value)}`,
      'e.g. context: {type: httpd_sys_content_t}',
      Array.isArray(value) || typeof value === 'number' ? refusedOnRead(NOT_AN_INDEX) : invalidType,
    );
    return null;
  }
  // The AWS docs spell the SELinux user `user`; context_info.rb reads `name`.
  ctx.unknownKeys(path, 'in this context', [...CONTEXT_KEYS, 'user'], { required: ['type'] });
  if (value.user !== undefined && value.user !== null) {
    ctx.warn(
      [...path, 'user'],
      'the CodeDeploy agent reads the SELinux user from "name"; "user", as the AWS docs write it, is ignored',
      value.name === undefined
        ? `add name: ${rubyText(value.user) ?? ''}`
        : 'remove user: name is the one the agent reads',
    );
  }
  if (
    ctx.refuseMissing(
      [...path, 'type'],
      value.type,
      path,
      'context has no type, and the agent rejects a context without one',
      'add the SELinux type, e.g. type: httpd_sys_content_t',
      invalidType,
    )
  ) {
    return null;
  }
  const type = rubyText(value.type) ?? rubyInspect(value.type);
  const user =
    value.name === undefined || value.name === null
      ? undefined
      : (rubyText(value.name) ?? rubyInspect(value.name));
  if (value.range === undefined || value.range === null)
    return { type, ...(user !== undefined ? { user } : {}) };
  if (typeof value.range !== 'string') {
    ctx.refuse(
      [...path, 'range'],
      `range must be text, found ${describe(value.range)}`,
      'e.g. range: s0',
      refusedOnRead(noMethod('include?', value.range)),
    );
    return null;
  }
  const refusal = rangeRefusal(value.range);
  if (refusal !== undefined) {
    ctx.refuse(
      [...path, 'range'],
      `"${value.range}" is not an SELinux range the agent accepts: ${refusal.why}`,
      'e.g. s0, s0-s1 or s0:c0.c1023',
      refusedOnRead(refusal.message),
    );
    return null;
  }
  return { type, ...(user !== undefined ? { user } : {}), range: value.range };
}

/** range_info.rb: `s#[-s#][:c#[.c#](,c#[.c#])*]`, high sensitivity ≥ low, categories 0–1023 without repeats. */
export function rangeRefusal(range: string): { message: string; why: string } | undefined {
  const fail = (message: string, why: string) => {
    throw Object.assign(new Error(message), { why });
  };
  const ensureParts = (input: string, separator: string) => {
    const parts = splitOnce(input, separator);
    if (parts.length !== (input.includes(separator) ? 2 : 1) || parts.some((part) => part === '')) {
      fail(`invalid range part ${input}`, `"${input}" has an empty part around "${separator}"`);
    }
    return parts;
  };
  const level = (text: string, letter: string, what: string, max?: number) => {
    const digits = text.slice(1);
    if (
      text.length < 2 ||
      !text.startsWith(letter) ||
      !/^\d+$/.test(digits) ||
      (max !== undefined && Number(digits) > max)
    ) {
      fail(
        `invalid ${what} ${text}`,
        `"${text}" is not ${letter} and a number${max !== undefined ? ` up to ${max}` : ''}`,
      );
    }
    return Number(digits);
  };
  try {
    const [sensitivity = '', categoryList] = ensureParts(range, ':');
    const [low = '', high] = ensureParts(sensitivity, '-');
    const lowest = level(low, 's', 'sensitivity');
    if (high !== undefined && level(high, 's', 'sensitivity') < lowest) {
      fail(
        `The deployment failed because of a problem with the SELinux range specified (${range}) for the context parameter in ` +
          'the permissions section of the application specification file. Make corrections in the permissions section of the AppSpec file, and then try again.',
        'the high sensitivity is below the low one',
      );
    }
    if (categoryList === undefined) return undefined;
    const categories = rubySplit(categoryList, ',').flatMap((part) => {
      if (!part.includes('.')) return [level(part, 'c', 'category', 1023)];
      const [from = '', to = ''] = ensureParts(part, '.');
      const first = level(from, 'c', 'category', 1023);
      const last = level(to, 'c', 'category', 1023);
      if (last < first) fail(`invalid category range ${from}.${to}`, `${from}.${to} runs backwards`);
      return Array.from({ length: last - first + 1 }, (_, i) => first + i);
    });
    if (new Set(categories).size !== categories.length)
      fail('duplicate categories', 'a category is listed twice');
    return undefined;
  } catch (error) {
    return { message: (error as Error).message, why: (error as { why: string }).why };
  }
}
