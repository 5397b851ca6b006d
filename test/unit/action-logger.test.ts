import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionLogger, couldCommandTheRunner } from '../../src/action/logger.js';
import { readAsRunner } from '../helpers/runner.js';

// Hook output, CodeDeploy messages and names reach the log through the action's logger: whatever
// they hold, the runner (as test/helpers/runner.ts models it) must show them and execute nothing.

/** Every form of workflow command a hook (or anything else outside the run) could print. */
const HOSTILE = [
  '[stdout]fine\r::error::pwned by a carriage return',
  '[stdout]x\r::add-mask::DB_PASSWORD',
  '::set-output name=status::succeeded',
  '::stop-commands::mine',
  '   ::warning title=t::after white space',
  '\t::ERROR::upper case',
  '\u0085\u00a0::add-mask::after white space only .NET calls so',
  '[stdout]legacy ##[error]anywhere in a line',
  '##[add-mask]legacy mask',
  '::endgroup::',
];

let written = '';
beforeEach(() => {
  written = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written += String(chunk);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

describe('the action logger and text from outside the run', () => {
  it.each(HOSTILE)('a block of hook output holding %j is shown and executes nothing', (line) => {
    const tail = `[stdout]before\n${line}\n[stderr]after`;
    actionLogger.untrusted('log tail:', tail);
    const runner = readAsRunner(written);
    expect(runner.commands).toEqual([]);
    expect(runner.shown).toEqual(['log tail:', ...tail.split(/\r|\n/)]);
  });

  it.each(HOSTILE)('an info line quoting %j is shown and executes nothing', (line) => {
    actionLogger.info(`staging: deployment d-1 Failed: ${line}`);
    const runner = readAsRunner(written);
    expect(runner.commands).toEqual([]);
    expect(runner.shown.join('\n')).toBe(`staging: deployment d-1 Failed: ${line}`.replace(/\r/g, '\n'));
  });

  it('one block cannot end another: a tail that guesses the pause token still executes nothing', () => {
    actionLogger.untrusted('log tail:', '::stop-commands::guess');
    actionLogger.untrusted('log tail:', '::guess::\n::error::after the guessed token');
    expect(readAsRunner(written).commands).toEqual([]);
  });

  it('leaves ordinary lines as they are, without markers', () => {
    actionLogger.info('Plan: deploy to staging — branch "develop" matches "develop" (a.yml:3:3)');
    expect(written).toBe('Plan: deploy to staging — branch "develop" matches "develop" (a.yml:3:3)\n');
  });

  it('warnings and errors stay annotations whose text cannot break out', () => {
    actionLogger.error('f-a › i-1: ValidateService failed: \r::add-mask::x\n::set-output name=a::b');
    expect(readAsRunner(written).commands).toEqual([
      {
        name: 'error',
        properties: {},
        data: 'f-a › i-1: ValidateService failed: \r::add-mask::x\n::set-output name=a::b',
      },
    ]);
  });
});

describe('couldCommandTheRunner', () => {
  it('finds a command wherever the runner would read one', () => {
    for (const line of HOSTILE) expect(couldCommandTheRunner(line), line).toBe(true);
  });

  it('lets text through that the runner only shows', () => {
    for (const line of ['a::b', 'deployment d-1: Succeeded', '## heading', '[stdout]::x', 'x ##y[']) {
      expect(couldCommandTheRunner(line), line).toBe(false);
    }
  });
});
