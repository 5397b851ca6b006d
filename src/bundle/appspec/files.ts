import type { YamlPath } from '../../core/yaml-source.js';
import { type Context, describe, isMapping, toBundlePath } from './context.js';
import { type AppSpecFile, FAILS_INSTALL, refusedOnRead } from './model.js';
import { NOT_AN_INDEX, noMethod } from './ruby.js';

/**
 * The `files` section (application_specification.rb parse_files, file_info.rb): a source and a
 * destination each, checked against the bundle. What the copies then do on the instance (two
 * sources for one destination…) is install.ts.
 */

const FILE_KEYS = ['source', 'destination'];

const NO_SOURCE =
  'The deployment failed because the application specification file specifies a destination file, but no source file. ' +
  'Update the files section of the AppSpec file, and then try again.';
const noDestination = (source: string) =>
  `The deployment failed because the application specification file specifies only a source file (${source}). ` +
  'Add the name of the destination file to the files section of the AppSpec file, and then try again.';

export function checkFiles(ctx: Context, value: unknown): AppSpecFile[] {
  if (value === undefined || value === null) return [];
  // parse_files iterates the section: a mapping yields [key, value] pairs, which take no 'source'.
  const agent = refusedOnRead(isMapping(value) ? NOT_AN_INDEX : noMethod('each', value));
  const entries = ctx.list(
    ['files'],
    value,
    'files',
    '"files: [{source: /, destination: /var/www/app}]"',
    agent,
  );
  return (entries ?? []).flatMap((entry, index) => checkFile(ctx, ['files', index], entry) ?? []);
}

function checkFile(ctx: Context, path: YamlPath, entry: unknown): AppSpecFile | undefined {
  if (!isMapping(entry)) {
    ctx.refuse(
      path,
      `each files entry needs a source and a destination, found ${describe(entry)}`,
      'write "- source: <path in the bundle>" with "destination: <folder on the instance>" below it',
      refusedOnRead(
        typeof entry === 'string'
          ? NO_SOURCE
          : Array.isArray(entry) || typeof entry === 'number'
            ? NOT_AN_INDEX
            : noMethod('[]', entry),
      ),
    );
    return undefined;
  }
  ctx.unknownKeys(path, 'in this files entry', FILE_KEYS, {
    required: FILE_KEYS,
    misplaced: {
      file_exists_behavior:
        'file_exists_behavior is a top-level key that applies to every files entry: move it to column 1',
    },
  });
  const at = (key: string): YamlPath => [...path, key];
  // FileInfo checks the source first.
  if (
    ctx.refuseMissing(
      at('source'),
      entry.source,
      path,
      'this files entry has no source',
      'add "source: <path in the bundle>", or "source: /" for all of it',
      refusedOnRead(NO_SOURCE),
    )
  ) {
    return undefined;
  }
  if (
    ctx.refuseMissing(
      at('destination'),
      entry.destination,
      path,
      'this files entry has no destination',
      'add "destination: <absolute folder on the instance>"',
      refusedOnRead(noDestination(ctx.rubyTextAt(at('source'), entry.source) ?? '')),
    )
  ) {
    return undefined;
  }
  const source = checkSource(ctx, at('source'), entry.source);
  const destination = checkDestination(ctx, at('destination'), entry.destination);
  return source !== undefined && destination !== undefined ? { source, destination } : undefined;
}

/** A text value for a path the agent joins to another (File.join): anything else fails the Install event. */
function pathText(ctx: Context, path: YamlPath, value: unknown, what: string): string | undefined {
  if (typeof value === 'string') return value;
  ctx.refuse(
    path,
    `${what} must be a path, found ${describe(value)}`,
    typeof value === 'number' || typeof value === 'boolean'
      ? `quote it, as YAML reads it as a ${typeof value}: "${ctx.written(path)?.text ?? String(value)}"`
      : `e.g. ${what}: /`,
    FAILS_INSTALL,
  );
  return undefined;
}

function checkSource(ctx: Context, path: YamlPath, value: unknown): string | undefined {
  const raw = pathText(ctx, path, value, 'source');
  if (raw === undefined) return undefined;
  if (raw === '') {
    ctx.warn(
      path,
      'source is empty: the agent 1.x copies the whole bundle, the agent 2.x refuses it',
      'write source: / to copy all of it',
    );
  }
  const relative = toBundlePath(raw, ctx.os);
  if (relative === null) {
    ctx.refuse(
      path,
      `source "${raw}" leads out of the bundle`,
      'source is a path inside the bundle, the folder holding the appspec; "/" copies all of it',
      FAILS_INSTALL,
    );
    return undefined;
  }
  if (relative === '') return relative;
  const found = ctx.lookup(relative);
  if (!found) {
    // The agent keeps the entry and fails when it copies it.
    ctx.refuse(path, `source "${raw}" is not in the bundle`, ctx.missingHint(relative), FAILS_INSTALL);
    return relative;
  }
  if (!found.node.inside || found.node.target === undefined) {
    ctx.warn(
      path,
      `source "${raw}" is a symlink ${found.node.target === undefined ? 'to nothing' : 'that leads out of the bundle'}`,
      'the bundle keeps the link itself, and on the instance it points wherever its target is there',
    );
  }
  return found.resolved;
}

/**
 * The agent joins the destination to the file names and creates what is missing, from its working
 * directory (/) when the path is relative: only a destination that is not text fails it.
 */
function checkDestination(ctx: Context, path: YamlPath, value: unknown): string | undefined {
  const raw = pathText(ctx, path, value, 'destination');
  if (raw === undefined) return undefined;
  const windowsExample = 'C:\\inetpub\\wwwroot';
  const drive = /^[A-Za-z]:[\\/]/.test(raw);
  if (raw === '') {
    ctx.warn(
      path,
      'destination is empty: the agent 1.x installs into its working directory, /, the agent 2.x refuses it',
      'write the folder on the instance, e.g. /var/www/app',
    );
  } else if (ctx.os === 'windows' && !drive) {
    ctx.warn(
      path,
      `destination "${raw}" has no drive: it lands on the agent's current drive`,
      `write a path with a drive, e.g. ${windowsExample}`,
    );
  } else if (ctx.os === 'linux' && drive) {
    ctx.warn(
      path,
      `destination "${raw}" is a Windows path, and os is linux: the agent creates a folder of that name under /`,
      'write a Linux path such as /var/www/app, or set os: windows',
    );
  } else if (ctx.os === 'linux' && !raw.startsWith('/')) {
    ctx.warn(
      path,
      raw.startsWith('~')
        ? `destination "${raw}" starts with ~, which the agent expands to its own home, /root`
        : `destination "${raw}" is relative: the agent resolves it from its working directory, /`,
      `write the absolute path, e.g. /${raw.replace(/^[~./]+/, '')}`,
    );
  }
  return raw;
}
