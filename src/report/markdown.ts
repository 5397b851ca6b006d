/**
 * Markdown that survives whatever CodeDeploy, a config file or a script's output puts in it: the
 * job summary and the pull-request comment are rendered by GitHub as GFM with inline HTML, so a
 * stray `|`, `<`, `**` or ``` in a log tail must not break the table, open a tag or end a block.
 */

/** Inline text: backslash-escapes what GFM (and GitHub's `$` math) would otherwise interpret. */
export function text(value: string): string {
  return oneLine(value).replace(/[\\`*_[\]<>|~&$#!]/g, (c) => `\\${c}`);
}

/** An inline code span; the fence is longer than any run of backticks inside. */
export function code(value: string): string {
  const line = oneLine(value);
  const fence = '`'.repeat(longestRun(line, '`') + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A fenced code block; the fence is longer than any run of backticks inside. */
export function codeBlock(value: string, lang = 'text'): string {
  const body = stripControl(value).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}${lang}\n${body}\n${fence}`;
}

/** Text inside HTML (`<summary>`), where markdown escapes do not apply. */
export function html(value: string): string {
  return oneLine(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A link whose destination cannot end early (spaces, parentheses, angle brackets are encoded). */
export function link(label: string, url: string): string {
  const safe = url.replace(/[\s()<>]/g, (c) => encodeURIComponent(c));
  return `[${label}](${safe})`;
}

/**
 * One table cell. Cells are built from already-escaped pieces; GFM splits rows on `|` even inside
 * code spans, so the pipes of code spans are escaped here too.
 */
export function cell(value: string): string {
  return value.replace(/(?<!\\)\|/g, '\\|');
}

export function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

/** Terminal colours and other control characters (keeps newlines and tabs). */
export function stripControl(value: string): string {
  return (
    value
      .replace(/\r\n?/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is removed
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
  );
}

function oneLine(value: string): string {
  return stripControl(value).replace(/\s*\n\s*/g, ' ');
}

function longestRun(value: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of value) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** A GitHub environment's name, linked to its URL when it has one. */
export function environmentLink(name: string, url: string | undefined): string {
  return url ? link(text(name), url) : text(name);
}
