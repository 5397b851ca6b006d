import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { HOOK_EVENTS } from '../lifecycle.js';
import type { FileExistsBehavior } from '../model.js';

/**
 * The appspec as the CodeDeploy agent reads it on the instance (not the project's own linter): the
 * same accepted values, the same messages, and failures that only show up as a failed lifecycle
 * event with errorCode UnknownError.
 */
export interface HookScript {
  location: string;
  timeoutSeconds: number;
  runas?: string;
}

export interface PermissionSpec {
  object: string;
  pattern: string;
  except: string[];
  type: Array<'file' | 'directory'>;
  owner?: string;
  group?: string;
  /** Octal digits as written, e.g. "644". */
  mode?: string;
  acls?: unknown;
  context?: unknown;
}

export interface AppSpec {
  files: Array<{ source: string; destination: string }>;
  permissions: PermissionSpec[];
  hooks: Map<string, HookScript[]>;
  fileExistsBehavior?: FileExistsBehavior;
}

export class AppSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppSpecError';
  }
}

const DEFAULT_TIMEOUT_SECONDS = 3600;

/** appspec.yml at the revision's root (appspec.yaml is accepted too). */
export async function readAppSpec(archiveDir: string): Promise<AppSpec> {
  for (const name of ['appspec.yml', 'appspec.yaml']) {
    let text: string;
    try {
      text = await readFile(join(archiveDir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    return parseAppSpec(text, name);
  }
  throw new AppSpecError(
    'The deployment failed because no appspec.yml (or appspec.yaml) was found at the root of the revision. ' +
      'Put the AppSpec file at the top of the bundle, and then try again.',
  );
}

export function parseAppSpec(text: string, file = 'appspec.yml'): AppSpec {
  let doc: unknown;
  try {
    doc = parse(text, { uniqueKeys: true });
  } catch (error) {
    throw new AppSpecError(
      `The deployment failed because ${file} is not valid YAML: ${(error as Error).message}`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new AppSpecError(`The deployment failed because ${file} is not a YAML mapping.`);
  }
  const spec = doc as Record<string, unknown>;
  if (spec.version !== 0) {
    throw new AppSpecError(
      `The deployment failed because an invalid version value (${String(spec.version)}) was entered in the ` +
        'application specification file. Make sure your AppSpec file specifies "0.0" as the version, and then try again.',
    );
  }
  if (spec.os !== 'linux') {
    throw new AppSpecError(
      `The deployment failed because the application specification file specifies an unsupported operating system (${String(spec.os)}). ` +
        'Specify "linux" in the os section of the AppSpec file (local instances run Linux), and then try again.',
    );
  }
  return {
    files: parseFiles(spec.files),
    permissions: parsePermissions(spec.permissions),
    hooks: parseHooks(spec.hooks),
    ...parseFileExistsBehavior(spec.file_exists_behavior),
  };
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new AppSpecError(`The deployment failed because ${what} in the AppSpec file is not a list.`);
  return value;
}

function mapping(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppSpecError(`The deployment failed because ${what} in the AppSpec file is not a mapping.`);
  }
  return value as Record<string, unknown>;
}

function parseFiles(value: unknown): AppSpec['files'] {
  return list(value, 'files').map((entry, index) => {
    const file = mapping(entry, `files[${index}]`);
    const { source, destination } = file;
    if (
      typeof source !== 'string' ||
      source === '' ||
      typeof destination !== 'string' ||
      destination === ''
    ) {
      throw new AppSpecError(
        `The deployment failed because files[${index}] in the AppSpec file needs both a source and a destination.`,
      );
    }
    return { source, destination };
  });
}

function parseHooks(value: unknown): Map<string, HookScript[]> {
  const hooks = new Map<string, HookScript[]>();
  if (value === undefined || value === null) return hooks;
  const unknown = Object.keys(mapping(value, 'hooks')).filter((event) => !HOOK_EVENTS.has(event));
  if (unknown.length > 0) {
    throw new AppSpecError(
      `appspec.yml file contains unknown lifecycle events: [${unknown.join(', ')}]. ` +
        `Valid events: ${[...HOOK_EVENTS].join(', ')}.`,
    );
  }
  for (const [event, scripts] of Object.entries(value as Record<string, unknown>)) {
    if (!Array.isArray(scripts)) {
      throw new AppSpecError(
        `The deployment failed because hooks.${event} in the AppSpec file is not a list of scripts (- location: ...).`,
      );
    }
    hooks.set(
      event,
      scripts.map((entry) => {
        const script = mapping(entry, `hooks.${event}`);
        const location = typeof script.location === 'string' ? script.location.trim() : '';
        if (location === '') {
          throw new AppSpecError(
            'The deployment failed because the application specification file specifies a script with no location value. ' +
              'Specify the location in the hooks section of the AppSpec file, and then try again.',
          );
        }
        const timeout =
          script.timeout === undefined || script.timeout === null
            ? DEFAULT_TIMEOUT_SECONDS
            : Number(script.timeout);
        if (!Number.isInteger(timeout) || timeout <= 0) {
          throw new AppSpecError(
            'The deployment failed because an invalid timeout value was provided for a script in the application ' +
              'specification file. Make corrections in the hooks section of the AppSpec file, and then try again.',
          );
        }
        const runas =
          typeof script.runas === 'string' && script.runas.trim() !== '' ? script.runas.trim() : undefined;
        return { location, timeoutSeconds: timeout, ...(runas ? { runas } : {}) };
      }),
    );
  }
  return hooks;
}

function parsePermissions(value: unknown): PermissionSpec[] {
  return list(value, 'permissions').map((entry, index) => {
    const permission = mapping(entry, `permissions[${index}]`);
    if (typeof permission.object !== 'string' || permission.object.trim() === '') {
      throw new AppSpecError(
        'The deployment failed because a permission listed in the application specification file has no object value. ' +
          'Update the permissions section of the AppSpec file, and then try again.',
      );
    }
    const types = list(permission.type, `permissions[${index}].type`);
    for (const type of types) {
      if (type !== 'file' && type !== 'directory') {
        throw new AppSpecError(
          `The deployment failed because the application specification file specifies a permission for an object type ` +
            `not supported for permissions (${String(type)}). Update the permissions section of the AppSpec file, and then try again.`,
        );
      }
    }
    let mode: string | undefined;
    if (permission.mode !== undefined && permission.mode !== null) {
      mode = String(permission.mode);
      if (!/^[0-7]{1,4}$/.test(mode)) {
        throw new AppSpecError(
          `The deployment failed because the mode ${mode} in permissions[${index}] is not an octal mode such as 644.`,
        );
      }
      mode = mode.padStart(3, '0');
    }
    const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
    const owner = text(permission.owner);
    const group = text(permission.group);
    return {
      object: permission.object.trim(),
      pattern: text(permission.pattern) ?? '**',
      except: list(permission.except, `permissions[${index}].except`).map(String),
      type: (types.length > 0 ? types : ['file', 'directory']) as PermissionSpec['type'],
      ...(owner !== undefined ? { owner } : {}),
      ...(group !== undefined ? { group } : {}),
      ...(mode !== undefined ? { mode } : {}),
      ...(permission.acls !== undefined ? { acls: permission.acls } : {}),
      ...(permission.context !== undefined ? { context: permission.context } : {}),
    };
  });
}

function parseFileExistsBehavior(value: unknown): { fileExistsBehavior?: FileExistsBehavior } {
  if (value === undefined || value === null) return {};
  if (value === 'DISALLOW' || value === 'OVERWRITE' || value === 'RETAIN')
    return { fileExistsBehavior: value };
  throw new AppSpecError(
    `The deployment failed because an invalid option was specified for file_exists_behavior: ${String(value)}. ` +
      'Valid options include OVERWRITE, RETAIN, and DISALLOW.',
  );
}
