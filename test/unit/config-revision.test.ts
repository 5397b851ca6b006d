import { describe, expect, it } from 'vitest';
import { bundleTypeOfName, parseConfig, parseConfigOrThrow } from '../../src/config/load.js';

const config = (revision: string) =>
  parseConfigOrThrow(`application: app\nrevision:\n${revision}\nbranches:\n  main: production\n`, 'c.yml')
    .config.revision;

describe('revision: what becomes the revision', () => {
  it('a folder by default: source ".", zip, no exclude', () => {
    expect(config('  bucket: acme-artifacts')).toEqual({
      type: 's3',
      bucket: 'acme-artifacts',
      prefix: '',
      bundleType: 'zip',
      content: { kind: 'folder', source: '.', exclude: [], allowSecretFiles: [] },
    });
  });

  it.each([
    ['build/app.zip', 'zip'],
    ['build/app.tgz', 'tgz'],
    ['build/app.tar.gz', 'tgz'],
    ['build/APP.TAR', 'tar'],
  ])('an archive the build made: %s is %s by its name', (archive, bundleType) => {
    expect(config(`  bucket: acme-artifacts\n  prefix: builds/\n  archive: ${archive}`)).toEqual({
      type: 's3',
      bucket: 'acme-artifacts',
      prefix: 'builds/',
      bundleType,
      content: { kind: 'archive', archive, allowSecretFiles: [] },
    });
  });

  it('an archive whose name says no format takes bundleType', () => {
    expect(config('  bucket: acme-artifacts\n  archive: out/bundle\n  bundleType: tgz')).toMatchObject({
      bundleType: 'tgz',
      content: { kind: 'archive', archive: 'out/bundle' },
    });
  });

  it('a GitHub revision needs no bucket; a bucket, when named, keeps the records only', () => {
    expect(config('  type: github')).toEqual({ type: 'github', allowSecretFiles: [] });
    expect(
      config('  type: github\n  bucket: acme-records\n  prefix: cd/\n  allowSecretFiles: [certs/*.pem]'),
    ).toEqual({
      type: 'github',
      records: { bucket: 'acme-records', prefix: 'cd/' },
      allowSecretFiles: ['certs/*.pem'],
    });
  });

  it('type s3 still needs its bucket, and github refuses every key of an archive', () => {
    const { problems } = parseConfig(
      'application: app\nrevision:\n  type: github\n  archive: a.zip\n  exclude: [x]\n  bundleType: zip\n',
      'c.yml',
    );
    expect(problems.map((p) => [p.message, p.location?.line])).toEqual([
      ['revision › archive does not apply to GitHub revisions', 4],
      ['revision › exclude does not apply to GitHub revisions', 5],
      ['revision › bundleType does not apply to GitHub revisions', 6],
    ]);
    expect(parseConfig('application: app\nrevision:\n  type: s3\n', 'c.yml').problems[0]?.message).toBe(
      'missing required key "bucket" in revision',
    );
  });

  it('bundleType tar on a .tgz is a warning (GNU tar -xpsf detects gzip); the other contradictions fail on the agent', () => {
    const parse = (archive: string, bundleType: string) =>
      parseConfig(
        `application: app\nrevision:\n  bucket: acme-artifacts\n  archive: ${archive}\n  bundleType: ${bundleType}\nbranches:\n  main: production\n`,
        'c.yml',
      ).problems.map((p) => [p.severity, p.message, p.hint]);
    expect(parse('build/app.tgz', 'tar')).toEqual([
      [
        'warning',
        'revision › bundleType tar contradicts the archive\'s name "build/app.tgz" (tgz): the agent unpacks it with tar -xpsf, which detects gzip itself, so a tgz deploys; a plain tar named like a tgz would deploy too',
        'remove bundleType, or rename the archive to say what it is',
      ],
    ]);
    expect(parse('build/app.tar', 'tgz')).toEqual([
      [
        'error',
        'revision › bundleType tgz contradicts the archive\'s name "build/app.tar" (tar)',
        'the agent unpacks the archive as bundleType says (tar -zxpsf), which fails on a tar if that is what it is: remove bundleType, or fix it',
      ],
    ]);
  });

  it('a prefix without a bucket means nothing for GitHub revisions', () => {
    const { problems } = parseConfig('application: app\nrevision:\n  type: github\n  prefix: cd/\n', 'c.yml');
    expect(problems.map((p) => p.message)).toEqual(['revision › prefix without a bucket']);
  });
});

describe('bundleTypeOfName', () => {
  it.each([
    ['app.zip', 'zip'],
    ['app.ZIP', 'zip'],
    ['app.tgz', 'tgz'],
    ['app.tar.gz', 'tgz'],
    ['app.tar', 'tar'],
    ['app.gz', undefined],
    ['app.zip.bak', undefined],
    ['app', undefined],
  ])('%s → %s', (name, type) => {
    expect(bundleTypeOfName(name)).toBe(type);
  });
});
