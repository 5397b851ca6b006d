import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CreateDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAppAndGroup,
  finished,
  type LocalStack,
  startLocalStack,
  tempDir,
  unique,
  uploadBundle,
} from '../helpers/local.js';

/**
 * What the agent would extract from a hostile archive, the other direction of the walk's checks
 * (the walk never writes such entries, docs/security.md): entries with "..", absolute names, and a
 * symlink followed by an entry through it. The local agent unpacks with the system's unzip and
 * tar, as the CodeDeploy agent does; nothing may land outside the deployment's archive folder.
 */
let stack: LocalStack;
let outside: string;
beforeAll(async () => {
  stack = await startLocalStack();
  outside = await tempDir('cdg-outside-');
});
afterAll(async () => {
  await stack?.stop();
  execFileSync('rm', ['-rf', outside]);
});

/** Builds a hostile archive with Python's zipfile / tarfile, which write any name they are given. */
function hostileArchive(format: 'zip' | 'tar', dir: string, entries: Array<[string, string]>): string {
  const file = join(dir, `hostile.${format}`);
  const script =
    format === 'zip'
      ? `
import json, stat, sys, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w')
for name, content in json.loads(sys.argv[2]):
    if content.startswith('-> '):
        info = zipfile.ZipInfo(name); info.create_system = 3; info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, content[3:])
    else:
        z.writestr(name, content)
z.close()`
      : `
import io, json, sys, tarfile
t = tarfile.open(sys.argv[1], 'w')
for name, content in json.loads(sys.argv[2]):
    info = tarfile.TarInfo(name)
    if content.startswith('-> '):
        info.type = tarfile.SYMTYPE; info.linkname = content[3:]; t.addfile(info)
    else:
        data = content.encode(); info.size = len(data); t.addfile(info, io.BytesIO(data))
t.close()`;
  execFileSync('python3', ['-c', script, file, JSON.stringify(entries)]);
  return file;
}

async function deployArchive(format: 'zip' | 'tar', entries: Array<[string, string]>) {
  const names = await createAppAndGroup(stack);
  const work = await tempDir('cdg-hostile-');
  const key = `${unique('hostile')}.${format}`;
  const eTag = await uploadBundle(stack.s3Client, stack.bucket, key, hostileArchive(format, work, entries));
  execFileSync('rm', ['-rf', work]);
  const { deploymentId } = await stack.client.send(
    new CreateDeploymentCommand({
      ...names,
      revision: { revisionType: 'S3', s3Location: { bucket: stack.bucket, key, bundleType: format, eTag } },
    }),
  );
  return finished(stack, deploymentId!);
}

/** Where files named like a planted one are under `root`: inside a deployment-archive folder, or not. */
async function planted(root: string, prefix: string): Promise<{ inside: string[]; escaped: string[] }> {
  const all = ((await readdir(root, { recursive: true })) as string[]).filter((path) =>
    path.split('/').pop()!.startsWith(prefix),
  );
  const inside = all.filter((path) => relative(root, join(root, path)).includes('deployment-archive/'));
  return { inside, escaped: all.filter((path) => !inside.includes(path)) };
}

const APPSPEC: [string, string] = ['appspec.yml', 'version: 0.0\nos: linux\n'];

describe('hostile archives on the agent side', () => {
  it('zip: "../" and absolute names are stripped by unzip and land inside the archive folder', async () => {
    const info = await deployArchive('zip', [
      APPSPEC,
      ['../../../../escaped-zip.txt', 'x'],
      [`${outside}/abs-zip.txt`, 'x'],
    ]);
    expect(info.status).toBe('Succeeded');
    expect(await readdir(outside)).toEqual([]);
    for (const name of ['escaped-zip', 'abs-zip']) {
      const found = await planted(stack.dataDir, name);
      expect(found.escaped).toEqual([]);
      expect(found.inside).toHaveLength(2);
    }
  });

  it('zip: an entry written through a symlink that leads out is refused, the deployment fails', async () => {
    const info = await deployArchive('zip', [
      APPSPEC,
      ['link', `-> ${outside}`],
      ['link/through-zip.txt', 'x'],
    ]);
    expect(info.status).toBe('Failed');
    expect(await readdir(outside)).toEqual([]);
  });

  it('tar: ".." members are refused, absolute names stripped, nothing written through a symlink', async () => {
    const info = await deployArchive('tar', [
      APPSPEC,
      ['../escaped-tar.txt', 'x'],
      [`${outside}/abs-tar.txt`, 'x'],
      ['link', `-> ${outside}`],
      ['link/through-tar.txt', 'x'],
    ]);
    expect(info.status).toBe('Failed');
    expect(await readdir(outside)).toEqual([]);
    expect((await planted(stack.dataDir, 'escaped-tar')).escaped).toEqual([]);
  });
});
