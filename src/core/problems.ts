/**
 * One error type for everything a person must fix: it carries where (file, line, column) and how.
 * Faces decide how to print it: `PATH:LINE:COL: message` in the CLI, annotations in the action.
 */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

export type Severity = 'error' | 'warning';

export interface Problem {
  severity: Severity;
  message: string;
  /** What to write or do instead. */
  hint?: string;
  location?: SourceLocation;
}

export class UserError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[] | Problem | string) {
    const list =
      typeof problems === 'string' ? [{ severity: 'error' as const, message: problems }] : [problems].flat();
    super(list.map(formatProblem).join('\n'));
    this.name = 'UserError';
    this.problems = list;
  }
}

export function problem(message: string, location?: SourceLocation, hint?: string): Problem {
  return { severity: 'error', message, ...(hint ? { hint } : {}), ...(location ? { location } : {}) };
}

export function warning(message: string, location?: SourceLocation, hint?: string): Problem {
  return { ...problem(message, location, hint), severity: 'warning' };
}

export function formatLocation(location: SourceLocation): string {
  const { file, line, col } = location;
  if (line === undefined) return file;
  return col === undefined ? `${file}:${line}` : `${file}:${line}:${col}`;
}

/** `PATH:LINE:COL: warning: message (fix)`. */
export function formatProblem(p: Problem): string {
  return formatWith(p, p.severity === 'warning' ? 'warning: ' : '');
}

/** The text of an annotation: GitHub shows whether it is a warning, so the text does not repeat it. */
export function formatAnnotation(p: Problem): string {
  return formatWith(p, '');
}

function formatWith(p: Problem, severity: string): string {
  const where = p.location ? `${formatLocation(p.location)}: ` : '';
  const hint = p.hint ? ` (${p.hint})` : '';
  return `${where}${severity}${p.message}${hint}`;
}

/** Orders problems as they stand in their file: line, then column. */
export function byLocation(a: Problem, b: Problem): number {
  return (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0);
}

/** Throws one UserError listing every error, so a person fixes them all in one go. */
export function throwIfErrors(problems: Problem[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new UserError(errors);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What an error says, as problems: a UserError's own, or one made of any other error's message. */
export function problemsOf(error: unknown): Problem[] {
  return error instanceof UserError ? error.problems : [problem(errorMessage(error))];
}
