import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { S3RevisionStore } from '../../src/aws/revision-store.js';
import { createS3Client } from '../../src/aws/s3-client.js';
import { readTar, readZip } from '../../src/bundle/archive-readers.js';
import { loadCommit } from '../../src/bundle/commit.js';
import { base32 } from '../../src/bundle/digest.js';
import { listArchive, loadArchive, preparePrebuilt } from '../../src/bundle/prebuilt.js';
import type { BundleType } from '../../src/config/types.js';
import { realClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/log.js';
import { formatProblem, UserError } from '../../src/core/problems.js';
import type { FileRevision } from '../../src/deploy/ports.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { tempDir, writeTree } from '../helpers/tree.js';

/**
 * The archives a test opens, closed when it ends: a FileHandle left to the garbage collector is an
 * uncaught error on Node 26.
 */
async function openArchive(...args: Parameters<typeof loadArchive>) {
  const loaded = await loadArchive(...args);
  onTestFinished(() => loaded.listing.close());
  return loaded;
}
async function preparedArchive(...args: Parameters<typeof preparePrebuilt>) {
  const prepared = await preparePrebuilt(...args);
  onTestFinished(() => prepared.close());
  return prepared;
}

/**
 * Pre-built archives as the action reads them (listings of real zip, tar and tgz files, and of
 * `git archive`), hostile ones made with Python's zipfile and tarfile, which write whatever they are
 * given; and their upload to moto's S3 through the revision store.
 */
const endpoint = inject('motoEndpoint');
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
});

const APPSPEC = `version: 0.0
os: linux
files:
  - source: site
    destination: /var/www/shop
hooks:
  ApplicationStart:
    - location: scripts/start.sh
`;

let ws: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: ws, cleanup } = await tempDir('cdg-prebuilt-'));
  await writeTree(ws, {
    'app/appspec.yml': APPSPEC,
    'app/site/index.html': 'hello\n',
    'app/site/current': { symlink: 'index.html' },
    'app/scripts/start.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    'build/.keep': '',
  });
  const app = join(ws, 'app');
  execFileSync('zip', ['-qry', '../build/app.zip', '.'], { cwd: app, stdio: 'ignore' });
  execFileSync('zip', ['-qry', 'build/folder.zip', 'app'], { cwd: ws });
  execFileSync('tar', ['-czf', 'build/app.tgz', '-C', 'app', '.'], { cwd: ws });
  execFileSync('tar', ['-cf', 'build/app.tar', 'app'], { cwd: ws });
});
afterAll(() => cleanup());

const content = (archive: string) => ({ kind: 'archive' as const, archive });

/** Writes an archive with Python's zipfile or tarfile: entries [name, content or '-> target', mode?]. */
function python(file: string, script: string, entries: unknown[]): string {
  const path = join(ws, file);
  execFileSync('python3', ['-c', script, path, JSON.stringify(entries)]);
  return file;
}

/** Content as text, or [text, filler, count]: text then the filler repeated (kept off the command line). */
const CONTENT = `
def content_of(spec):
    return spec if isinstance(spec, str) else spec[0] + spec[1] * spec[2]
`;

const ZIP = `${CONTENT}
import json, stat, sys, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
for name, spec, mode in json.loads(sys.argv[2]):
    content = content_of(spec)
    info = zipfile.ZipInfo(name); info.create_system = 3; info.compress_type = zipfile.ZIP_DEFLATED
    if content.startswith('-> '):
        info.external_attr = (stat.S_IFLNK | 0o777) << 16; z.writestr(info, content[3:])
    else:
        info.external_attr = (stat.S_IFREG | mode) << 16; z.writestr(info, content)
z.close()`;

