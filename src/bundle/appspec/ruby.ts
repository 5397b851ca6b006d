/**
 * How the agent's Ruby code fails on a value of the wrong shape: the messages of the NoMethodError
 * or TypeError the deployment then fails with (Ruby 3.3 wording), for the diagnostics of a
 * rehearsal.
 */

function rubyClass(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (value === true || value === false) return String(value);
  if (Array.isArray(value)) return 'an instance of Array';
  if (typeof value === 'string') return 'an instance of String';
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'an instance of Integer' : 'an instance of Float';
  return 'an instance of Hash';
}

/** `value.method` where the value has no such method. */
export function noMethod(method: string, value: unknown): string {
  return `undefined method '${method}' for ${rubyClass(value)}`;
}

/** `list['key']` on an Array (or an Integer): Ruby wants an index. */
export const NOT_AN_INDEX = 'no implicit conversion of String into Integer';

/** Ruby's `inspect` of a value Psych produced (Ruby 3.3: `{"name"=>"x"}`). */
export function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}=>${rubyInspect(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Ruby's String#split with one separator and no limit: trailing empty fields are dropped. */
export function rubySplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Ruby's split(separator, 2): the text before the first separator and all after it. */
export function splitOnce(text: string, separator: string): string[] {
  const at = text.indexOf(separator);
  return at === -1 ? [text] : [text.slice(0, at), text.slice(at + separator.length)];
}

/**
 * Ruby's `to_s` on a scalar Psych produced, which is how the agent turns `location`, `runas`,
 * `object` and `mode` into text (application_specification.rb, mode_info.rb); undefined for a
 * list or a mapping. `float` says Psych made a Float of a number (6.0 is "6.0", not "6").
 */
export function rubyText(value: unknown, float = false): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'number') return undefined;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return float && Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * Ruby's `to_i`, as script_info.rb converts `timeout`: the leading integer of a string (0 when there
 * is none, so "5m" is 5 and "abc" 0), a float truncated; undefined where Ruby has no `to_i` (true, a
 * list, a mapping: the agent fails with NoMethodError).
 */
export function rubyInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*([-+]?\d+(?:_\d+)*)/.exec(value);
  return match ? Number(match[1]!.replaceAll('_', '')) : 0;
}
