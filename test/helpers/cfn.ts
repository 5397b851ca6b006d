import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

/** CloudFormation's short-form intrinsics (!Ref, !Sub...) read as their long form ({ "Fn::Sub": ... }). */
const INTRINSICS = [
  'Ref',
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'Base64',
  'Cidr',
  'GetAZs',
  'ImportValue',
  'Condition',
];

function longName(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

const tags: Tags = INTRINSICS.flatMap((name) => [
  {
    tag: `!${name}`,
    // !GetAtt Resource.Attribute is the string form of ["Resource", "Attribute"].
    resolve: (value: string) => ({
      [longName(name)]: name === 'GetAtt' ? value.split('.') : value,
    }),
  },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (seq: { toJSON(): unknown }) => ({ [longName(name)]: seq.toJSON() }),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (map: { toJSON(): unknown }) => ({ [longName(name)]: map.toJSON() }),
  },
]);

export interface Template {
  AWSTemplateFormatVersion?: string;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export function loadTemplate(file: string): Template {
  return parse(readFileSync(file, 'utf8'), { customTags: tags }) as Template;
}

/** Every value under `node` (depth first), with the key it was found under ('' for array items). */
export function* walk(node: unknown, key = ''): Generator<[string, unknown]> {
  yield [key, node];
  if (Array.isArray(node)) for (const item of node) yield* walk(item);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) yield* walk(v, k);
}

/** Parameter values: the template's defaults, overridden; a CommaDelimitedList is a list. */
export function parameterValues(
  template: Template,
  overrides: Record<string, string> = {},
): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(template.Parameters ?? {}).map(([name, parameter]) => {
      const value = overrides[name] ?? (parameter.Default === undefined ? '' : String(parameter.Default));
      return [name, parameter.Type === 'CommaDelimitedList' ? value.split(',') : value];
    }),
  );
}

/**
 * The Resources with every `Fn::ForEach::Name: [Identifier, Collection, Fragment]` loop expanded as
 * the AWS::LanguageExtensions transform does: `${Identifier}` becomes each value, `&{Identifier}` the
 * value without its non-alphanumeric characters.
 */
export function expandLoops(
  template: Template,
  parameters: Record<string, string | string[]>,
): Template['Resources'] {
  const resources: Template['Resources'] = {};
  for (const [key, value] of Object.entries(template.Resources)) {
    if (!key.startsWith('Fn::ForEach::')) {
      resources[key] = value;
      continue;
    }
    const [identifier, collection, fragment] = value as unknown as [string, unknown, Record<string, unknown>];
    const items = isRef(collection) ? [parameters[collection.Ref] ?? []].flat() : (collection as string[]);
    for (const item of items) {
      const replace = (text: string) =>
        text
          .replaceAll(`\${${identifier}}`, item)
          .replaceAll(`&{${identifier}}`, item.replace(/[^A-Za-z0-9]/g, ''));
      const substituted = JSON.parse(JSON.stringify(fragment), (_, v) =>
        typeof v === 'string' ? replace(v) : v,
      ) as Record<string, Template['Resources'][string]>;
      for (const [outKey, outValue] of Object.entries(substituted)) resources[replace(outKey)] = outValue;
    }
  }
  return resources;
}

const isRef = (node: unknown): node is { Ref: string } =>
  typeof node === 'object' && node !== null && 'Ref' in node;

/** What CloudFormation would make of an intrinsic-function tree, for the functions the example template uses. */
export function evaluate(
  node: unknown,
  context: {
    template: Template;
    parameters: Record<string, string | string[]>;
    /** Pseudo parameters and the physical values given to resources (`Resource`, `Resource.Arn`). */
    values: Record<string, string>;
  },
): unknown {
  const again = (child: unknown) => evaluate(child, context);
  const lookup = (name: string): string | string[] => {
    const found = context.parameters[name] ?? context.values[name];
    if (found === undefined) throw new Error(`no value for ${name}`);
    return found;
  };
  if (Array.isArray(node)) return node.map(again);
  if (!node || typeof node !== 'object') return node;
  const [[fn, argument]] = Object.entries(node) as [[string, unknown]];
  switch (fn) {
    case 'Ref':
      return lookup(String(argument));
    case 'Fn::GetAtt':
      return lookup((argument as string[]).join('.'));
    case 'Fn::Sub': {
      const [text, variables = {}] = Array.isArray(argument) ? argument : [argument];
      const own = Object.fromEntries(
        Object.entries(variables as Record<string, unknown>).map(([k, v]) => [k, again(v)]),
      );
      return String(text).replace(/\$\{([^}!]+)\}/g, (_, name: string) => String(own[name] ?? lookup(name)));
    }
    case 'Fn::Join': {
      const [separator, list] = argument as [string, unknown];
      return [again(list)].flat(2).join(separator);
    }
    case 'Fn::Equals': {
      const [a, b] = (argument as unknown[]).map(again);
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !(again((argument as unknown[])[0]) as boolean);
    case 'Fn::If': {
      const [condition, yes, no] = argument as [string, unknown, unknown];
      return again(context.template.Conditions?.[condition]) ? again(yes) : again(no);
    }
    default:
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, again(v)]));
  }
}

/** IAM's wildcard matching of ARNs and StringLike: `*` any run of characters, `?` any one. */
export function iamMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^$()|[\]{}\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}