describe('listing an archive the build made, never unpacking it', () => {
  it.each<[string, BundleType, string]>([
    ['build/app.zip', 'zip', 'build/app.zip/appspec.yml'],
    ['build/app.tgz', 'tgz', 'build/app.tgz/appspec.yml'],
    ['build/folder.zip', 'zip', 'build/folder.zip/app/appspec.yml'],
    ['build/app.tar', 'tar', 'build/app.tar/app/appspec.yml'],
  ])('%s: modes, links and the appspec, read from the archive', async (archive, bundleType, file) => {
    const loaded = await openArchive(ws, content(archive), bundleType, new MemoryLogger());
    loaded.listing.close();
    expect(loaded.problems).toEqual([]);
    expect(loaded.file).toBe(file);
    expect(loaded.appspec?.hooks.ApplicationStart?.[0]?.location).toBe('scripts/start.sh');
    const byPath = new Map(loaded.listing.entries.map((e) => [e.path.replace(/^app\//, ''), e]));
    expect(byPath.get('scripts/start.sh')).toMatchObject({ type: 'file', mode: 0o755 });
    expect(byPath.get('site/current')).toMatchObject({ type: 'symlink', linkTarget: 'index.html' });
  });

  it('names what the agent fails on: a script the appspec names and the archive lacks', async () => {
    await writeFile(join(ws, 'build/missing.zip'), await readFile(join(ws, 'build/app.zip')));
    execFileSync('zip', ['-qd', 'build/missing.zip', 'scripts/start.sh'], { cwd: ws });
    const loaded = await openArchive(ws, content('build/missing.zip'), 'zip', new MemoryLogger());
    loaded.listing.close();
    expect(loaded.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^build\/missing\.zip\/appspec\.yml:8:17: script "scripts\/start\.sh" is not in the bundle/,
      ),
    ]);
  });

  it('refuses an archive whose entries climb out, or go through a link, listing them all', async () => {
    const file = python('build/hostile.zip', ZIP, [
      ['appspec.yml', 'version: 0.0\nos: linux\n', 0o644],
      ['../../etc/cron.d/evil', 'x', 0o644],
      ['/root/.ssh/authorized_keys', 'x', 0o600],
      ['var', '-> /var', 0o777],
      ['var/www/index.html', 'x', 0o644],
    ]);
    const error = await openArchive(ws, content(file), 'zip', new MemoryLogger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).problems.map((p) => p.message)).toEqual([
      'entry "../../etc/cron.d/evil" climbs out of the archive with "..": unpacking it would write outside the revision\'s folder (tar refuses it, unzip drops the "..")',
      'entry "/root/.ssh/authorized_keys" has an absolute name: unzip and tar strip the "/" and unpack it inside the revision, not where it says',
      'entry "var/www/index.html" lies below "var", which is a symlink: unpacking it would write where the link leads',
      'symlink points to the absolute path "/var"',
    ]);
  });

  it('refuses an appspec that says it is over 1 MiB without reading it, and one that inflates past its size', async () => {
    const huge = python('build/huge.zip', ZIP, [
      ['appspec.yml', ['version: 0.0\nos: linux\n#', 'x', 1_100_000], 0o644],
    ]);
    const big = await openArchive(ws, content(huge), 'zip', new MemoryLogger());
    big.listing.close();
    expect(big.problems[0]?.message).toMatch(/^the appspec is 1\.0 MiB; an appspec is a few kilobytes/);
    // A zip bomb: the central directory says 40 bytes, the deflated data holds 5 MB.
    const bomb = python('build/bomb.zip', ZIP, [
      ['appspec.yml', ['version: 0.0\nos: linux\n', ' ', 5_000_000], 0o644],
    ]);
    const data = await readFile(join(ws, bomb));
    const central = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    data.writeUInt32LE(40, central + 24);
    await writeFile(join(ws, bomb), data);
    const bombed = await openArchive(ws, content(bomb), 'zip', new MemoryLogger());
    bombed.listing.close();
    expect(bombed.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^cannot read the appspec from build\/bomb\.zip: too many bytes in the stream/),
    ]);
  });

  it('reads an appspec that is a symlink from the file it leads to (a second pass over the zip)', async () => {
    const file = python('build/linked.zip', ZIP, [
      ['conf/spec.yml', 'version: 0.0\nos: linux\n', 0o644],
      ['appspec.yml', '-> conf/spec.yml', 0o777],
    ]);
    const loaded = await openArchive(ws, content(file), 'zip', new MemoryLogger());
    loaded.listing.close();
    expect(loaded.problems).toEqual([]);
    expect(loaded.appspec).toMatchObject({ version: '0.0', os: 'linux' });
  });

  it('says so for a file that is not the archive its name says', async () => {
    await writeFile(join(ws, 'build/not.zip'), 'this is no zip\n');
    await expect(loadArchive(ws, content('build/not.zip'), 'zip', new MemoryLogger())).rejects.toThrow(
      'build/not.zip: cannot be read as zip: End of central directory record signature not found',
    );
    await expect(loadArchive(ws, content('build/app.tar'), 'tgz', new MemoryLogger())).rejects.toThrow(
      'build/app.tar: cannot be read as tgz: incorrect header check',
    );
    await expect(loadArchive(ws, content('build/none.zip'), 'zip', new MemoryLogger())).rejects.toThrow(
      'revision.archive "build/none.zip" does not exist in the workspace',
    );
  });

  it('reads the appspec of a tar in a second pass when decoys used up what the first one keeps', async () => {
    // 6 decoys of 1 MiB named like an appspec, one folder down, before the real one: the first
    // pass keeps at most 4 MiB of such entries.
    const decoys = Array.from({ length: 6 }, (_, i) => [`d${i}/appspec.yml`, ['', 'y', 1024 * 1024]]);
    const file = python(
      'build/decoys.tar',
      `${CONTENT}
import io, json, sys, tarfile
t = tarfile.open(sys.argv[1], 'w')
for name, spec in json.loads(sys.argv[2]):
    data = content_of(spec).encode(); info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
t.close()`,
      [...decoys, ['appspec.yml', 'version: 0.0\nos: linux\n']],
    );
    const loaded = await openArchive(ws, content(file), 'tar', new MemoryLogger());
    loaded.listing.close();
    expect(loaded.problems).toEqual([]);
    expect(loaded.appspec).toMatchObject({ version: '0.0', os: 'linux' });
  });

  it('warns about secret-looking files, unless allowSecretFiles lists them', async () => {
    const file = python('build/secrets.zip', ZIP, [
      ['appspec.yml', 'version: 0.0\nos: linux\n', 0o644],
      ['.env', 'TOKEN=x', 0o600],
      ['certs/site.pem', 'x', 0o600],
    ]);
    const log = new MemoryLogger();
    (
      await listArchive(
        { bundleType: 'zip', file: join(ws, file) },
        { display: file, fix: 'leave it out', log },
      )
    ).close();
    expect(log.text()).toContain(
      'the bundle will contain files that often hold secrets: build/secrets.zip/.env, build/secrets.zip/certs/site.pem',
    );
    const allowed = new MemoryLogger();
    (
      await listArchive(
        { bundleType: 'zip', file: join(ws, file) },
        { display: file, fix: 'leave it out', log: allowed, allowSecretFiles: ['.env', 'certs/*.pem'] },
      )
    ).close();
    expect(allowed.text()).not.toContain('secrets');
  });
});

