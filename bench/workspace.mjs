// A seeded synthetic workspace for the bundle benchmark: the same seed gives the same tree, byte for byte.
// Mix (by bytes): 60 % compressible text (source-like lines), 30 % random bytes without a telling
// extension, 10 % already-compressed files (images, fonts, archives) including a few large .jar files;
// plus executable scripts, empty files, empty directories and relative symlinks.
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** mulberry32: tiny seeded PRNG for the tree's shape (names, sizes, kinds). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded random bytes at memory speed (AES-CTR keystream). */
function randomBytes(seed, size) {
  const key = createHash('sha256').update(`key:${seed}`).digest().subarray(0, 16);
  const iv = createHash('sha256').update(`iv:${seed}`).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, iv).update(Buffer.alloc(size));
}

const WORDS = (() => {
  const rand = prng(7);
  const letters = 'etaoinshrdlucmfwypvbgkqjxz';
  const words = [];
  for (let i = 0; i < 800; i++) {
    const length = 2 + Math.floor(rand() * rand() * 12);
    let word = '';
    for (let j = 0; j < length; j++) word += letters[Math.floor(rand() * rand() * letters.length)];
    words.push(word);
  }
  return words;
})();
const PUNCT = [' = ', '(', ');', ' {', '}', ', ', '.', ' // ', ': ', ' + ', '[', ']', ' => ', ' return '];

/** About 8 MiB of source-like text; text files are slices of it, so each compresses like code (~3-4x). */
function textPool(seed) {
  const rand = prng(seed);
  const zipf = () => WORDS[Math.floor(WORDS.length * rand() ** 4)];
  const lines = [];
  let size = 0;
  while (size < 8 * 1024 * 1024) {
    // Code repeats itself: a third of the lines echo a recent one, as imports, calls and braces do.
    if (lines.length > 50 && rand() < 0.35) {
      const echo = lines[lines.length - 1 - Math.floor(rand() * 50)];
      lines.push(echo);
      size += echo.length + 1;
      continue;
    }
    const indent = '  '.repeat(Math.floor(rand() * 5));
    let line = indent;
    const count = 2 + Math.floor(rand() * 10);
    for (let i = 0; i < count; i++) {
      line += zipf();
      if (rand() < 0.5) line += PUNCT[Math.floor(rand() * PUNCT.length)];
      else line += ' ';
    }
    if (rand() < 0.1) line += ` ${Math.floor(rand() * 1e9)}`;
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n'));
}

const COMPRESSED_EXTS = ['png', 'jpg', 'gif', 'webp', 'woff2', 'gz', 'zip', 'mp3'];
const TEXT_EXTS = ['js', 'ts', 'json', 'html', 'css', 'md', 'txt', 'yml', 'php', 'py'];
const RANDOM_EXTS = ['', '.bin', '.dat', '.db', '.cache'];

/** Sizes log-uniformly spread between lo and hi, scaled so they add up to `total`. */
function spreadSizes(rand, count, total, lo, hi) {
  const raw = [];
  for (let i = 0; i < count; i++) raw.push(lo * (hi / lo) ** rand());
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((size) => Math.max(0, Math.round((size * total) / sum)));
}

/**
 * Writes the tree under `root` and returns { files, bytes, symlinks }.
 * @param {{ totalBytes: number, files: number, seed?: number }} options
 */
export async function generateWorkspace(root, { totalBytes, files, seed = 42 }) {
  const rand = prng(seed);
  const pool = textPool(seed);
  const dirs = [''];
  const dirCount = Math.max(4, Math.round(files / 40));
  for (let i = 0; i < dirCount; i++) {
    const parent = dirs[Math.floor(rand() * dirs.length)];
    const depth = parent === '' ? 0 : parent.split('/').length;
    dirs.push(depth >= 5 ? `d${i}` : parent ? `${parent}/d${i}` : `d${i}`);
  }
  const jars = 3;
  const jarBytes = Math.round(totalBytes * 0.06);
  const textCount = Math.round(files * 0.6);
  const randomCount = Math.round(files * 0.3);
  const compressedCount = files - textCount - randomCount - jars;
  const plan = [
    ...spreadSizes(rand, textCount, totalBytes * 0.6, 100, 150_000).map((size) => ({ kind: 'text', size })),
    ...spreadSizes(rand, randomCount, totalBytes * 0.3, 100, 150_000).map((size) => ({
      kind: 'random',
      size,
    })),
    ...spreadSizes(rand, compressedCount, totalBytes * 0.04, 100, 60_000).map((size) => ({
      kind: 'compressed',
      size,
    })),
    ...Array.from({ length: jars }, () => ({ kind: 'jar', size: Math.round(jarBytes / jars) })),
  ];
  for (const dir of dirs) await mkdir(join(root, dir), { recursive: true });
  await mkdir(join(root, 'empty/dir'), { recursive: true });
  await writeFile(
    join(root, 'appspec.yml'),
    'version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv/app\n',
  );
  let bytes = 0;
  const written = [];
  for (let i = 0; i < plan.length; i++) {
    const { kind, size } = plan[i];
    const dir = dirs[Math.floor(rand() * dirs.length)];
    let name;
    let data;
    if (kind === 'text') {
      name = `f${i}.${TEXT_EXTS[i % TEXT_EXTS.length]}`;
      const start = Math.floor(rand() * Math.max(1, pool.length - size));
      data =
        size <= pool.length
          ? pool.subarray(start, start + size)
          : Buffer.concat([pool, pool]).subarray(0, size);
    } else if (kind === 'random') {
      name = `f${i}${RANDOM_EXTS[i % RANDOM_EXTS.length]}`;
      data = randomBytes(`${seed}:${i}`, size);
    } else if (kind === 'compressed') {
      name = `f${i}.${COMPRESSED_EXTS[i % COMPRESSED_EXTS.length]}`;
      data = randomBytes(`${seed}:${i}`, size);
    } else {
      name = `lib${i}.jar`;
      data = randomBytes(`${seed}:${i}`, size);
    }
    const path = dir ? `${dir}/${name}` : name;
    await writeFile(join(root, path), data);
    bytes += data.length;
    written.push(path);
  }
  for (let i = 0; i < 20; i++) {
    const dir = dirs[Math.floor(rand() * dirs.length)];
    const path = dir ? `${dir}/run${i}.sh` : `run${i}.sh`;
    await writeFile(join(root, path), `#!/bin/sh\necho ${i}\n`, { mode: 0o755 });
    await writeFile(join(root, dir, `empty${i}`), '');
  }
  const symlinks = Math.max(5, Math.round(files / 400));
  for (let i = 0; i < symlinks; i++) {
    const target = written[Math.floor(rand() * written.length)];
    const dir = dirs[Math.floor(rand() * dirs.length)];
    const link = join(root, dir, `link${i}`);
    await symlink(relative(dirname(link), join(root, target)), link);
  }
  return { files: plan.length + 40, bytes, symlinks };
}
