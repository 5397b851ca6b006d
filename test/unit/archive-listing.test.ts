import { describe, expect, it } from 'vitest';
import { findAppSpec } from '../../src/bundle/appspec/index.js';
import {
  checkListing,
  type HeaderEntry,
  type ListingOptions,
  MAX_ENTRIES,
} from '../../src/bundle/listing.js';
import { walkedTree } from '../../src/bundle/walked-tree.js';
import { MemoryLogger } from '../../src/core/log.js';
import { formatProblem } from '../../src/core/problems.js';

/** A header as a reader gives it; `-> target` makes a symlink, `=> target` a hard link. */
function header(name: string, what: string | Partial<HeaderEntry> = 'file'): HeaderEntry {
  const base = { name, raw: Buffer.from(name), mode: 0o644, size: 10 };
  if (typeof what !== 'string') return { ...base, type: 'file', ...what };
  if (what.startsWith('-> '))
    return { ...base, type: 'symlink', mode: 0o777, size: 0, linkTarget: what.slice(3) };
  if (what.startsWith('=> ')) return { ...base, type: 'hardlink', size: 0, linkTarget: what.slice(3) };
  return { ...base, type: what === 'dir' ? 'dir' : 'file', ...(what === 'exec' ? { mode: 0o755 } : {}) };
}

function check(headers: Iterable<HeaderEntry>, options: ListingOptions = {}) {
  const log = new MemoryLogger();
  const checked = checkListing(headers, 'build/app.zip', log, 'rebuild build/app.zip without it', options);
  return { ...checked, messages: checked.problems.map(formatProblem), log };
}