/** Runs a Python script in build/ (zipfile and tarfile write whatever they are given); HELPERS first. */
function pythonIn(script: string): void {
  execFileSync('python3', ['-c', `${HELPERS}\n${script}`], { cwd: join(ws, 'build') });
}
const HELPERS = `
import io, stat, struct, tarfile, zipfile, zlib
APPSPEC = b"version: 0.0\\nos: linux\\nhooks:\\n  ApplicationStart:\\n    - location: scripts/start.sh\\n"
def link(z, name, target):
    i = zipfile.ZipInfo(name); i.create_system = 3; i.external_attr = (stat.S_IFLNK | 0o777) << 16; z.writestr(i, target)
def exe(z, name, data, method=zipfile.ZIP_DEFLATED, extra=b''):
    i = zipfile.ZipInfo(name); i.create_system = 3; i.external_attr = (stat.S_IFREG | 0o755) << 16
    i.compress_type = method; i.extra = extra; z.writestr(i, data)
def unicode_path(header, real):
    body = b'\\x01' + struct.pack('<I', zlib.crc32(header.encode())) + real.encode()
    return struct.pack('<HH', 0x7075, len(body)) + body
def add(t, name, data=b'', typ=tarfile.REGTYPE, linkname=''):
    i = tarfile.TarInfo(name); i.size = len(data) if typ == tarfile.REGTYPE else 0; i.type = typ; i.linkname = linkname
    t.addfile(i, io.BytesIO(data) if typ == tarfile.REGTYPE else None)
`;

