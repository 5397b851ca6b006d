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
    untrusted: (heading, text) => write(`${heading}\n${text}`),
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

/** Progress and warnings go to stderr so stdout stays the result (parseable with --json). */
export function stderrLogger(): Logger {
  return consoleLogger(process.stderr);
}
