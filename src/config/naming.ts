import { createHash } from 'node:crypto';

/** Values a group-name template may refer to; a missing one means "no value for this event". */
export interface PlaceholderValues {
  branch?: string;
  /** The part of the ref a pattern matched: 'login' for 'feature/login' under 'feature/*'. */
  name?: string;
  tag?: string;
  ref?: string;
  pr?: string;
  sha?: string;
  shortSha?: string;
  repo?: string;
}

export const PLACEHOLDERS = ['branch', 'name', 'tag', 'ref', 'pr', 'sha', 'shortSha', 'repo'] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

/** A {placeholder} in a template (the name is checked separately, so unknown ones can be reported). */
export const PLACEHOLDER = /\{([A-Za-z]+)\}/g;
const MAX_NAME = 100;
const HASH_LENGTH = 8;

export class PlaceholderError extends Error {
  constructor(
    readonly placeholder: string,
    readonly template: string,
  ) {
    super(`"{${placeholder}}" in "${template}" has no value for this event`);
    this.name = 'PlaceholderError';
  }
}

export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

export function isPlaceholderName(name: string): name is PlaceholderName {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/** Replaces placeholders, never producing the text "undefined": a missing value throws. */
export function fillPlaceholders(template: string, values: PlaceholderValues): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = isPlaceholderName(name) ? values[name] : undefined;
    if (value === undefined || value === '') throw new PlaceholderError(name, template);
    return value;
  });
}

/**
 * Makes any text a valid CodeDeploy name: 1–100 characters of A-Za-z0-9._+=,@-.
 * Accents are dropped (é → e), every other character becomes '-', and a name over 100
 * characters is cut and given a hash of the full text, so two long names never collide.
 */
export function safeGroupName(text: string): string {
  const replaced = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9._+=,@-]/gu, '-');
  const name = replaced === '' ? '-' : replaced;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
  return `${name.slice(0, MAX_NAME - HASH_LENGTH - 1)}-${hash}`;
}

/** Fills a group-name template and makes the result safe. */
export function groupName(template: string, values: PlaceholderValues): string {
  return safeGroupName(fillPlaceholders(template, values));
}
