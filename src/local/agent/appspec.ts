import { access, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APPSPEC_FILE,
  type AppSpec,
  missingAppSpecMessage,
  unsupportedOsMessage,
  validateAppSpec,
} from '../../bundle/appspec/index.js';
import { fileSystemTree, readAppSpecText } from '../../bundle/appspec-fs.js';
import { formatProblem } from '../../core/problems.js';
import { displayPath } from './sandbox.js';

/**
 * The appspec of an unpacked revision, read with the same rules as `validate`
 * (src/bundle/appspec): what they refuse, the local agent refuses, with the CodeDeploy agent's message.
 */
export class AppSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppSpecError';
  }
}

export interface RevisionAppSpec {
  appspec: AppSpec;
  /** What fails the Install event (a source that is not text or not there…), already known from the file. */
  installFailure?: string;
}

/**
 * Reads the appspec for a lifecycle event: the hooks read appspec.yml only (hook_executor.rb
 * parse_app_spec), the Install event also appspec.yaml (command_executor.rb app_spec_real_path).
 * Throws AppSpecError where the agent fails to read it; this agent is a Linux one.
 */
export async function readRevisionAppSpec(
  archiveDir: string,
  instanceRoot: string,
  event: 'hooks' | 'install',
): Promise<RevisionAppSpec> {
  const names = event === 'hooks' ? [APPSPEC_FILE] : [APPSPEC_FILE, 'appspec.yaml'];
  let name: string | undefined;
  for (const candidate of names) {
    if (await exists(join(archiveDir, candidate))) {
      name = candidate;
      break;
    }
  }
  if (name === undefined)
    throw new AppSpecError(missingAppSpecMessage(displayPath(instanceRoot, archiveDir)));
  const read = await readAppSpecText(join(archiveDir, name), name);
  if ('problem' in read) {
    const { agent, message } = read.problem;
    throw new AppSpecError(agent?.at === 'read' ? agent.message : message);
  }
  const result = validateAppSpec({
    text: read.text,
    file: name,
    tree: fileSystemTree(await realpath(archiveDir)),
    predictInstall: false,
  });
  if (result.refusal !== undefined || result.appspec === undefined) {
    throw new AppSpecError(result.refusal ?? unsupportedOsMessage(''));
  }
  if (result.appspec.os !== 'linux') throw new AppSpecError(unsupportedOsMessage(result.appspec.os));
  const install = result.problems.find((p) => p.agent?.at === 'install');
  return { appspec: result.appspec, ...(install ? { installFailure: formatProblem(install) } : {}) };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
