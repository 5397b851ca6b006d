import { posix } from 'node:path';
import { problem, type SourceLocation, warning } from '../../core/problems.js';
import { type AppSpecProblem, type BundleTree, refusedOnRead } from './model.js';

/**
 * Where the agent finds the appspec in an unpacked revision. command_executor.rb unpack_bundle
 * strips a single top folder holding an appspec; the hooks then read `appspec.yml` at the root
 * (hook_executor.rb parse_app_spec, with the deployment's AppSpecFilename, appspec.yml), while the
 * Install event would also take `appspec.yaml` (command_executor.rb app_spec_real_path). BeforeInstall
 * runs first, so a revision with only appspec.yaml fails there.
 */

export const APPSPEC_FILE = 'appspec.yml';
const ALTERNATIVE_FILE = 'appspec.yaml';

/** The agent's message when the hooks find no appspec.yml in the unpacked revision `dir`. */
export function missingAppSpecMessage(dir: string): string {
  return (
    `The CodeDeploy agent did not find an AppSpec file within the unpacked revision directory at revision-relative path "${APPSPEC_FILE}". ` +
    `The revision was unpacked to directory "${dir}", and the AppSpec file was expected but not found at path "${posix.join(dir, APPSPEC_FILE)}". ` +
    'Consult the AWS CodeDeploy Appspec documentation for more information at http://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html'
  );
}

/** Where a real agent unpacks a revision, for messages about a bundle that has not been deployed. */
export const ARCHIVE_ON_INSTANCE =
  '/opt/codedeploy-agent/deployment-root/<group id>/<deployment id>/deployment-archive';

/**
 * unpack_bundle: a revision whose only entry is a folder holding something named like an appspec is
 * unpacked from inside that folder. Returns that folder's name.
 */
export function topFolderToStrip(
  names: readonly string[],
  isDirectory: (name: string) => boolean,
  namesIn: (name: string) => readonly string[],
): string | undefined {
  const [only] = names;
  if (names.length !== 1 || only === undefined || !isDirectory(only)) return undefined;
  return namesIn(only).some((name) => /appspec/i.test(name)) ? only : undefined;
}

/** The bundle seen from one of its folders, as the agent sees a revision it stripped. */
export function subtree(tree: BundleTree, folder: string): BundleTree {
  const inside = (path: string) => (path === '' ? folder : `${folder}/${path}`);
  return { node: (path) => tree.node(inside(path)), list: (path) => tree.list(inside(path)) };
}

export interface FoundAppSpec {
  /** The appspec's path in the bundle, when there is one to read. */
  path?: string;
  /** The bundle as the agent sees it (without a stripped top folder). */
  tree: BundleTree;
  /** The file's name differs from appspec.yml in case only: found on Windows, not on Linux. */
  miscased?: boolean;
  problems: AppSpecProblem[];
}

/**
 * Where the bundle comes from, which decides the fixes: a folder the action archives
 * (revision.source), an archive the build made, or a commit GitHub serves. GitHub's tarball holds
 * the repository in a folder of its own, which is the one the agent strips: nothing below it is.
 */
export type BundleOrigin = 'folder' | 'archive' | 'commit';

