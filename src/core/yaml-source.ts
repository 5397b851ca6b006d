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
  Scalar,
  type SchemaOptions,
  visit,
} from 'yaml';
import { type Problem, problem, type SourceLocation } from './problems.js';

export type YamlPath = ReadonlyArray<string | number>;

/** A parsed YAML file that can answer "where is this value?" for any path, for error messages. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  /** Plain JS value of the document: null when it is empty, undefined when it has a syntax error. */
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
  /** Syntax errors (`source.value` is then undefined), and the unquoted placeholders of `placeholders`. */
  problems: Problem[];
}

/**
 * How a file is read: YAML 1.2 with unique keys unless its reader says otherwise (the appspec's reads
 * YAML 1.1, as the agent does).
 */
export type YamlReading = Pick<ParseOptions, 'uniqueKeys'> &
  Pick<SchemaOptions, 'customTags'> & {
    version?: '1.1';
    /**
     * The file's values hold {placeholders}. YAML reads an unquoted `{branch}` as the mapping
     * {branch: null}, which is never what was meant: it is an error that says how to quote it, and the
     * rest of the file is checked with the text that was meant.
     */
    placeholders?: boolean;
  };

export function parseYamlSource(text: string, file: string, reading: YamlReading = {}): ParsedYaml {
  const { placeholders, ...options } = reading;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    ...options,
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
  const problems = syntaxProblems(doc, at, lineText);
  if (problems.length === 0 && placeholders) {
    problems.push(...readUnquotedPlaceholders(doc, text, at, lineText));
  }

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

  const value = doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
  return { source: { file, doc, value, locate, locateKey, entries }, problems };
}

type At = (offset: number) => SourceLocation;

// In YAML, { starts a mapping and [ ] , are flow syntax: a value that starts with a placeholder, or a
// placeholder inside [ ], must be quoted.
const PLACEHOLDER_FIX = 'quote values that hold {placeholders}: write';

function syntaxProblems(doc: Document.Parsed, at: At, lineText: (offset: number) => string): Problem[] {
  const unterminated = doc.errors.filter((error) => /^Missing closing .?quote/.test(error.message));
  return doc.errors.flatMap((error) => {
    if (unterminated.includes(error)) return [unclosedQuote(doc, error.pos[0], at)];
    // A quote left open swallows the rest of the file, and the parser's other complaints there with it.
    if (unterminated.some((quote) => quote.pos[0] === error.pos[0])) return [];
    const line = lineText(error.pos[0]);
    const quoted = error.code === 'TAB_AS_INDENT' ? line : quotePlaceholders(line);
    return [
      problem(
        `YAML syntax: ${firstLine(error.message)}`,
        at(error.pos[0]),
        quoted === line ? yamlHint(error.code) : `${PLACEHOLDER_FIX} ${quoted.trim()}`,
      ),
    ];
  });
}

/** The parser notices a missing closing quote at the end of the file; say where the quote opened. */
function unclosedQuote(doc: Document.Parsed, end: number, at: At): Problem {
  let opened: Scalar | undefined;
  visit(doc, {
    Scalar(_, node) {
      const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
      if (quoted && node.range && node.range[0] < end && node.range[1] >= end) opened = node;
    },
  });
  const mark = opened?.type === Scalar.QUOTE_SINGLE ? "'" : '"';
  return problem(
    `YAML syntax: the ${mark} opened here is never closed, so the value runs to the end of the file`,
    at(opened?.range?.[0] ?? end),
    `end the value with ${mark} on this line`,
  );
}

/** A lone `{name}` written as a value: YAML's mapping {name: null}, meant as the text "{name}". */
function readUnquotedPlaceholders(
  doc: Document.Parsed,
  text: string,
  at: At,
  lineText: (offset: number) => string,
): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Map(_, node) {
      if (!node.flow || !node.range) return undefined;
      const written = text.slice(node.range[0], node.range[1]).trimEnd();
      if (!/^\{[A-Za-z]+\}$/.test(written)) return undefined;
      problems.push(
        problem(
          `${written} is not quoted, so YAML reads it as a mapping, not as the text "${written}"`,
          at(node.range[0]),
          `${PLACEHOLDER_FIX} ${quotePlaceholders(lineText(node.range[0])).trim()}`,
        ),
      );
      const meant = new Scalar(written);
      meant.range = node.range;
      return meant;
    },
  });
  return problems;
}

/** The line with every unquoted word that holds a {placeholder} in single quotes: the fix to show. */
export function quotePlaceholders(line: string): string {
  return line.replace(/'[^']*'|"(?:[^"\\]|\\.)*"|(?:[^\s,[\]{}'"#:]|:(?=\S)|\{[A-Za-z]+\})+/g, (token) =>
    /^['"]/.test(token) || !/\{[A-Za-z]+\}/.test(token) ? token : `'${token}'`,
  );
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