/** The errors of an archive's check: the listing's refusal, or the appspec's problems. */
async function errorsOf(
  archive: string,
  bundleType: BundleType,
  log = new MemoryLogger(),
): Promise<string[]> {
  try {
    const loaded = await openArchive(ws, content(archive), bundleType, log);
    loaded.listing.close();
    return loaded.problems.filter((p) => p.severity === 'error').map(formatProblem);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return error.problems.map(formatProblem);
  }
}

describe('an archive judged as the agent unpacks it (command_executor.rb unpack_bundle)', () => {
  it('refuses an entry compressed with LZMA, which unzip (exit 81) and rubyzip cannot unpack: DownloadBundle fails', async () => {
    pythonIn(`
with zipfile.ZipFile('lzma.zip', 'w') as z:
    z.writestr('appspec.yml', APPSPEC); exe(z, 'scripts/start.sh', b'#!/bin/sh\\n', zipfile.ZIP_LZMA)`);
    expect(await errorsOf('build/lzma.zip', 'zip')).toEqual([
      `build/lzma.zip: entry "scripts/start.sh" is compressed with method 14 (LZMA), which neither the agent's unzip nor the rubyzip it falls back on can unpack: the deployment fails at DownloadBundle (recompress it with deflate (zip -r app.zip . does; in 7-Zip, -mm=Deflate))`,
    ]);
  });

  it('takes a bzip2 appspec, which unzip reads, with a warning that it was not checked', async () => {
    pythonIn(`
with zipfile.ZipFile('bz.zip', 'w') as z:
    z.writestr(zipfile.ZipInfo('appspec.yml'), b"version: 0.0\\nos: linux\\n", zipfile.ZIP_BZIP2)`);
    const loaded = await openArchive(ws, content('build/bz.zip'), 'zip', new MemoryLogger());
    loaded.listing.close();
    expect(loaded.problems.map(formatProblem)).toEqual([
      'build/bz.zip/appspec.yml: warning: the appspec was not checked: it is compressed with method 12 (bzip2), which this check cannot inflate (the agent unpacks it; its hooks and files are not checked against the archive) (recompress it with deflate (zip -r app.zip . does) to have it checked)',
    ]);
  });

  it('refuses a symlink whose target is not UTF-8, showing its bytes (it was taken as "", inside)', async () => {
    pythonIn(`
with zipfile.ZipFile('badlink.zip', 'w') as z:
    z.writestr('appspec.yml', b"version: 0.0\\nos: linux\\n"); link(z, 'out', b'/etc/\\xff/../../root')
with tarfile.open('badlink.tar', 'w', format=tarfile.GNU_FORMAT, encoding='utf-8', errors='surrogateescape') as t:
    add(t, 'appspec.yml', b"version: 0.0\\nos: linux\\n"); add(t, 'out', typ=tarfile.SYMTYPE, linkname='/etc/\\udcff/x')`);
    expect(await errorsOf('build/badlink.zip', 'zip')).toEqual([
      'build/badlink.zip: symlink "out" has a target that is not valid UTF-8 (bytes 2f6574632fff2f2e2e2f2e2e2f726f6f74) (leave it out of build/badlink.zip where the build makes it)',
    ]);
    expect(await errorsOf('build/badlink.tar', 'tar')).toEqual([
      'build/badlink.tar: symlink "out" has a target that is not valid UTF-8 (bytes 2f6574632fff2f78) (leave it out of build/badlink.tar where the build makes it)',
    ]);
  });

  it('checks the name unzip writes: the Info-ZIP Unicode Path field (0x7075), when its CRC matches', async () => {
    pythonIn(`
with zipfile.ZipFile('uni.zip', 'w') as z:
    z.writestr('appspec.yml', APPSPEC)
    exe(z, 'scripts/start.sh', b'#!/bin/sh\\n', extra=unicode_path('scripts/start.sh', 'elsewhere.sh'))
with zipfile.ZipFile('uni2.zip', 'w') as z:
    z.writestr('appspec.yml', b"version: 0.0\\nos: linux\\n")
    i = zipfile.ZipInfo('notes.txt'); i.extra = unicode_path('notes.txt', 'appspec.yml')
    z.writestr(i, b"version: 0.0\\nos: linux\\nhooks:\\n  ApplicationStart:\\n    - location: nowhere.sh\\n")
with zipfile.ZipFile('uni3.zip', 'w') as z:
    z.writestr('appspec.yml', APPSPEC)
    exe(z, 'scripts/start.sh', b'#!/bin/sh\\n', extra=unicode_path('not the header name', 'elsewhere.sh'))`);
    // unzip -qo writes scripts/start.sh as elsewhere.sh: ApplicationStart fails on EC2.
    expect(await errorsOf('build/uni.zip', 'zip')).toEqual([
      expect.stringMatching(
        /^build\/uni\.zip\/appspec\.yml:5:17: script "scripts\/start\.sh" is not in the bundle/,
      ),
    ]);
    // The appspec unzip writes last is notes.txt's bytes: that one is checked.
    expect(await errorsOf('build/uni2.zip', 'zip')).toEqual([
      expect.stringMatching(
        /^build\/uni2\.zip\/appspec\.yml:5:17: script "nowhere\.sh" is not in the bundle/,
      ),
    ]);
    // A field whose CRC is not the header name's is ignored, by unzip and here.
    expect(await errorsOf('build/uni3.zip', 'zip')).toEqual([]);
  });

  it('refuses a name given as a file then a folder (unzip exits 2), or a symlink then a folder (tar exits 2)', async () => {
    pythonIn(`
with zipfile.ZipFile('dup.zip', 'w') as z:
    z.writestr('appspec.yml', b"version: 0.0\\nos: linux\\n")
    z.writestr('a', b'file'); z.writestr(zipfile.ZipInfo('a/'), b''); z.writestr('a/b', b'x')
with tarfile.open('dup.tar', 'w') as t:
    add(t, 'appspec.yml', b"version: 0.0\\nos: linux\\n")
    add(t, 'a', typ=tarfile.SYMTYPE, linkname='/tmp'); add(t, 'a', typ=tarfile.DIRTYPE); add(t, 'a/x', b'x')`);
    expect(await errorsOf('build/dup.zip', 'zip')).toEqual([
      'build/dup.zip: entry "a" is given twice, as a file then as a folder: unzip cannot replace one by the other (it exits 2, or 50), and the deployment fails at DownloadBundle (keep one of the two, leave it out of build/dup.zip where the build makes it)',
    ]);
    expect(await errorsOf('build/dup.tar', 'tar')).toContainEqual(
      'build/dup.tar: entry "a" is given twice, as a symlink then as a folder: GNU tar cannot replace a folder holding files, nor a symlink to a folder, by the other (it exits 2), and the deployment fails at DownloadBundle (keep one of the two, leave it out of build/dup.tar where the build makes it)',
    );
  });

  it('judges a link after the agent strips the only folder: ../app/... climbs out of the revision', async () => {
    await writeTree(join(ws, 'strip'), {
      'app/deploy/appspec.yml': 'version: 0.0\nos: linux\n',
      'app/appspec.yml': { symlink: '../app/deploy/appspec.yml' },
      'app/current': { symlink: 'deploy/appspec.yml' },
    });
    execFileSync('zip', ['-qry', '../build/strip.zip', 'app'], { cwd: join(ws, 'strip') });
    expect(await errorsOf('build/strip.zip', 'zip')).toEqual([
      'build/strip.zip/app/appspec.yml: symlink "../app/deploy/appspec.yml" points outside the bundle (use a relative link to a file inside the bundle, or leave it out of build/strip.zip where the build makes it)',
    ]);
  });

  it('lists a pax sparse file by its real name and size (GNU.sparse.name, GNU.sparse.realsize)', async () => {
    await writeTree(join(ws, 'sparse'), {
      'appspec.yml':
        'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/start.sh\n',
      'scripts/start.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    });
    execFileSync('truncate', ['-s', '10M', 'scripts/start.sh'], { cwd: join(ws, 'sparse') });
    execFileSync('tar', ['-S', '--format=pax', '-cf', '../build/sparse.tar', '.'], {
      cwd: join(ws, 'sparse'),
    });
    const loaded = await openArchive(ws, content('build/sparse.tar'), 'tar', new MemoryLogger());
    loaded.listing.close();
    expect(loaded.problems).toEqual([]);
    expect(loaded.listing.entries.map((e) => e.path)).toEqual(['appspec.yml', 'scripts', 'scripts/start.sh']);
    expect(loaded.listing.entries[2]).toMatchObject({ type: 'file', mode: 0o755, size: 10 * 1024 * 1024 });
  });

  it('reads a gzipped tar deployed as a tar, as GNU tar -xpsf does, with a warning', async () => {
    await writeFile(join(ws, 'build/gz.tar'), await readFile(join(ws, 'build/app.tgz')));
    const log = new MemoryLogger();
    const loaded = await openArchive(ws, content('build/gz.tar'), 'tar', log);
    loaded.listing.close();
    expect(loaded.problems).toEqual([]);
    expect(loaded.appspec?.hooks.ApplicationStart?.[0]?.location).toBe('scripts/start.sh');
    expect(log.text()).toContain(
      'build/gz.tar is gzipped (a tgz) but deployed as a tar: the agent’s GNU tar (tar -xpsf) detects the compression and unpacks it'.replace(
        '’',
        "'",
      ),
    );
  });

  it('takes a tar entry with an absolute name, which GNU tar unpacks inside the revision, with a warning', async () => {
    pythonIn(`
with tarfile.open('abs.tar', 'w') as t:
    add(t, 'appspec.yml', b"version: 0.0\\nos: linux\\n"); add(t, '/etc/app.conf', b'x')`);
    const log = new MemoryLogger();
    expect(await errorsOf('build/abs.tar', 'tar', log)).toEqual([]);
    expect(log.text()).toContain(
      'entry "/etc/app.conf" has an absolute name: GNU tar strips the leading "/", so the instance gets it at etc/app.conf inside the revision, not at /etc/app.conf',
    );
  });
});

describe('the entry cap, counted by the readers', () => {
  const CAP = 100;
  beforeAll(() =>
    pythonIn(`
with zipfile.ZipFile('many.zip', 'w') as z:
    for i in range(5000): z.writestr(f'f{i}', b'x')
with tarfile.open('many.tar', 'w') as t:
    for i in range(5000): add(t, f'f{i}', b'x' * 2000)`),
  );

  it('stops reading a zip’s central directory at the first entry past the cap', async () => {
    const reader = await readZip(join(ws, 'build/many.zip'), () => false, CAP);
    reader.close();
    expect(reader.headers).toHaveLength(CAP + 1);
  });

  it('stops a tar’s pass at the first entry past the cap, the rest of the file unread', async () => {
    const file = join(ws, 'build/many.tar');
    let bytes = 0;
    const reader = await readTar({
      open: () => createReadStream(file).on('data', (chunk) => (bytes += chunk.length)),
      maxEntries: CAP,
    });
    expect(reader.headers).toHaveLength(CAP + 1);
    expect(bytes).toBeLessThan((await stat(file)).size / 10);
  });

  it('refuses the archive, naming the cap', async () => {
    for (const [file, bundleType] of [
      ['build/many.zip', 'zip'],
      ['build/many.tar', 'tar'],
    ] as const) {
      const error = await listArchive(
        { bundleType, file: join(ws, file) },
        { display: file, fix: 'leave it out', log: new MemoryLogger(), maxEntries: CAP },
      ).catch((e: unknown) => e);
      expect((error as UserError).problems.map(formatProblem)).toEqual([
        `${file}: ${file} has more than ${CAP} entries (deploy fewer files in one revision)`,
      ]);
    }
  });
});

describe('a commit as GitHub serves it: git archive of the checkout', () => {
  it('lists committed files only, honours export-ignore, and checks the appspec at the root', async () => {
    const { path: repo, cleanup: done } = await tempDir('cdg-git-');
    try {
      await writeTree(repo, {
        'appspec.yml': APPSPEC.replace(
          'scripts/start.sh',
          'scripts/start.sh\n    - location: scripts/local.sh',
        ),
        'site/index.html': 'hi\n',
        'scripts/start.sh': { content: '#!/bin/sh\n', mode: 0o755 },
        'scripts/local.sh': { content: '#!/bin/sh\n', mode: 0o755 },
        '.gitattributes': 'scripts/local.sh export-ignore\n',
      });
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: repo });
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('commit', '-qm', 'first');
      await writeFile(join(repo, 'untracked.txt'), 'not committed\n');
      const loaded = await loadCommit(repo, { log: new MemoryLogger() });
      const paths = loaded.listing.entries.map((e) => e.path);
      expect(paths).toContain('scripts/start.sh');
      expect(paths).not.toContain('untracked.txt');
      // GitHub's tarball leaves export-ignore files out: the appspec names a script it will not hold.
      expect(loaded.problems.map(formatProblem)).toEqual([
        expect.stringMatching(/^appspec\.yml:9:17: script "scripts\/local\.sh" is not in the bundle/),
      ]);
    } finally {
      await done();
    }
  });
});

