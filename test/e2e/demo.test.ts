import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The README's first command: it must work from a clean clone after `npm ci`.
describe('npm run demo', () => {
  it('deploys to staging, test1 and test2, then shows a failure and the automatic rollback', async () => {
    const child = spawn(process.execPath, ['scripts/demo.mjs'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(output, output).toContain('outputs: status=succeeded');
    expect(code, output).toBe(0);
    expect(output).toMatch(/staging \(rollback\): d-\w+ Succeeded/);
    expect(output).toContain('ValidateService failed (ScriptFailed) in scripts/validate.sh');
    expect(output).toMatch(/\/health -> 503/);
    expect(output).toContain('outputs: status=failed');
    const afterRollback = output.slice(output.indexOf('after run 2'));
    expect(afterRollback.match(/Version 1\.0\.0/g)).toHaveLength(6);
    expect(output).not.toContain('Version 2.0.0');
  });
});
