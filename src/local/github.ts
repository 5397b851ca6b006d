import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/**
 * Where the local CodeDeploy takes GitHub revisions from: the local git repository that stands for
 * `account/repository`. For `emulator --github-repos DIR`, DIR/account/repository (a clone) or
 * DIR/account/repository.git (a bare one); names that would lead out of DIR find nothing.
 */
export function repositoriesIn(dir: string): (repository: string) => Promise<string | undefined> {
  const root = resolve(dir);
  return async (repository) => {
    const [account, name, ...rest] = repository.split('/');
    if (!account || !name || rest.length > 0 || [account, name].some((part) => part === '.' || part === '..'))
      return undefined;
    for (const candidate of [join(root, account, name), join(root, account, `${name}.git`)]) {
      if (!candidate.startsWith(root + sep)) continue;
      if (await isDirectory(candidate)) return candidate;
    }
    return undefined;
  };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
