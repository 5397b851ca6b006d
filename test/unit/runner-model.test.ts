import { describe, expect, it } from 'vitest';
import { readAsRunner } from '../helpers/runner.js';

// The runner model of test/helpers/runner.ts decides what the end-to-end tests believe the runner
// does with the action's stdout: it must read commands where actions/runner does, and only there.

describe('readAsRunner, the model of how actions/runner reads stdout', () => {
  it('splits lines on \\r as well as \\n and \\r\\n, so a carriage return starts a new line', () => {
    const view = readAsRunner('one\r::error::two\r\nthree\n::warning::four\n');
    expect(view.commands).toEqual([
      { name: 'error', properties: {}, data: 'two' },
      { name: 'warning', properties: {}, data: 'four' },
    ]);
    expect(view.shown).toEqual(['one', 'three']);
  });

  it('reads a command after leading white space, in any case, with its properties unescaped', () => {
    const view = readAsRunner(
      '  \t::ERROR file=a.yml,line=3,title=x%3Ay%2Cz::first%0Asecond%25\n::set-output name=status::ok\n',
    );
    expect(view.commands).toEqual([
      { name: 'error', properties: { file: 'a.yml', line: '3', title: 'x:y,z' }, data: 'first\nsecond%' },
      { name: 'set-output', properties: { name: 'status' }, data: 'ok' },
    ]);
  });

  it('trims white space as .NET does, U+0085 included', () => {
    expect(readAsRunner('\u0085\u2003::debug::x\n').commands).toEqual([
      { name: 'debug', properties: {}, data: 'x' },
    ]);
  });

  it('reads the legacy ##[command] anywhere in a line', () => {
    const view = readAsRunner('[stdout]text ##[add-mask]hunter2\n##[warning file=a]careful\n');
    expect(view.commands).toEqual([
      { name: 'add-mask', properties: {}, data: 'hunter2' },
      { name: 'warning', properties: { file: 'a' }, data: 'careful' },
    ]);
  });

  it('leaves unknown commands and lines that only contain :: as text', () => {
    const view = readAsRunner('::pwn::x\nsee ::error::here\n::error\n');
    expect(view.commands).toEqual([]);
    expect(view.shown).toEqual(['::pwn::x', 'see ::error::here', '::error']);
  });

  it('executes nothing between ::stop-commands::TOKEN and ::TOKEN::, and shows those lines', () => {
    const view = readAsRunner(
      [
        '::stop-commands::t0ken',
        '::error::inert',
        '::stop-commands::other',
        '##[add-mask]inert',
        '::other::',
        '::T0KEN::',
        '::notice::live again',
        '',
      ].join('\n'),
    );
    expect(view.commands).toEqual([{ name: 'notice', properties: {}, data: 'live again' }]);
    expect(view.shown).toEqual([
      '::error::inert',
      '::stop-commands::other',
      '##[add-mask]inert',
      '::other::',
    ]);
  });
});
