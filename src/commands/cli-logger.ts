import type { Logger } from '../core/log.js';
import { formatProblem } from '../core/problems.js';

/** A Logger for the terminal: problems as PATH:LINE:COL: message, groups as a title and indented lines. */
export function consoleLogger(stream: NodeJS.WritableStream): Logger {
  let indent = '';
  const write = (line: string) => stream.write(`${line.replace(/^/gm, indent)}\n`);
  return {
    info: write,
    debug: () => undefined,
    warn: (message) => write(typeof message === 'string' ? `warning: ${message}` : formatProblem(message)),
    error: (message) => write(typeof message === 'string' ? `error: ${message}` : formatProblem(message)),
    untrusted: (heading, text) => write(`${heading}\n${inert(text)}`),
    group: async (title, body) => {
      write(title);
      indent += '    ';
      try {
        return await body();
      } finally {
        indent = indent.slice(4);
      }
    },
  };
}

/**
 * A hook's output with its control characters shown, not obeyed: an escape sequence in it could
 * otherwise move the cursor over earlier lines, retitle the terminal or write its clipboard.
 * Newlines and tabs stay.
 */
function inert(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
// C0 and C1 controls but newline and tab.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is made visible
const CONTROL_CHARACTERS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Progress and warnings go to stderr so stdout stays the result (parseable with --json). */
export function stderrLogger(): Logger {
  return consoleLogger(process.stderr);
}
