import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consoleLogger } from '../../src/commands/cli-logger.js';

function written(act: (log: ReturnType<typeof consoleLogger>) => void): string {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  act(consoleLogger(stream));
  return Buffer.concat(chunks).toString('utf8');
}

describe('consoleLogger', () => {
  it('shows the control characters of a hook’s output instead of sending them to the terminal', () => {
    const output = written((log) =>
      log.untrusted('i-1 ValidateService', 'ok\tdone\n\x1b]52;c;ZXZpbA==\x07\x1b[2A\rhidden\x9b31m'),
    );
    expect(output).toBe(
      'i-1 ValidateService\nok\tdone\n\\x1b]52;c;ZXZpbA==\\x07\\x1b[2A\\x0dhidden\\x9b31m\n',
    );
    const controls = [...output].filter((c) => c !== '\n' && c !== '\t' && c.charCodeAt(0) < 0x20);
    expect(controls).toEqual([]);
  });

  it('indents every line inside a group, the hook’s output included', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const log = consoleLogger(stream);
    await log.group('g › i-1', async () => log.untrusted('ApplicationStart', 'a\nb'));
    expect(Buffer.concat(chunks).toString('utf8')).toBe('g › i-1\n    ApplicationStart\n    a\n    b\n');
  });
});
