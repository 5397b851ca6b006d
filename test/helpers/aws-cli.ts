import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** One AWS CLI command's outcome; `json` is its parsed stdout when it printed JSON. */
export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

/**
 * The environment of a CLI that talks to local servers: test credentials, one region, no retries,
 * no user configuration. `parameterValidation: false` turns off the CLI's own checks (a profile
 * with parameter_validation = false), so what the CLI would refuse reaches the server.
 */
export function awsCliEnv(configFile: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
  };
}

/** The config file that gives the profile `unchecked` (parameter_validation = false). */
export const AWS_CLI_CONFIG =
  '[profile unchecked]\nparameter_validation = false\naws_access_key_id = testing\naws_secret_access_key = testing\n';

/**
 * Runs AWS CLI commands (argv after `aws`) one after the other in a single Python process through
 * the CLI's own entry point (test/helpers/aws_cli_batch.py): the real `aws`, a second each saved.
 */
export function awsCli(commands: string[][], env: Record<string, string>): Promise<AwsCliResult[]> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('python3', [resolve('test/helpers/aws_cli_batch.py')], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`aws_cli_batch.py exited ${code}: ${stderr}`));
      const results = JSON.parse(stdout) as Array<Omit<AwsCliResult, 'json'>>;
      resolveRun(
        results.map((r) => ({ ...r, json: r.stdout.trim().startsWith('{') ? JSON.parse(r.stdout) : {} })),
      );
    });
    child.stdin.end(JSON.stringify(commands));
  });
}
