import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { topFolderToStrip } from '../../bundle/appspec/index.js';
import { gitArchive } from '../../bundle/commit.js';
import { bareETag, type S3Location } from '../records.js';

const execFileAsync = promisify(execFile);

/** The agent keeps this many revisions per deployment group on disk (never deleting the last successful one). */
export const ARCHIVES_TO_RETAIN = 5;

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

/**
 * DownloadBundle as the agent runs it: GetObject (with the version when the revision names one),
 * the eTag compared with the revision's (quotes stripped), the archive unpacked by the system's
 * unzip / tar, and a single top folder holding the appspec stripped.
 */
export async function downloadBundle(s3: S3Client, location: S3Location, bundleFile: string): Promise<void> {
  const { bucket, key, version, eTag } = location;
  let body: Readable;
  let actualETag: string | undefined;
  try {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(version ? { VersionId: version } : {}) }),
    );
    body = object.Body as Readable;
    actualETag = object.ETag;
  } catch (error) {
    const name = (error as Error).name;
    throw new BundleError(
      `Could not download the bundle s3://${bucket}/${key}${version ? ` (version ${version})` : ''}: ${name}: ${(error as Error).message}`,
    );
  }
  await pipeline(body, createWriteStream(bundleFile));
  if (eTag !== undefined && bareETag(eTag) !== bareETag(actualETag)) {
    throw new BundleError(`Expected deployment artifact bundle etag ${eTag} but was actually ${actualETag}`);
  }
}

/**
 * DownloadBundle of a GitHub revision: the agent downloads `repos/{account}/{repo}/tarball/{commit}`,
 * which GitHub makes with `git archive` in a folder named after the repository and the commit. Here
 * the local repository standing for it makes the same; a commit it does not hold fails as a
 * download GitHub refused.
 */
export async function downloadCommit(
  repositoryDir: (repository: string) => Promise<string | undefined>,
  location: { repository?: string; commitId?: string },
  bundleFile: string,
): Promise<void> {
  const repository = location.repository ?? '';
  const commit = location.commitId ?? '';
  const url = `https://api.github.com/repos/${repository}/tarball/${commit}`;
  const dir = await repositoryDir(repository);
  if (dir === undefined) {
    throw new BundleError(
      `Could not download bundle at '${url}': the local CodeDeploy has no repository for ${repository} (emulator --github-repos DIR serves DIR/${repository})`,
    );
  }
  const folder = `${repository.replace('/', '-')}-${commit.slice(0, 7)}/`;
  try {
    await pipeline(gitArchive(dir, commit, folder), createWriteStream(bundleFile));
  } catch (error) {
    throw new BundleError(`Could not download bundle at '${url}': ${(error as Error).message}`);
  }
}

export async function unpackBundle(
  bundleFile: string,
  bundleType: string | undefined,
  archiveDir: string,
): Promise<void> {
  await rm(archiveDir, { recursive: true, force: true });
  await mkdir(archiveDir, { recursive: true });
  try {
    if (bundleType === 'zip') {
      await execFileAsync('unzip', ['-qo', bundleFile, '-d', archiveDir]).catch(
        (error: { code?: number }) => {
          // unzip exits 1 for warnings that still extracted everything.
          if (error.code !== 1) throw error;
        },
      );
    } else if (bundleType === 'tgz') {
      await execFileAsync('tar', ['-xzpsf', bundleFile, '-C', archiveDir]);
    } else {
      await execFileAsync('tar', ['-xpsf', bundleFile, '-C', archiveDir]);
    }
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new BundleError(
      `Could not unpack the bundle as ${bundleType ?? 'tar'}: ${stderr || (error as Error).message}. ` +
        "Check that the revision's bundleType matches the archive.",
    );
  }
  await stripTopFolder(archiveDir);
}

/** A bundle whose only entry is a folder holding an appspec is unpacked from inside that folder. */
async function stripTopFolder(archiveDir: string): Promise<void> {
  const entries = await readdir(archiveDir, { withFileTypes: true });
  const [only] = entries;
  const inside = only?.isDirectory() ? await readdir(join(archiveDir, only.name)) : [];
  const folder = topFolderToStrip(
    entries.map((entry) => entry.name),
    (name) => entries.some((entry) => entry.name === name && entry.isDirectory()),
    () => inside,
  );
  if (folder === undefined) return;
  const temp = `${archiveDir}-temp`;
  await rm(temp, { recursive: true, force: true });
  await rename(archiveDir, temp);
  await rename(join(temp, folder), archiveDir);
  await rmdir(temp);
}

/**
 * Keeps the newest revisions of a group (the current one included) and never the last successful
 * one's folder: the agent's cleanup_old_archives, run before each download.
 */
export async function removeOldRevisions(
  groupDir: string,
  currentDir: string,
  lastSuccessfulDir: string | undefined,
): Promise<void> {
  const names = await readdir(groupDir).catch(() => [] as string[]);
  const others = names.map((name) => join(groupDir, name)).filter((dir) => dir !== currentDir);
  const extra = others.length - ARCHIVES_TO_RETAIN + 1;
  if (extra <= 0) return;
  const candidates = await Promise.all(
    others
      .filter((dir) => dir !== lastSuccessfulDir)
      .map(async (dir) => ({ dir, mtime: (await stat(dir)).mtimeMs })),
  );
  candidates.sort((a, b) => a.mtime - b.mtime || a.dir.localeCompare(b.dir));
  for (const { dir } of candidates.slice(0, extra)) await rm(dir, { recursive: true, force: true });
}
