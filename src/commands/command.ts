/** A CLI command: parses its own arguments and returns the process exit code. */
export type CommandHandler = (argv: string[]) => Promise<number>;

export interface CommandSpec {
  summary: string;
  usage: string;
  load: () => Promise<{ default: CommandHandler }>;
}

/** Bad usage (unknown flag, missing value): exit code 2, as opposed to 1 for a config or deployment error. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
