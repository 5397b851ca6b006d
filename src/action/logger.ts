import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import type { Logger } from '../core/log.js';
import { formatAnnotation, type Problem } from '../core/problems.js';

/** Annotation properties for a located problem, so GitHub marks the line in the file. */
export function annotation(p: Problem): core.AnnotationProperties {
  const { location } = p;
  // The trusted map is named `path.yml@branch` in messages (a branch may hold '/' and '@'); GitHub
  // places annotations by repository path.
  const file = location?.file.replace(/^(.+\.ya?ml)@.+$/, '$1');
  return {
    title: p.severity === 'error' ? 'codedeploy-gitops' : 'codedeploy-gitops warning',
    ...(location?.line !== undefined ? { file, startLine: location.line } : {}),
    ...(location?.col !== undefined ? { startColumn: location.col } : {}),
  };
}

/**
 * Whether the runner could read a line of `text` as a workflow command (`::add-mask::`,
 * `::set-output::`, `::stop-commands::`...): it ends lines at a lone \r as well as at \n, reads
 * `::name::` after leading white space (.NET's, which counts U+0085 too), and the legacy `##[name]`
 * anywhere in a line.
 */
export function couldCommandTheRunner(text: string): boolean {
  return text.includes('##[') || /(^|[\r\n])[\s\u0085\p{Z}]*::/u.test(text);
}

/**
 * Writes `text` as it is between `::stop-commands::TOKEN` and `::TOKEN::`, GitHub's own way to print
 * text that must not command the runner: the token is new and random, so nothing inside can end the
 * pause early.
 */
function printInert(text: string): void {
  const token = randomUUID();
  core.info(`::stop-commands::${token}`);
  core.info(text);
  core.info(`::${token}::`);
}

/**
 * Only info lines reach stdout as they are: @actions/core escapes the text of warnings, errors,
 * debug lines and group titles into their command. So info is where text from outside (a branch
 * name, a CodeDeploy message, a hook's output) is neutralised, here and nowhere else.
 */
function info(message: string): void {
  if (couldCommandTheRunner(message)) printInert(message);
  else core.info(message);
}

export const actionLogger: Logger = {
  info,
  debug: (message) => core.debug(message),
  warn: (message) =>
    typeof message === 'string'
      ? core.warning(message)
      : core.warning(formatAnnotation(message), annotation(message)),
  error: (message) =>
    typeof message === 'string'
      ? core.error(message)
      : core.error(formatAnnotation(message), annotation(message)),
  group: (title, body) => core.group(title, body),
  untrusted: (heading, text) => {
    info(heading);
    printInert(text);
  },
};
