import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/commands/command.js';
import { runEmulator } from '../../src/commands/emulator.js';
import { ROLE, TEST_CREDENTIALS, tempDir } from '../helpers/local.js';

describe('emulator command', () => {
  it('serves CodeDeploy and an embedded S3 until stopped, keeps the state in --data, prints each group’s router', async () => {
    const dataDir = await tempDir();
    const stop = new AbortController();
    const lines: string[] = [];
    let ready: (endpoints: { codedeploy: string; console: string; s3?: string }) => void = () => {};
    const endpoints = new Promise<{ codedeploy: string; console: string; s3?: string }>((resolve) => {
      ready = resolve;
    });
    const run = runEmulator(
      [
        '--data',
        dataDir,
        '--instances-per-group',
        '3',
        '--time-scale',
        '0.5',
        '--realistic-timing',
        '--throttle',
        '50',
      ],
      {
        signal: stop.signal,
        out: (line) => lines.push(line),
        onReady: ready,
      },
    );
    const { codedeploy, s3 } = await endpoints;
    const client = new CodeDeployClient({
      endpoint: codedeploy,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    const s3Client = new S3Client({
      endpoint: s3,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    await client.send(new CreateApplicationCommand({ applicationName: 'from-the-command' }));
    await client.send(
      new CreateDeploymentGroupCommand({
        applicationName: 'from-the-command',
        deploymentGroupName: 'production',
        serviceRoleArn: ROLE,
      }),
    );
    const routed = lines.find((line) => line.startsWith('router of from-the-command/production on '));
    expect(routed).toMatch(/^router of from-the-command\/production on http:\/\/127\.0\.0\.1:\d+$/);
    const url = routed?.split(' on ')[1] ?? '';
    expect((await fetch(url)).status).toBe(503);
    expect((await s3Client.send(new ListBucketsCommand({}))).Buckets).toEqual([]);
    client.destroy();
    s3Client.destroy();
    stop.abort();
    expect(await run).toBe(0);
    expect(lines).toContain(`  export AWS_ENDPOINT_URL_CODEDEPLOY=${codedeploy}`);
    expect(lines).toContain(`  export AWS_ENDPOINT_URL_S3=${s3}`);
    expect(lines).toContain(`console: ${codedeploy}/console/`);
    // Hooks run on this machine as whoever started it: said when that is root.
    expect(lines.some((line) => line.startsWith('warning: the emulator runs as root'))).toBe(
      process.getuid?.() === 0,
    );
    expect(lines).toContain(
      'realistic timing: each deployment stays Created 2 s, then Queued 3 s, before its instances are assigned',
    );
    expect(lines).toContain('throttling: past 50 API calls per second, ThrottlingException');
    const saved = JSON.parse(await readFile(join(dataDir, 'codedeploy/applications.json'), 'utf8'));
    expect(saved.map((a: { applicationName: string }) => a.applicationName)).toEqual(['from-the-command']);
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    [[], '--data DIR is required'],
    [['--data', 'x', '--port', 'eighty'], '--port needs a whole number'],
    [['--data', 'x', '--s3-endpoint', 'localhost:9000'], '--s3-endpoint needs an http(s):// URL or "aws"'],
    [['--data', 'x', '--verbose'], "Unknown option '--verbose'"],
    [['--data', 'x', '--time-scale', '0'], '--time-scale needs a positive number'],
    [['--data', 'x', '--throttle', 'fast'], '--throttle needs a positive number, of API calls per second'],
    [['--data', 'x', '--throttle', '0'], '--throttle needs a positive number'],
  ])('refuses bad usage %j', async (argv, message) => {
    const run = runEmulator(argv, { signal: AbortSignal.abort(), out: () => {} });
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow(message);
  });
});
