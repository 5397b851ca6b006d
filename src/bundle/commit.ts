import { execFile, spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { GitHubRevisionSettings } from '../config/types.js';
import type { Logger } from '../core/log.js';
import { problem, throwIfErrors, UserError } from '../core/problems.js';
import type { GitHubRevision } from '../deploy/ports.js';
import { type LoadedAppSpec, loadAppSpecFromListing } from './appspec-fs.js';
import { type ListedArchive, listArchive } from './prebuilt.js';

const execFileAsync = promisify(execFile);

/**
 * A GitHub revision is the commit as GitHub serves it: `git archive` of its tree (committed files
 * only, `.gitattributes` export-ignore applied), in a folder the agent strips. It is checked from the
 * checkout, which must be that commit: the listing and the appspec come from `git archive` here,
 * exactly what GitHub makes of the same commit, not from the working tree's files.
 */
export async function checkCommit(
  workspace: string,
  settings: GitHubRevisionSettings,
  revision: GitHubRevision,
  log: Logger,
  cancel?: AbortSignal,
): Promise<void> {
  const head = await checkedOutCommit(workspace);
  if (head !== revision.commitId) {
    throw new UserError(
      problem(
        `the checkout is at commit ${head.slice(0, 7)}, but the run deploys ${revision.commitId.slice(0, 7)} as a GitHub revision, whose appspec is checked on the checkout`,
        undefined,
        `check that commit out before this step: actions/checkout with "ref: ${revision.commitId}" (by default it checks out the commit the event names)`,
      ),
    );
  }
  const { problems, listing } = await loadCommit(workspace, {
    log,
    commit: head,
    ...(settings.allowSecretFiles ? { allowSecretFiles: settings.allowSecretFiles } : {}),
    ...(cancel ? { cancel } : {}),
  });
  for (const warning of problems.filter((p) => p.severity === 'warning')) log.warn(warning);
  throwIfErrors(problems);
  log.info(
    `GitHub revision ${revision.repository}@${head.slice(0, 7)}: ${listing.entries.length} entries, appspec checked; CodeDeploy downloads it from GitHub`,
  );
}

/**
 * The commit's files as GitHub serves them, checked with the walk's rules, and its appspec as the
 * agent reads it (problems returned: `validate` prints them all). The commit defaults to HEAD.
 */
export async function loadCommit(
  workspace: string,
  options: { log: Logger; commit?: string; allowSecretFiles?: string[]; cancel?: AbortSignal },
): Promise<LoadedAppSpec & { listing: ListedArchive }> {
  const sha = options.commit ?? (await checkedOutCommit(workspace));
  const listing = await listArchive(
    { bundleType: 'tar', open: () => gitArchive(workspace, sha) },
    { ...options, display: '.', fix: 'remove it from the repository, or rename it', strip: false },
  );
  try {
    return { ...(await loadAppSpecFromListing(listing, '.', 'commit')), listing };
  } finally {
    listing.close();
  }
}

/** HEAD of the checkout; a UserError saying how to get one when the workspace has none. */
async function checkedOutCommit(workspace: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', '--verify', 'HEAD^{commit}'], {
      cwd: workspace,
    });
    return stdout.trim().toLowerCase();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(
      problem(
        missing
          ? 'git is not on the PATH: a GitHub revision is checked on the checked-out commit'
          : `the workspace ${workspace} is not a git checkout: a GitHub revision is checked on the checked-out commit`,
        undefined,
        missing
          ? 'install git on the runner (GitHub-hosted runners have it)'
          : 'run actions/checkout before this step (with git on the PATH it keeps .git)',
      ),
    );
  }
}

/** `git archive` of a commit (in `folder` when given) as a stream, which fails (instead of ending) when git does. */
export function gitArchive(repository: string, commit: string, folder?: string): Readable {
  const child = spawn('git', ['archive', '--format=tar', ...(folder ? [`--prefix=${folder}`] : []), commit], {
    cwd: repository,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = new PassThrough();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  child.stdout.pipe(out, { end: false });
  child.on('error', (error) => out.destroy(error));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new Error(`git archive ${commit} failed: ${stderr.trim() || `exit code ${code}`}`));
  });
  // A reader that stops early (the appspec found) ends git too.
  out.on('close', () => child.kill());
  return out;
}
