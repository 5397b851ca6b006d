import { describe, expect, it } from 'vitest';
import { findAppSpec } from '../../src/bundle/appspec/index.js';
import { checkListing, type HeaderEntry, MAX_ENTRIES } from '../../src/bundle/listing.js';
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

function check(headers: Iterable<HeaderEntry>, maxEntries?: number) {
  const log = new MemoryLogger();
  const checked = checkListing(headers, 'build/app.zip', log, 'rebuild build/app.zip without it', maxEntries);
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

  it(`refuses more than ${MAX_ENTRIES} entries (by default) without reading them all`, () => {
    let read = 0;
    function* many() {
      for (; ; read++) yield header(`f${read}`);
    }
    const { messages } = check(many(), 1000);
    expect(messages).toEqual([
      'build/app.zip: build/app.zip has more than 1000 entries (deploy fewer files in one revision)',
    ]);
    expect(read).toBe(1000);
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
