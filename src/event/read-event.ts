import { readFile } from 'node:fs/promises';
import { errorMessage, problem, UserError } from '../core/problems.js';

/** The JSON of a GitHub event file (GITHUB_EVENT_PATH, or one saved for `local --event-file`). */
export async function readEventFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError(
      problem(
        `cannot read the event payload: ${errorMessage(error)}`,
        { file },
        'give the path of a GitHub event JSON file',
      ),
    );
  }
}
