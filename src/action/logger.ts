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

export const actionLogger: Logger = {
  info: (message) => core.info(message),
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
};
