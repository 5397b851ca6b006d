import { createHash } from 'node:crypto';
import type { BundleType } from '../config/types.js';
import { FileHashes, hashFiles } from './read.js';
import type { Tree } from './walk.js';
import { FilePool } from './workers.js';

/**
 * Bumped whenever the archive bytes for the same tree would change (layout, timestamps, compression level
 * or the store-or-deflate rules): the digest, hence the S3 key, changes with it, so an object written by an
 * older version is never mistaken for the new format.
 */
export const ARCHIVE_FORMAT_VERSION = 1;

export interface TreeDigest {
  /** 32 characters of lowercase RFC 4648 base32 (160 bits of sha256). */
  digest: string;
  /** sha256 of each file's bytes, by entry index: the archive checks what it reads against these. */
  fileHashes: FileHashes;
  files: number;
  /** Sum of the file sizes (uncompressed). */
  bytes: number;
}

/**
 * The content digest of a tree. Inputs, in this order, fed to one sha256:
 *   "codedeploy-gitops bundle" NUL ARCHIVE_FORMAT_VERSION NUL bundleType LF
 * then for every entry in path order (UTF-8 byte order):
 *   file:    "f" NUL path NUL mode-in-octal NUL size NUL sha256-hex-of-the-bytes LF
 *   dir:     "d" NUL path NUL mode-in-octal LF
 *   symlink: "l" NUL path NUL link-target LF
 * Paths never hold NUL or LF (the walk refuses control characters), so the encoding is unambiguous.
 * Timestamps, owners and the excluded files are not inputs: they do not reach the archive.
 * The result is the first 20 bytes of the sha256, in base32: short enough for keys, 160 bits against collisions.
 * docs/bundle.md repeats this list.
 */
export async function digestTree(
  tree: Tree,
  bundleType: BundleType,
  pool?: FilePool,
  cancel?: AbortSignal,
): Promise<TreeDigest> {
  const fileHashes = new FileHashes(tree.entries.length);
  const own = pool ? undefined : new FilePool();
  try {
    await hashFiles(tree, pool ?? own!, fileHashes, cancel);
  } finally {
    await own?.close();
  }
  const manifest = createHash('sha256');
  manifest.update(`codedeploy-gitops bundle\0${ARCHIVE_FORMAT_VERSION}\0${bundleType}\n`);
  let files = 0;
  let bytes = 0;
  tree.entries.forEach((entry, index) => {
    const mode = entry.mode.toString(8);
    if (entry.type === 'file') {
      files += 1;
      bytes += entry.size;
      const hex = fileHashes.get(index).toString('hex');
      manifest.update(`f\0${entry.path}\0${mode}\0${entry.size}\0${hex}\n`);
    } else if (entry.type === 'dir') {
      manifest.update(`d\0${entry.path}\0${mode}\n`);
    } else {
      manifest.update(`l\0${entry.path}\0${entry.linkTarget}\n`);
    }
  });
  return { digest: base32(manifest.digest().subarray(0, 20)), fileHashes, files, bytes };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lowercase, no padding (20 bytes give exactly 32 characters). */
export function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0x1fff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
