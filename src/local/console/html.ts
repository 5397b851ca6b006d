/**
 * HTML where every interpolated value is text unless it is itself HTML built here: names, hook
 * output and AWS messages come from users and scripts, so escaping is the default, not a step a
 * page could forget.
 */
export class Html {
  constructor(readonly text: string) {}
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Text, HTML, lists of either; nothing for undefined, null and false (for conditional parts). */
export type Fragment = Html | string | number | undefined | null | false | readonly Fragment[];

function render(value: Fragment): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Fragment[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(text);
}

/** A link inside the console: each path segment is URL-encoded (and the whole escaped by html``). */
export function consolePath(...segments: string[]): string {
  return `/console/${segments.map(encodeURIComponent).join('/')}`;
}