describe('an archive listing, checked with the walk’s rules', () => {
  it('takes names as paths: "./" and trailing "/" dropped, implied folders added, sorted', () => {
    const { entries, problems, dataOf } = check([
      header('./scripts/start.sh', 'exec'),
      header('./', 'dir'),
      header('appspec.yml'),
      header('site/', 'dir'),
      header('site//index.html'),
    ]);
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.path, e.type, e.mode.toString(8)])).toEqual([
      ['appspec.yml', 'file', '644'],
      ['scripts', 'dir', '755'],
      ['scripts/start.sh', 'file', '755'],
      ['site', 'dir', '644'],
      ['site/index.html', 'file', '644'],
    ]);
    // Each file's bytes are at its header's index (the "./" folder is header 1).
    expect([...dataOf]).toEqual([
      ['scripts/start.sh', 0],
      ['appspec.yml', 2],
      ['site/index.html', 4],
    ]);
  });

  it.each([
    ['../etc/cron.d/x', 'climbs out of the archive with ".."', 'with relative names'],
    ['app/../../x', 'climbs out of the archive with ".."', 'with relative names'],
    ['/etc/passwd', 'has an absolute name', 'cd build && zip -r ../app.zip .'],
    ['a\\b.txt', 'which the CodeDeploy agent and zip tools treat as a separator', 'rebuild build/app.zip'],
    ['bell\u0007.txt', 'control character', 'rebuild build/app.zip'],
  ])('refuses the entry "%s"', (name, message, hint) => {
    const { problems } = check([header('appspec.yml'), header(name)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', location: { file: 'build/app.zip' } });
    expect(problems[0]!.message).toContain(message);
    expect(problems[0]!.hint).toContain(hint);
  });

  it('refuses a name that is not UTF-8, showing its bytes', () => {
    const { messages } = check([{ ...header('x'), name: undefined, raw: Buffer.from([0x66, 0xff]) }]);
    expect(messages).toEqual([
      "build/app.zip: an entry's name is not valid UTF-8 (bytes 66ff) (rebuild build/app.zip without it)",
    ]);
  });

  it('refuses an entry below a symlink, and symlinks that lead out, as the walk does', () => {
    const { messages, entries } = check([
      header('appspec.yml'),
      header('etc', '-> /etc'),
      header('etc/passwd'),
      header('up', '-> ../../home'),
      header('loop', '-> loop'),
      header('inside', '-> appspec.yml'),
    ]);
    expect(messages).toEqual([
      'build/app.zip: entry "etc/passwd" lies below "etc", which is a symlink: unpacking it would write where the link leads (rebuild build/app.zip without it)',
      'build/app.zip/etc: symlink points to the absolute path "/etc" (use a relative link to a file inside the bundle, or rebuild build/app.zip without it)',
      'build/app.zip/loop: symlink "loop" loops (use a relative link to a file inside the bundle, or rebuild build/app.zip without it)',
      'build/app.zip/up: symlink "../../home" points outside the bundle (use a relative link to a file inside the bundle, or rebuild build/app.zip without it)',
    ]);
    expect(entries.map((e) => e.path)).not.toContain('etc/passwd');
  });

  it('refuses special files and a hard link to nothing before it; a hard link to a file is that file', () => {
    const { messages, entries, dataOf } = check([
      header('fifo', { type: 'other', kind: 'named pipe (fifo)' }),
      header('data.bin', { size: 1234 }),
      header('copy.bin', '=> ./data.bin'),
      header('ghost', '=> missing'),
    ]);
    expect(messages).toEqual([
      'build/app.zip: named pipe (fifo) "fifo" cannot be deployed (rebuild build/app.zip without it)',
      'build/app.zip: "ghost" is a hard link to "missing", which is no file the archive holds before it (make the archive with the file itself (tar --hard-dereference), or rebuild build/app.zip without it)',
    ]);
    expect(entries.find((e) => e.path === 'copy.bin')).toMatchObject({ type: 'file', size: 1234 });
    expect(dataOf.get('copy.bin')).toBe(dataOf.get('data.bin'));
  });

  it('keeps the last of two entries with one name, as unzip -o and tar overwrite', () => {
    const { entries } = check([header('run.sh', { size: 1 }), header('run.sh', { size: 2, mode: 0o755 })]);
    expect(entries).toEqual([{ path: 'run.sh', type: 'file', mode: 0o755, size: 2 }]);
  });

  it('keeps the last of two entries when neither is a folder: unzip -o and tar replace a file or a link', () => {
    const { entries, problems, dataOf } = check([
      header('run.sh', 'exec'),
      header('run.sh', '-> other.sh'),
      header('other.sh'),
    ]);
    expect(problems).toEqual([]);
    expect(entries.find((e) => e.path === 'run.sh')).toMatchObject({
      type: 'symlink',
      linkTarget: 'other.sh',
    });
    expect(dataOf.has('run.sh')).toBe(false);
  });

  it.each<[string, HeaderEntry[], 'zip' | 'tar', string]>([
    [
      'zip: a file then a folder (unzip exits 2)',
      [header('a'), header('a/', 'dir'), header('a/b')],
      'zip',
      'entry "a" is given twice, as a file then as a folder: unzip cannot replace one by the other (it exits 2, or 50), and the deployment fails at DownloadBundle',
    ],
    [
      'tar: a symlink then a folder (GNU tar exits 2: "Cannot unlink")',
      [header('a', '-> /tmp'), header('a', 'dir'), header('a/x')],
      'tar',
      'entry "a" is given twice, as a symlink then as a folder: GNU tar cannot replace a folder holding files, nor a symlink to a folder, by the other (it exits 2), and the deployment fails at DownloadBundle',
    ],
    [
      'tar: a folder holding a file, then a file',
      [header('a', 'dir'), header('a/x'), header('a')],
      'tar',
      'entry "a" is given twice, as a folder then as a file: GNU tar cannot replace a folder holding files, nor a symlink to a folder, by the other (it exits 2), and the deployment fails at DownloadBundle',
    ],
  ])('refuses a name given twice with a folder on one side: %s', (_, headers, format, message) => {
    const { problems } = check([header('appspec.yml'), ...headers], { format });
    expect(problems.find((p) => p.message === message)).toMatchObject({
      severity: 'error',
      hint: 'keep one of the two, rebuild build/app.zip without it',
    });
  });

  it('refuses a zip entry compressed with a method neither unzip nor rubyzip unpacks, not one unzip reads', () => {
    const { messages } = check([
      header('appspec.yml', { method: 8 }),
      header('scripts/start.sh', { method: 14, mode: 0o755 }),
      header('big.bin', { method: 12 }),
      header('old.bin', { method: 9 }),
    ]);
    expect(messages).toEqual([
      `build/app.zip: entry "scripts/start.sh" is compressed with method 14 (LZMA), which neither the agent's unzip nor the rubyzip it falls back on can unpack: the deployment fails at DownloadBundle (recompress it with deflate (zip -r app.zip . does; in 7-Zip, -mm=Deflate))`,
    ]);
  });

  it('refuses a symlink whose target is not UTF-8, showing its bytes, as a name', () => {
    const { messages, entries } = check([
      header('appspec.yml'),
      { ...header('out', '-> x'), linkTarget: undefined, linkRaw: Buffer.from([0x2f, 0xff]) },
    ]);
    expect(messages).toEqual([
      'build/app.zip: symlink "out" has a target that is not valid UTF-8 (bytes 2fff) (rebuild build/app.zip without it)',
    ]);
    expect(entries.map((e) => e.path)).toEqual(['appspec.yml']);
  });

  it('judges symlinks where the agent leaves them: after it strips the only top folder (command_executor.rb unpack_bundle)', () => {
    const headers = [
      header('app/deploy/appspec.yml'),
      header('app/appspec.yml', '-> ../app/deploy/appspec.yml'),
      header('app/current', '-> deploy'),
    ];
    const stripped = check(headers);
    expect(stripped.stripped).toBe('app');
    expect(stripped.messages).toEqual([
      'build/app.zip/app/appspec.yml: symlink "../app/deploy/appspec.yml" points outside the bundle (use a relative link to a file inside the bundle, or rebuild build/app.zip without it)',
    ]);
    // A GitHub revision's root is the repository's: nothing is stripped, the link stays inside.
    const kept = check(headers, { strip: false });
    expect(kept.stripped).toBeUndefined();
    expect(kept.messages).toEqual([]);
  });

  it('warns about an absolute name in a tar, which GNU tar unpacks inside the revision; refuses it in a zip', () => {
    const tar = check([header('appspec.yml'), header('/etc/app.conf')], { format: 'tar' });
    expect(tar.problems).toEqual([]);
    expect(tar.entries.map((e) => e.path)).toContain('etc/app.conf');
    expect(tar.log.text()).toContain(
      'entry "/etc/app.conf" has an absolute name: GNU tar strips the leading "/", so the instance gets it at etc/app.conf inside the revision, not at /etc/app.conf',
    );
    const zip = check([header('appspec.yml'), header('/etc/app.conf')], { format: 'zip' });
    expect(zip.problems.map((p) => p.message)).toEqual([
      'entry "/etc/app.conf" has an absolute name: unzip and tar strip the "/" and unpack it inside the revision, not where it says',
    ]);
  });

  it(`refuses more than ${MAX_ENTRIES} entries by default (the cap the readers stop at)`, () => {
    const { messages } = check([header('a'), header('b'), header('c')], { maxEntries: 2 });
    expect(messages).toEqual([
      'build/app.zip: build/app.zip has more than 2 entries (deploy fewer files in one revision)',
    ]);
  });

  it('gives the appspec checks the agent’s view: an only folder holding the appspec is stripped, quietly', () => {
    const { entries } = check([header('app/appspec.yml'), header('app/scripts/start.sh', 'exec')]);
    const found = findAppSpec(walkedTree({ entries }), 'build/app.zip', 'archive');
    expect(found.path).toBe('app/appspec.yml');
    expect(found.problems).toEqual([]);
    expect(found.tree.node('scripts/start.sh')).toMatchObject({ type: 'file', executable: true });
  });

  it('says how to fix an archive without appspec.yml at its root', () => {
    const { entries } = check([header('README.md'), header('app/appspec.yml')]);
    const found = findAppSpec(walkedTree({ entries }), 'build/app.zip', 'archive');
    expect(found.problems.map(formatProblem)).toEqual([
      'build/app.zip: no appspec.yml at the root of build/app.zip (it is in build/app.zip/app: make the archive from inside that folder (cd folder && zip -r ../app.zip .), so that every path in the appspec is relative to it)',
    ]);
  });

  it('does not strip a folder of a GitHub revision: the tarball’s own folder was the one the agent strips', () => {
    const { entries } = check([header('app/appspec.yml')]);
    const found = findAppSpec(walkedTree({ entries }), '.', 'commit');
    expect(found.path).toBeUndefined();
    expect(found.problems[0]!.hint).toBe(
      'a GitHub revision is the whole repository, and CodeDeploy reads appspec.yml at its root (it is in app): move it there, or deploy that folder as an S3 revision (type: s3, source)',
    );
  });
});
