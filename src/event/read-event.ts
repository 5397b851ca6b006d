import { readFile } from 'node:fs/promises';
import { errorMessage, problem, UserError } from '../core/problems.js';
import { guessEventName, type RunnerEvent } from './trigger.js';

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

/**
 * A saved event payload as a runner hands it over (`local --event-file`, `plan --event-file`): its
 * event as named, or guessed from its shape; `sha` and `repository` stand in for GITHUB_SHA and
 * GITHUB_REPOSITORY, which the payload of some events does not repeat.
 */
export async function eventFromFile(
  file: string,
  given: { eventName?: string | undefined; sha?: string | undefined; repository?: string | undefined },
): Promise<RunnerEvent> {
  const payload = await readEventFile(file);
  return {
    eventName: given.eventName ?? guessEventName(payload),
    payload,
    payloadFile: file,
    ...(given.sha !== undefined ? { sha: given.sha } : {}),
    ...(given.repository ? { repository: given.repository } : {}),
  };
}
