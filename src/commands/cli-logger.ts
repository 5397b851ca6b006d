import type { Logger } from '../core/log.js';
import { formatProblem } from '../core/problems.js';

/** Progress and warnings go to stderr so stdout stays the result (parseable with --json). */
export function stderrLogger(): Logger {
  const write = (line: string) => process.stderr.write(`${line}\n`);
  return {
    info: write,
    debug: () => undefined,
    warn: (message) => write(typeof message === 'string' ? `warning: ${message}` : formatProblem(message)),
    error: (message) => write(typeof message === 'string' ? `error: ${message}` : formatProblem(message)),
    group: (title, body) => {
      write(title);
      return body();
    },
  };
}
