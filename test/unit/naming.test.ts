import { describe, expect, it } from 'vitest';
import { fillPlaceholders, groupName, PlaceholderError, safeGroupName } from '../../src/config/naming.js';

const VALID = /^[A-Za-z0-9._+=,@-]{1,100}$/;

describe('safeGroupName', () => {
  it.each([
    ['production', 'production'],
    ['feature/login', 'feature-login'],
    ['feature/a/b/c', 'feature-a-b-c'],
    ['fix #12: crash', 'fix--12--crash'],
    ['Über-Straße', 'Uber-Stra-e'],
    ['café', 'cafe'],
    ['日本語', '---'],
    ['emoji-🚀', 'emoji--'],
    ['keep._+=,@-', 'keep._+=,@-'],
    ['tab\there', 'tab-here'],
    ['', '-'],
  ])('%j becomes %j', (input, expected) => {
    expect(safeGroupName(input)).toBe(expected);
    expect(safeGroupName(input)).toMatch(VALID);
  });

  it('replaces every slash, not only the first', () => {
    expect(safeGroupName('a/b/c/d')).not.toContain('/');
  });

  it('keeps names of exactly 100 characters', () => {
    const name = 'x'.repeat(100);
    expect(safeGroupName(name)).toBe(name);
  });

  it('cuts long names to 100 characters with a stable hash suffix', () => {
    const long = `feature/${'very-long-branch-name-'.repeat(8)}`;
    const once = safeGroupName(long);
    expect(once).toHaveLength(100);
    expect(once).toMatch(VALID);
    expect(once).toMatch(/-[0-9a-f]{8}$/);
    expect(safeGroupName(long)).toBe(once);
  });

  it('gives different names to long names that differ only after the cut', () => {
    const base = `feature/${'x'.repeat(120)}`;
    const a = safeGroupName(`${base}-one`);
    const b = safeGroupName(`${base}-two`);
    expect(a).not.toBe(b);
    expect(a.slice(0, 91)).toBe(b.slice(0, 91));
  });

  it('gives different names to long names that sanitise alike but differ in the original', () => {
    const base = 'y'.repeat(120);
    expect(safeGroupName(`${base}/a`)).not.toBe(safeGroupName(`${base}-a`));
  });

  it('counts astral characters as one character each', () => {
    expect(safeGroupName('🚀'.repeat(150))).toHaveLength(100);
  });
});

describe('placeholders', () => {
  it('fills every known placeholder', () => {
    const values = {
      branch: 'b',
      name: 'n',
      tag: 't',
      ref: 'r',
      pr: '7',
      sha: 'abc',
      shortSha: 'ab',
      repo: 'shop',
    };
    expect(fillPlaceholders('{branch}{name}{tag}{ref}{pr}{sha}{shortSha}{repo}', values)).toBe(
      'bntr7abcabshop',
    );
  });

  it('throws instead of writing "undefined" for a placeholder with no value', () => {
    expect(() => fillPlaceholders('pr-{pr}', { branch: 'x' })).toThrow(PlaceholderError);
    expect(() => fillPlaceholders('pr-{pr}', { branch: 'x' })).toThrow('"{pr}" in "pr-{pr}" has no value');
  });

  it('treats an empty value as missing', () => {
    expect(() => fillPlaceholders('{sha}', { sha: '' })).toThrow(PlaceholderError);
  });

  it('sanitises the filled name', () => {
    expect(groupName('feature-{branch}', { branch: 'feature/Login Page' })).toBe(
      'feature-feature-Login-Page',
    );
  });
});