describe('uploading a pre-built archive to moto’s S3', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = createS3Client({ region: 'us-east-1', endpoints: { s3: endpoint } });
  });

  async function bucket(): Promise<string> {
    const name = `cdg-${randomUUID().slice(0, 13)}`;
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }
  const store = (name: string, cancel = new AbortController().signal) =>
    new S3RevisionStore(
      { s3, bucket: name, prefix: 'builds/', application: 'web' },
      new MemoryLogger(),
      realClock,
      cancel,
    );
  const commit = { sha: 'c'.repeat(40), ref: 'refs/heads/main' };
  const uploads = async (name: string) =>
    (await s3.send(new ListMultipartUploadsCommand({ Bucket: name }))).Uploads?.length ?? 0;

  it('stores it under the digest of its bytes, as it is, once', async () => {
    await writeFile(join(ws, 'build/big.zip'), await readFile(join(ws, 'build/app.zip')));
    await writeFile(join(ws, 'data.bin'), randomBytes(20 * 1024 * 1024));
    execFileSync('zip', ['-q0', 'build/big.zip', 'data.bin'], { cwd: ws });
    const bytes = await readFile(join(ws, 'build/big.zip'));
    const digest = base32(createHash('sha256').update(bytes).digest().subarray(0, 20));
    const name = await bucket();
    const prepared = await preparedArchive(ws, content('build/big.zip'), 'zip', new MemoryLogger());
    const first = await store(name).store(prepared, commit);
    expect(first).toMatchObject({
      type: 's3',
      key: `builds/web/${digest}.zip`,
      uploaded: true,
      bytes: bytes.length,
    });
    expect(first.eTag).toMatch(/-3"$/); // 8 MiB parts
    const object = await s3.send(new GetObjectCommand({ Bucket: name, Key: first.key }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(bytes)).toBe(true);
    expect(object.Metadata).toMatchObject({ digest, 'git-sha': commit.sha });
    const again = await store(name).store(
      await preparedArchive(ws, content('build/big.zip'), 'zip', new MemoryLogger()),
      commit,
    );
    expect(again).toMatchObject({ key: first.key, eTag: first.eTag, uploaded: false });
  });

  it('fails, leaving nothing, when the archive changes between its digest and its upload', async () => {
    await writeFile(join(ws, 'build/moving.zip'), await readFile(join(ws, 'build/big.zip')));
    const name = await bucket();
    const prepared = await preparedArchive(ws, content('build/moving.zip'), 'zip', new MemoryLogger());
    await prepared.digest();
    await appendFile(join(ws, 'build/moving.zip'), 'late bytes');
    await expect(store(name).store(prepared, commit)).rejects.toThrow(
      /^build\/moving\.zip: build\/moving\.zip changed after its digest was computed \(\d+ bytes instead of \d+\)/,
    );
    expect(await uploads(name)).toBe(0);
    // Rewritten with as many bytes: its change time says so, without hashing it again.
    await writeFile(join(ws, 'build/moving.zip'), await readFile(join(ws, 'build/big.zip')));
    const again = await preparedArchive(ws, content('build/moving.zip'), 'zip', new MemoryLogger());
    await again.digest();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await writeFile(join(ws, 'build/moving.zip'), await readFile(join(ws, 'build/big.zip')));
    await expect(store(name).store(again, commit)).rejects.toThrow(
      'changed after its digest was computed (rewritten)',
    );
    expect(await uploads(name)).toBe(0);
  });

  it('finds its upload when CompleteMultipartUpload went through but its answer was lost', async () => {
    const name = await bucket();
    let completes = 0;
    const proxy = await startFaultProxy(endpoint, ({ method, url }) => {
      if (method !== 'POST' || !url.includes('uploadId=')) return { kind: 'pass' };
      completes += 1;
      return completes === 1 ? { kind: 'lose-response' } : { kind: 'pass' };
    });
    try {
      const through = createS3Client(
        { region: 'us-east-1', endpoints: { s3: proxy.endpoint } },
        { maxAttempts: 1 },
      );
      const log = new MemoryLogger();
      const stored = await new S3RevisionStore(
        { s3: through, bucket: name, prefix: 'builds/', application: 'web' },
        log,
        realClock,
        new AbortController().signal,
      ).store(await preparedArchive(ws, content('build/big.zip'), 'zip', log), commit);
      expect(stored.uploaded).toBe(true);
      expect(completes).toBe(1);
      expect(log.text()).toContain('holds the bundle after all');
      expect(await uploads(name)).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('sends a part again when its connection is reset, and leaves nothing when it keeps failing', async () => {
    const name = await bucket();
    let resets = 0;
    const proxy = await startFaultProxy(endpoint, ({ method, url }) =>
      method === 'PUT' && url.includes('partNumber=2&') && resets++ < 5
        ? { kind: 'reset', afterBytes: 64 * 1024 }
        : { kind: 'pass' },
    );
    try {
      const through = (attempts: number) =>
        new S3RevisionStore(
          {
            s3: createS3Client(
              { region: 'us-east-1', endpoints: { s3: proxy.endpoint } },
              { maxAttempts: attempts },
            ),
            bucket: name,
            prefix: 'builds/',
            application: 'web',
          },
          new MemoryLogger(),
          realClock,
          new AbortController().signal,
        );
      const prepare = () => preparedArchive(ws, content('build/big.zip'), 'zip', new MemoryLogger());
      await expect(through(2).store(await prepare(), commit)).rejects.toThrow(/s3:\/\/.*builds\/web\//);
      expect(await uploads(name)).toBe(0);
      // Reset 3 times more, then passed: the SDK's own retries carry the part through.
      expect((await through(5).store(await prepare(), commit)).uploaded).toBe(true);
      expect(await uploads(name)).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('aborts the upload when the workflow is cancelled, leaving no multipart upload', async () => {
    const name = await bucket();
    const cancel = new AbortController();
    const prepared = await preparedArchive(ws, content('build/big.zip'), 'zip', new MemoryLogger());
    const digested = (await prepared.digest()) as FileRevision;
    const parts = digested.parts.bind(digested);
    // The workflow is cancelled once the first part is read: the parts in flight are cut short.
    digested.parts = async function* (size, buffers) {
      for await (const part of parts(size, buffers)) {
        yield part;
        cancel.abort();
      }
    };
    await expect(store(name, cancel.signal).store(prepared, commit)).rejects.toThrow();
    expect(await uploads(name)).toBe(0);
  });
});