/** Finds the appspec of the bundle. `source` names the bundle (its folder, the archive) in messages. */
export function findAppSpec(
  bundle: BundleTree,
  source: string,
  origin: BundleOrigin = 'folder',
): FoundAppSpec {
  const where: SourceLocation = { file: source };
  const rootNames = bundle.list('') ?? [];
  const stripped =
    origin === 'commit'
      ? undefined
      : topFolderToStrip(
          rootNames,
          (name) => bundle.node(name)?.target === 'directory',
          (name) => bundle.list(name) ?? [],
        );
  const tree = stripped === undefined ? bundle : subtree(bundle, stripped);
  const prefix = stripped === undefined ? '' : `${stripped}/`;
  const problems: AppSpecProblem[] = [];
  // An archive of one folder is common (zip -r app.zip app): the agent strips it, nothing to say.
  if (stripped !== undefined && origin === 'folder') {
    problems.push(
      warning(
        `everything in ${source} is in the folder ${stripped}, which the agent strips: paths in the appspec are relative to ${posix.join(source, stripped)}`,
        where,
        `set revision.source to ${posix.join(source, stripped)} to say so`,
      ),
    );
  }
  const refuse = (message: string, hint: string): FoundAppSpec => ({
    tree,
    problems: [
      ...problems,
      {
        ...problem(message, where, hint),
        agent: refusedOnRead(missingAppSpecMessage(ARCHIVE_ON_INSTANCE)),
      },
    ],
  });
  const names = tree.list('') ?? [];
  const yml = tree.node(APPSPEC_FILE);
  if (yml !== undefined) {
    if (tree.node(ALTERNATIVE_FILE) !== undefined) {
      problems.push(
        warning(
          `both appspec.yml and appspec.yaml are at the root of ${source}: the agent reads appspec.yml and ignores appspec.yaml`,
          where,
          'delete appspec.yaml, or merge it into appspec.yml',
        ),
      );
    }
    const fault = !yml.inside
      ? 'is a symlink to a file outside the bundle'
      : yml.target === undefined
        ? 'is a symlink to nothing'
        : yml.target !== 'file'
          ? 'is not a file'
          : undefined;
    if (fault === undefined) return { path: `${prefix}${APPSPEC_FILE}`, tree, problems };
    return refuse(`appspec.yml at the root of ${source} ${fault}`, 'commit appspec.yml itself there');
  }
  if (tree.node(ALTERNATIVE_FILE) !== undefined) {
    return refuse(
      `only appspec.yaml at the root of ${source}: the agent's hooks read appspec.yml, so the deployment fails at BeforeInstall`,
      'rename it to appspec.yml',
    );
  }
  const miscased = names.find((name) => name.toLowerCase() === APPSPEC_FILE);
  if (miscased !== undefined) return { path: `${prefix}${miscased}`, tree, miscased: true, problems };
  const nested = names
    .filter(
      (dir) =>
        tree.node(dir)?.target === 'directory' && tree.node(`${dir}/${APPSPEC_FILE}`)?.target === 'file',
    )
    .map((dir) => posix.join(source, prefix, dir));
  return refuse(`no appspec.yml at the root of ${source}`, MISSING_HINTS[origin](nested.join(' and ')));
}

/** How to fix a bundle without appspec.yml at its root, given the folders that hold one ('' if none). */
const MISSING_HINTS: Record<BundleOrigin, (nested: string) => string> = {
  folder: (nested) =>
    nested
      ? `it is in ${nested}: set revision.source to that folder in the config, or pass --source, so that every path in the appspec is relative to it`
      : 'CodeDeploy needs appspec.yml at the root of the bundle: add one, or set revision.source in the config to the folder that holds it',
  archive: (nested) =>
    nested
      ? `it is in ${nested}: make the archive from inside that folder (cd folder && zip -r ../app.zip .), so that every path in the appspec is relative to it`
      : 'CodeDeploy needs appspec.yml at the root of the archive (or of its only folder): add it where the build makes the archive',
  commit: (nested) =>
    `a GitHub revision is the whole repository, and CodeDeploy reads appspec.yml at its root${nested ? ` (it is in ${nested})` : ''}: move it there, or deploy that folder as an S3 revision (type: s3, source)`,
};

/** A miscased appspec name works where the file system ignores case: Windows. */
export function miscasedAppSpec(file: string, os: string | undefined): AppSpecProblem {
  const name = posix.basename(file);
  if (os === 'windows') {
    return warning(
      `the appspec is named ${name}: the Windows agent finds it (Windows ignores case), a Linux one would not`,
      { file },
      `rename it to ${APPSPEC_FILE}`,
    );
  }
  return {
    ...problem(
      `no appspec.yml, but there is ${name}`,
      { file },
      `rename it to ${APPSPEC_FILE}: the agent looks for the lower-case name`,
    ),
    agent: refusedOnRead(missingAppSpecMessage(ARCHIVE_ON_INSTANCE)),
  };
}
