import type { NormalizedSchema } from '@smithy/core/schema';
import { type ModelOperation, requiredMembers } from './api-model.js';
import { type Bounds, RULES, type Rule, rulesFor, type ValueRule } from './constraints.js';
import { ApiError } from './wire.js';

type Input = Record<string, unknown>;

/**
 * Reads a request by the API model, in the order AWS's JSON services do:
 * 1. its JSON shape: every member must be one the model names, of the model's JSON type, else
 *    SerializationException (what a JSON 1.1 service answers before the operation runs);
 * 2. its values: required members, then the rules of constraints.ts (enums, lengths, patterns,
 *    list sizes), each answered with the operation's declared error, else ValidationException.
 * Returns the input with timestamps as Dates and nulls dropped: the SDK's input types describe it.
 */
export function readRequest(operation: ModelOperation, body: Input, rules: readonly Rule[] = RULES): Input {
  const input = decode(operation.input, body, '') as Input;
  check(operation.name, operation.input, input, '', rules);
  return input;
}

function isObject(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const join = (path: string, member: string) => (path === '' ? member : `${path}.${member}`);

/** A value as an error message quotes it: JSON, cut short. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${show(value)}`;
}

function expected(schema: NormalizedSchema): string {
  if (schema.isStructSchema()) return `a ${schema.getName()} object`;
  if (schema.isListSchema()) return 'a list';
  if (schema.isMapSchema()) return 'a map (a JSON object)';
  if (schema.isBooleanSchema()) return 'true or false';
  if (schema.isNumericSchema()) return 'a whole number';
  if (schema.isTimestampSchema()) return 'a timestamp (epoch seconds)';
  return 'a string';
}

function serialization(path: string, schema: NormalizedSchema, value: unknown): ApiError {
  return new ApiError(
    'SerializationException',
    `${path === '' ? 'The request body' : path} must be ${expected(schema)}, not ${jsonType(value)}`,
  );
}

/** The JSON shape of a value, by its schema; null reads as absent. */
function decode(schema: NormalizedSchema, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (schema.isStructSchema()) {
    if (!isObject(value)) throw serialization(path, schema, value);
    const members = new Map(schema.structIterator());
    const entries: Array<[string, unknown]> = [];
    for (const [key, item] of Object.entries(value)) {
      const member = members.get(key);
      if (!member) {
        throw new ApiError(
          'SerializationException',
          `${join(path, key)} is not a member of ${schema.getName()} (its members: ${[...members.keys()].join(', ')})`,
        );
      }
      const decoded = decode(member, item, join(path, key));
      if (decoded !== undefined) entries.push([key, decoded]);
    }
    return Object.fromEntries(entries);
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) throw serialization(path, schema, value);
    const item = schema.getValueSchema();
    return value.map((entry, index) => {
      const at = `${path}[${index}]`;
      if (entry === null) throw serialization(at, item, entry);
      return decode(item, entry, at);
    });
  }
  if (schema.isMapSchema()) {
    if (!isObject(value)) throw serialization(path, schema, value);
    const item = schema.getValueSchema();
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, entry]) => [key, decode(item, entry, join(path, key))])
        .filter(([, entry]) => entry !== undefined),
    );
  }
  if (schema.isBooleanSchema()) {
    if (typeof value !== 'boolean') throw serialization(path, schema, value);
    return value;
  }
  // Every number of the CodeDeploy API is an integer or a long.
  if (schema.isNumericSchema()) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw serialization(path, schema, value);
    return value;
  }
  if (schema.isTimestampSchema()) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw serialization(path, schema, value);
    return new Date(value * 1000);
  }
  // The rest of the model is strings (the CodeDeploy API has no blobs or documents).
  if (typeof value !== 'string') throw serialization(path, schema, value);
  return value;
}

/** Required members and the rules of constraints.ts, depth first in the model's member order. */
function check(
  operation: string,
  schema: NormalizedSchema,
  value: unknown,
  path: string,
  rules: readonly Rule[],
): void {
  if (schema.isStructSchema()) {
    const structure = schema.getName() ?? '';
    const required = requiredMembers(schema);
    for (const [member, memberSchema] of schema.structIterator()) {
      const memberRules = rulesFor(operation, structure, member, rules);
      const at = join(path, member);
      const memberValue = (value as Input)[member];
      if (memberValue === undefined) {
        if (required.has(member) || memberRules.some((rule) => rule.required)) {
          const type = memberRules.find((rule) => rule.missing)?.missing ?? 'ValidationException';
          throw failure(type, `${at} is required`);
        }
        continue;
      }
      for (const rule of memberRules) applyRule(rule, memberValue, at, rule.error ?? 'ValidationException');
      check(operation, memberSchema, memberValue, at, rules);
    }
  } else if (schema.isListSchema()) {
    const item = schema.getValueSchema();
    (value as unknown[]).forEach((entry, index) => {
      check(operation, item, entry, `${path}[${index}]`, rules);
    });
  } else if (schema.isMapSchema()) {
    const item = schema.getValueSchema();
    for (const [key, entry] of Object.entries(value as Input)) {
      check(operation, item, entry, join(path, key), rules);
    }
  }
}

function failure(type: string, message: string): ApiError {
  // AWS's own wording for a constraint no declared error covers.
  return new ApiError(
    type,
    type === 'ValidationException' ? `1 validation error detected: ${message}` : message,
  );
}

function outside(value: number, bounds: Bounds): boolean {
  return (bounds.min !== undefined && value < bounds.min) || (bounds.max !== undefined && value > bounds.max);
}

function describeBounds(bounds: Bounds, unit: string): string {
  if (bounds.min !== undefined && bounds.max !== undefined)
    return `from ${bounds.min} to ${bounds.max}${unit}`;
  return bounds.max !== undefined ? `at most ${bounds.max}${unit}` : `at least ${bounds.min}${unit}`;
}

function applyRule(rule: ValueRule, value: unknown, path: string, type: string): void {
  if (typeof value === 'string') {
    const length = [...value].length;
    if (rule.chars && outside(length, rule.chars)) {
      throw failure(
        type,
        `${path} is ${length} characters long: use ${describeBounds(rule.chars, ' characters')}`,
      );
    }
    if (rule.pattern && !rule.pattern.regex.test(value)) {
      throw failure(type, `${path} ${show(value)} is not ${rule.pattern.says}`);
    }
    if (rule.oneOf && !Object.values(rule.oneOf).includes(value)) {
      throw failure(
        type,
        `${path} must be one of ${Object.values(rule.oneOf).join(', ')} (got ${show(value)})`,
      );
    }
  } else if (typeof value === 'number') {
    if (rule.range && outside(value, rule.range)) {
      throw failure(type, `${path} is ${value}: it must be ${describeBounds(rule.range, '')}`);
    }
  } else if (Array.isArray(value)) {
    if (rule.items && outside(value.length, rule.items)) {
      throw failure(type, `${path} has ${value.length} items: it takes ${describeBounds(rule.items, '')}`);
    }
    const each = rule.each;
    if (each) {
      value.forEach((item, index) => {
        applyRule(each, item, `${path}[${index}]`, type);
      });
    }
  } else if (isObject(value) && rule.each) {
    for (const key of Object.keys(value)) applyRule(rule.each, key, `${path} key`, type);
  }
}
