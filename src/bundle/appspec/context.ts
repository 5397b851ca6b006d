import { posix } from 'node:path';
import { isScalar } from 'yaml';
import { problem, warning } from '../../core/problems.js';
import { closest } from '../../core/suggest.js';
import type { YamlPath, YamlSource } from '../../core/yaml-source.js';
import type { AgentFailure, AppSpecOs, AppSpecProblem, BundleNode, BundleTree } from './model.js';
import { rubyText } from './ruby.js';

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a message, as YAML gave it. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}

/** A bundle-relative path as the agent resolves it (joined to the revision folder); null when it leaves it. */
export function toBundlePath(raw: string, os: AppSpecOs | undefined): string | null {
  const slashed = os === 'windows' ? raw.replaceAll('\\', '/') : raw;
  const normalized = posix.normalize(slashed.replace(/^\/+/, '') || '.').replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) return null;
  return normalized === '.' ? '' : normalized;
}

/**
 * What every section of the checks shares: the parsed file (to locate values), the bundle, the
 * platform once `os` is known, and the problems found so far.
 */
export class Context {
  readonly problems: AppSpecProblem[] = [];
  /** Undefined while `os` is missing or wrong: platform-specific checks are then skipped. */
  os: AppSpecOs | undefined;
  /** The misspelt key written for a required key that is missing, by the required key's path. */
  private readonly misspelt = new Map<string, string>();

  constructor(
    readonly source: YamlSource,
    private readonly text: string,
    readonly tree: BundleTree,
  ) {}

  /** An error: the agent fails the deployment on it, as `agent` says. */
  refuse(path: YamlPath, message: string, hint: string | undefined, agent: AgentFailure): void {
    this.problems.push({ ...problem(message, this.source.locate(path), hint), agent });
  }

  refuseAtKey(path: YamlPath, message: string, hint: string | undefined, agent: AgentFailure): void {
    this.problems.push({ ...problem(message, this.source.locateKey(path), hint), agent });
  }

  warn(path: YamlPath, message: string, hint?: string): void {
    this.problems.push(warning(message, this.source.locate(path), hint));
  }

  warnAtKey(path: YamlPath, message: string, hint?: string): void {
    this.problems.push(warning(message, this.source.locateKey(path), hint));
  }

  /** The mapping's keys in file order; a repeated key once, as the agent keeps it (the last). */
  keys(path: YamlPath): string[] {
    const all = this.source.entries(path).map(({ key }) => key);
    return all.filter((key, index) => !all.includes(key, index + 1));
  }

  /**
   * The agent ignores keys it does not know, so an unknown key silently does nothing: a warning,
   * with the known key it is probably meant to be. Where that key is `required` and missing, the
   * agent fails on its absence: refuseMissing reports it at the misspelt key instead.
   */
  unknownKeys(
    path: YamlPath,
    where: string,
    known: readonly string[],
    {
      required = [],
      misplaced = {},
    }: { required?: readonly string[]; misplaced?: Record<string, string> } = {},
  ): void {
    const written = this.keys(path);
    for (const key of written) {
      if (known.includes(key)) continue;
      const at = [...path, key];
      const moved = misplaced[key];
      if (moved !== undefined) {
        this.warnAtKey(at, `"${key}" does not belong ${where}, so the agent ignores it`, moved);
        continue;
      }
      const guess = closest(key, known);
      if (guess !== undefined && required.includes(guess) && !written.includes(guess)) {
        this.misspelt.set(JSON.stringify([...path, guess]), key);
      } else if (guess !== undefined) {
        this.warnAtKey(
          at,
          `unknown key "${key}" ${where} is ignored by the CodeDeploy agent`,
          `did you mean "${guess}"? Keys are case-sensitive`,
        );
      } else {
        this.warnAtKey(
          at,
          `unknown key "${key}" ${where} is ignored by the CodeDeploy agent`,
          `the keys it reads here are ${known.join(', ')}`,
        );
      }
    }
  }

  /**
   * A list, or an error the agent fails on as `agent` says; `example` is the one-line form the hint
   * shows (written as a mapping, the entries lack their "- ").
   */
  list(
    path: YamlPath,
    value: unknown,
    what: string,
    example: string,
    agent: AgentFailure,
  ): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    const item = isMapping(value) ? ': put "- " before the first key of each entry' : '';
    this.refuse(
      path,
      `${what} must be a list, found ${describe(value)}`,
      `write it as a list${item}, e.g. ${example}`,
      agent,
    );
    return undefined;
  }

  /**
   * Reports a required key the agent finds missing (true), at the misspelt key written for it when
   * there is one, else at `at`.
   */
  refuseMissing(
    path: YamlPath,
    value: unknown,
    at: YamlPath,
    message: string,
    hint: string,
    agent: AgentFailure,
  ): boolean {
    if (value !== undefined && value !== null) return false;
    const written = this.misspelt.get(JSON.stringify(path));
    if (written !== undefined) {
      const key = String(path[path.length - 1]);
      this.refuseAtKey(
        [...path.slice(0, -1), written],
        `${message}: "${written}" is not "${key}"`,
        `did you mean "${key}"? Keys are case-sensitive`,
        agent,
      );
    } else {
      this.refuse(at, message, hint, agent);
    }
    return true;
  }

  /** The scalar at `path` as written, to tell `0644` from `"0644"` (YAML parses both). */
  written(path: YamlPath): { text: string; plain: boolean } | undefined {
    const node = this.source.doc.getIn(path, true);
    if (!isScalar(node) || !node.range) return undefined;
    return { text: this.text.slice(node.range[0], node.range[1]), plain: node.type === 'PLAIN' };
  }

  /** Ruby's `to_s` of the value at `path` (see rubyText). */
  rubyTextAt(path: YamlPath, value: unknown): string | undefined {
    const written = this.written(path);
    return rubyText(value, written?.plain === true && /[.]|inf|nan/i.test(written.text));
  }

  /** A value for a message: numbers as written (1.0, 0644), since YAML turns them into other numbers. */
  shown(path: YamlPath, value: unknown): string {
    return typeof value === 'number' ? (this.written(path)?.text ?? String(value)) : describe(value);
  }

  /**
   * What the bundle holds at a bundle path. Windows file systems ignore case, so on `os: windows` a
   * path whose case differs still finds its file (and `resolved` is the path as it is in the bundle).
   */
  lookup(path: string): { node: BundleNode; resolved: string } | undefined {
    const exact = this.tree.node(path);
    if (exact) return { node: exact, resolved: path };
    if (this.os !== 'windows') return undefined;
    let resolved = '';
    for (const segment of path.split('/')) {
      const names = this.tree.list(resolved) ?? [];
      const match = names.find((name) => name.toLowerCase() === segment.toLowerCase());
      if (match === undefined) return undefined;
      resolved = resolved === '' ? match : `${resolved}/${match}`;
    }
    const node = this.tree.node(resolved);
    return node ? { node, resolved } : undefined;
  }

  /** Why a bundle path is missing: a near name in the same folder, else where paths start. */
  missingHint(relative: string): string {
    const dir = posix.dirname(relative);
    const folder = dir === '.' ? '' : dir;
    const names = this.tree.list(folder);
    const guess = names ? closest(posix.basename(relative), names) : undefined;
    const start = 'Paths are relative to the bundle root, the folder holding the appspec';
    return guess !== undefined ? `did you mean "${posix.join(folder, guess)}"? ${start}` : start;
  }
}
