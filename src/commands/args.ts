import { parseArgs } from 'node:util';
import { UsageError } from './command.js';

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** node:util parseArgs with unknown flags and stray words reported as usage errors (exit 2). */
export function parseFlags<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
  }
  return value as T;
}

/** A whole number flag (a port, a count); `fallback` when it is not given. */
export function wholeNumber(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} needs a whole number (got "${text}")`);
  return Number(text);
}
