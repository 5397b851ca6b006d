import { execFile } from 'node:child_process';

/**
 * The commit checked out in `dir` (`git rev-parse --verify HEAD`). Rejects with git's own words when
 * there is none: not a git checkout, git missing, a repository git refuses to read.
 */
export function checkedOutCommit(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['rev-parse', '--verify', 'HEAD'],
      { cwd: dir, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout.trim());
        const said = stderr.trim().split('\n')[0];
        reject(new Error(said || error.message));
      },
    );
  });
}
