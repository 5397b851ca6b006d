import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  type ParseOptions,
  parseDocument,
  type SchemaOptions,
} from 'yaml';
import { type Problem, problem, type SourceLocation } from './problems.js';

export type YamlPath = ReadonlyArray<string | number>;

/** A parsed YAML file that can answer "where is this value?" for any path, for error messages. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  /** Plain JS value of the document (undefined when the file is empty). */
  value: unknown;
  /** Location of the value at `path`, or of its deepest existing ancestor. */
  locate(path: YamlPath): SourceLocation;
  /** Location of the key of the entry at `path` (its last segment), for "unknown key" messages. */
  locateKey(path: YamlPath): SourceLocation;
  /** Entries of the mapping at `path` in file order (JS objects reorder integer-like keys). */
  entries(path: YamlPath): Array<{ key: string; value: unknown }>;
}

export interface ParsedYaml {
  source: YamlSource;
  problems: Problem[];
}

/** YAML 1.2 with unique keys unless the file's reader says otherwise (the appspec's reads YAML 1.1). */
export type YamlReading = Pick<ParseOptions, 'uniqueKeys'> &
  Pick<SchemaOptions, 'customTags'> & { version?: '1.1' };

export function parseYamlSource(text: string, file: string, reading: YamlReading = {}): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    ...reading,
  });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const lineText = (offset: number): string => {
    const start = text.lastIndexOf('\n', offset - 1) + 1;
    const end = text.indexOf('\n', offset);
    return text.slice(start, end === -1 ? undefined : end);
  };
  const problems: Problem[] = doc.errors.map((error) =>
    problem(
      `YAML syntax: ${firstLine(error.message)}`,
      at(error.pos[0]),
      // In YAML, { starts a mapping: a placeholder at the start of a value or inside [ ] must be quoted.
      error.code !== 'TAB_AS_INDENT' && /[\w-]\{[A-Za-z]+\}/.test(lineText(error.pos[0]))
        ? "quote values that hold {placeholders}, e.g. ['pr-{pr}'] or '{branch}-preview'"
        : yamlHint(error.code),
    ),
  );

  /** The node at `path`; `found` is false when only an ancestor exists. */
  const walk = (path: YamlPath): { node: Node | null; pair?: Pair; found: boolean } => {
    let node: unknown = doc.contents;
    let pair: Pair | undefined;
    let depth = 0;
    for (const segment of path) {
      if (isMap(node)) {
        // Where a key repeats (allowed by some readers), the last one is the one a reader keeps.
        const match = node.items.findLast((item) => isPair(item) && keyText(item.key) === String(segment));
        if (!match) break;
        pair = match as Pair;
        node = match.value;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        pair = undefined;
        node = node.items[segment];
      } else {
        break;
      }
      depth++;
    }
    return { node: isNode(node) ? node : null, ...(pair ? { pair } : {}), found: depth === path.length };
  };

  const rangeOf = (node: unknown): number | undefined =>
    isNode(node) && node.range ? node.range[0] : undefined;

  const locate = (path: YamlPath): SourceLocation => {
    const { node, pair } = walk(path);
    const offset = rangeOf(node) ?? rangeOf(pair?.key) ?? rangeOf(doc.contents);
    return offset === undefined ? { file, line: 1, col: 1 } : at(offset);
  };

  const locateKey = (path: YamlPath): SourceLocation => {
    const { pair } = walk(path);
    const offset = rangeOf(pair?.key);
    return offset === undefined ? locate(path) : at(offset);
  };

  const entries = (path: YamlPath): Array<{ key: string; value: unknown }> => {
    const { node, found } = walk(path);
    if (!found || !isMap(node)) return [];
    return node.items.map((item) => ({
      key: keyText(item.key),
      value: isNode(item.value) ? item.value.toJSON() : item.value,
    }));
  };

  const value = problems.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
  return { source: { file, doc, value, locate, locateKey, entries }, problems };
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a mapping; merge the two entries';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and the ":" after each key';
    default:
      return undefined;
  }
}
