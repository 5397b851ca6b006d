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
