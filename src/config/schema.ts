import type { ErrorObject } from 'ajv';
import { type Problem, problem } from '../core/problems.js';
import { didYouMean } from '../core/suggest.js';
import type { YamlPath, YamlSource } from '../core/yaml-source.js';
import validate from './config-schema.js';

interface SchemaNode {
  description?: string;
  errorHint?: string;
  properties?: Record<string, SchemaNode>;
  enum?: unknown[];
}

// `errorHint` in the schema is our annotation: the fix to show when a value breaks a rule.
/** Checks the parsed file against schema/codedeploy.schema.json; every error located in the file. */
export function checkSchema(source: YamlSource): Problem[] {
  if (validate(source.value)) return [];
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'if');
  // A failed oneOf also reports each failed branch. When a branch of the right type failed deeper
  // (a bad item in a list), that error is the precise one; otherwise the oneOf's own message is.
  const relevant = errors.filter((error) => {
    const oneOf = errors.find(
      (e) => e.keyword === 'oneOf' && error.schemaPath.startsWith(`${e.schemaPath}/`),
    );
    if (oneOf) return error.instancePath.length > oneOf.instancePath.length;
    if (error.keyword !== 'oneOf') return true;
    return !errors.some(
      (e) =>
        e.schemaPath.startsWith(`${error.schemaPath}/`) && e.instancePath.length > error.instancePath.length,
    );
  });
  const problems = relevant
    .filter((error) => !explainedByTypo(error, relevant))
    .map((e) => toProblem(e, source));
  return dedupe(problems);
}

// "missing bucket" next to "unknown key bukket" says the same thing twice: keep the typo.
function explainedByTypo(error: ErrorObject, errors: ErrorObject[]): boolean {
  if (error.keyword !== 'required') return false;
  const missing = String(error.params.missingProperty);
  return errors.some(
    (other) =>
      other.keyword === 'additionalProperties' &&
      other.instancePath === error.instancePath &&
      didYouMean(String(other.params.additionalProperty), [missing]) !== undefined,
  );
}

function toProblem(error: ErrorObject, source: YamlSource): Problem {
  const path = pointerToPath(error.instancePath);
  const where = describePath(path);
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {}).filter((k) => k !== '$schema');
      return problem(
        `unknown key "${key}"${where ? ` in ${where}` : ''}`,
        source.locateKey([...path, key]),
        didYouMean(key, allowed) ?? `allowed keys: ${allowed.join(', ')}`,
      );
    }
    case 'required': {
      const key = String(error.params.missingProperty);
      const description = parent.properties?.[key]?.description;
      return problem(
        `missing required key "${key}"${where ? ` in ${where}` : ' at the top level'}`,
        source.locate(path),
        `add "${key}:"${description ? `: ${sentence(description)}` : ''}`,
      );
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const list = allowed.join(', ');
      const typo = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined;
      return problem(
        `${where} cannot be ${describeValue(error.data)}`,
        source.locate(path),
        typo ? `${typo} It is one of: ${list}` : `write one of: ${list}`,
      );
    }
    case 'type':
      if (parent.errorHint) {
        return problem(
          `${where} cannot be ${describeValue(error.data)}`,
          source.locate(path),
          `write ${parent.errorHint}`,
        );
      }
      return problem(
        `${where || 'the file'} must be ${article(String(error.params.type))}, not ${describeValue(error.data)}`,
        source.locate(path),
        parent.description ? sentence(parent.description) : undefined,
      );
    case 'pattern':
      return problem(
        `${where} ${JSON.stringify(error.data)} is not valid`,
        source.locate(path),
        parent.errorHint ? `write ${parent.errorHint}` : undefined,
      );
    case 'minItems':
      return problem(
        `${where} is an empty list`,
        source.locate(path),
        parent.errorHint
          ? `write ${parent.errorHint}`
          : 'list at least one deployment group, or write ~ to skip this ref',
      );
    case 'oneOf':
      return problem(
        `${where} cannot be ${describeValue(error.data)}`,
        source.locate(path),
        parent.errorHint
          ? `write ${parent.errorHint}`
          : parent.description
            ? sentence(parent.description)
            : undefined,
      );
    default:
      return problem(
        `${where || 'the file'} ${error.message ?? 'is not valid'}`,
        source.locate(path),
        parent.errorHint ? `write ${parent.errorHint}` : undefined,
      );
  }
}

function pointerToPath(pointer: string): YamlPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/** `branches › feature/* › create`, as a person reads the file. */
export function describePath(path: YamlPath): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : segment)).join(' › ');
}

function describeValue(value: unknown): string {
  if (value === null) return 'empty (~)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping (key: value lines)',
    array: 'a list',
    string: 'a string',
    boolean: 'true or false',
    null: 'empty (~)',
  };
  return names[type] ?? type;
}

/** A schema description as a hint: no trailing period, first letter lower-cased unless it is an acronym. */
function sentence(text: string): string {
  const trimmed = text.replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(trimmed) ? trimmed.charAt(0).toLowerCase() + trimmed.slice(1) : trimmed;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.location?.line}:${p.location?.col}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
