import { isNode, isScalar, type Pair, type ScalarTag, type Tags, visit } from 'yaml';
import { type Problem, warning } from '../../core/problems.js';
import { parseYamlSource, type YamlSource } from '../../core/yaml-source.js';

/**
 * The appspec as the CodeDeploy agent reads it: Ruby's Psych, YAML 1.1. Plain scalars resolve as
 * Psych's ScalarScanner#tokenize resolves them (ruby/psych lib/psych/scalar_scanner.rb), which
 * differs from the `yaml` package's own YAML 1.1 schema: `00010358` and `08` stay text (8 and 9
 * are not octal digits, and a decimal may not start with 0), `y`, `n` and `1e3` stay text, `YES` is
 * true, `1,000` is 1000. A repeated key is no error: the last one wins, as in Psych.
 */

const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';

/** Ruby's Integer() on Psych's integer forms: 0b binary, 0x hex, a leading 0 octal. */
function rubyInteger(text: string): number {
  const digits = text.replace(/[,_]/g, '');
  const sign = digits.startsWith('-') ? -1 : 1;
  const bare = digits.replace(/^[-+]/, '');
  if (/^0b/i.test(bare)) return sign * Number.parseInt(bare.slice(2), 2);
  if (/^0x/i.test(bare)) return sign * Number.parseInt(bare.slice(2), 16);
  if (/^0./.test(bare)) return sign * Number.parseInt(bare.slice(1), 8);
  return sign * Number.parseInt(bare, 10);
}

/** Psych's base 60: each part times 60 to the power |index - 2| (so 1:30 is 5400, as Psych reads it). */
function sexagesimal(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  return (
    sign *
    text
      .replace(/^[-+]/, '')
      .split(':')
      .reduce((sum, part, index) => sum + Number(part.replace(/_/g, '')) * 60 ** Math.abs(index - 2), 0)
  );
}

const PSYCH_SCALARS: ScalarTag[] = [
  { tag: 'tag:yaml.org,2002:null', default: true, test: /^(?:~|[Nn][Uu][Ll][Ll])?$/, resolve: () => null },
  { tag: 'tag:yaml.org,2002:bool', default: true, test: /^(?:yes|true|on)$/i, resolve: () => true },
  { tag: 'tag:yaml.org,2002:bool', default: true, test: /^(?:no|false|off)$/i, resolve: () => false },
  { tag: FLOAT, default: true, test: /^\+?\.inf$/i, resolve: () => Number.POSITIVE_INFINITY },
  { tag: FLOAT, default: true, test: /^-\.inf$/i, resolve: () => Number.NEGATIVE_INFINITY },
  { tag: FLOAT, default: true, test: /^\.nan$/i, resolve: () => Number.NaN },
  { tag: INT, default: true, test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9]){1,2}$/, resolve: sexagesimal },
  {
    tag: FLOAT,
    default: true,
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9]){1,2}\.[0-9_]*$/,
    resolve: sexagesimal,
  },
  {
    tag: FLOAT,
    default: true,
    // A lone "." (or "+.") is text; Psych drops "," and "_" and a "." before the exponent or the end.
    test: /^[-+]?(?:[0-9][0-9_,]*)?\.[0-9]*(?:[eE][-+][0-9]+)?$/,
    resolve: (text) =>
      /^[-+]?\.$/.test(text) ? text : Number(text.replace(/[,_]/g, '').replace(/\.(?=[Ee]|$)/, '')),
  },
  {
    tag: INT,
    default: true,
    // Psych's INTEGER_LEGACY: its default, which allows commas.
    test: /^(?:[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-F_,]+)$/,
    resolve: rubyInteger,
  },
];

/** The 1.1 schema's structure tags (maps, sequences, merge keys, explicit tags), Psych's scalars. */
function psychTags(tags: Tags): Tags {
  const structural = tags.filter(
    (tag) => typeof tag === 'string' || !('test' in tag && tag.test) || tag.tag === 'tag:yaml.org,2002:merge',
  );
  return [...structural, ...PSYCH_SCALARS];
}

// Psych reads these plain scalars as a Date or a Time (scalar_scanner.rb TIME and the date form).
const DATE = /^-?\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$/;
const TIME =
  /^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$/;

export interface AppSpecYaml {
  source: YamlSource;
  /** Syntax errors (the agent fails to read the file), then warnings about what Psych reads its own way. */
  problems: Problem[];
}

export function readAppSpecYaml(text: string, file: string): AppSpecYaml {
  const parsed = parseYamlSource(text, file, { version: '1.1', uniqueKeys: false, customTags: psychTags });
  if (parsed.problems.length > 0) return parsed;
  const problems: Problem[] = [];
  // Every node the visitor meets comes from the text, so it has a range.
  const at = (node: unknown) => ({ file, ...lineOf(text, isNode(node) ? (node.range?.[0] ?? 0) : 0) });
  visit(parsed.source.doc, {
    Map(_, map) {
      const kept = new Map<string, Pair>();
      for (const pair of [...map.items].reverse()) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        const later = kept.get(key);
        if (later === undefined) {
          kept.set(key, pair);
          continue;
        }
        const end = isNode(pair.value) ? pair.value.range?.[1] : undefined;
        const first = at(pair.key).line;
        const last = lineOf(text, Math.max(0, (end ?? 1) - 1)).line;
        const lines = last > first ? `lines ${first}–${last}` : `line ${first}`;
        problems.push(
          warning(
            `"${key}" is written again on line ${at(later.key).line}: the agent keeps only the last one, so this "${key}" (${lines}) is ignored`,
            at(pair.key),
            `merge the two "${key}" entries into one`,
          ),
        );
      }
    },
    Alias(_, alias) {
      problems.push(
        warning(
          `*${alias.source} is a YAML alias, which the CodeDeploy agent refuses on Ruby 3.1 or later (Amazon Linux 2023, Ubuntu 24.04)`,
          at(alias),
          'write the value out instead of the alias',
        ),
      );
    },
    Scalar(_, scalar) {
      if (scalar.type !== 'PLAIN' || typeof scalar.value !== 'string') return;
      if (!DATE.test(scalar.value) && !TIME.test(scalar.value)) return;
      problems.push(
        warning(
          `${scalar.value} is read by the agent's YAML parser as a date, which it refuses on Ruby 3.1 or later (Amazon Linux 2023, Ubuntu 24.04)`,
          at(scalar),
          `quote it: "${scalar.value}"`,
        ),
      );
    },
  });
  return { source: parsed.source, problems };
}

function lineOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}
