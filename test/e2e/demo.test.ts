import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The README's first command: it must work from a clean clone after `npm ci`.
describe('npm run demo', () => {
  it('deploys in place to staging, test1 and test2, shows a failure and its rollback, then a blue/green switch', async () => {
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
    // A newcomer's first run warns about nothing (the embedded S3 serves every call the action makes).
    expect(output).not.toMatch(/::warning|^warning:/m);
    // Blue/green on production: the router serves the old version until the reroute, then the new one,
    // never an error. Between AllowTraffic on the new fleet and BlockTraffic on the old one both are
    // registered (src/local/router.ts), so on a busy machine the watcher may see them take turns.
    const during = /during run 4 \((\d+) requests, (\d+) errors\):\n((?: {4}.*\n)+)/.exec(output);
    expect(during, output).not.toBeNull();
    expect(Number(during![1])).toBeGreaterThan(0);
    expect(during![2]).toBe('0');
    const versions = during![3]!
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/).pop());
    expect(versions[0]).toBe('2.1.0');
    expect(versions.at(-1)).toBe('3.0.0');
    expect(new Set(versions)).toEqual(new Set(['2.1.0', '3.0.0']));
  }, 180_000);
});
