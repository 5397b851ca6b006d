import { readdir, readFile } from 'node:fs/promises';

/**
 * Every hook runs with LOCAL_CODEDEPLOY_INSTANCE_ROOT=<instance directory>; whatever it starts (an
 * application server from ApplicationStart, a daemon that left the hook's process group) inherits
 * it. That marker is how a terminated instance's processes are found: precisely, with no pid file
 * to trust and no risk of hitting a recycled process id.
 */
export const INSTANCE_ROOT_VARIABLE = 'LOCAL_CODEDEPLOY_INSTANCE_ROOT';

/**
 * Stops the processes the hooks of these instances left running: SIGTERM, then SIGKILL to those
 * still there after `graceMs`. Resolves with the process ids it signalled. Reads /proc (Linux): on
 * a system without it nothing is found, and the processes are left to the application's own
 * ApplicationStop scripts.
 */
export async function stopInstanceProcesses(
  instanceDirs: readonly string[],
  graceMs: number,
): Promise<number[]> {
  if (instanceDirs.length === 0) return [];
  const markers = new Set(instanceDirs.map((dir) => `${INSTANCE_ROOT_VARIABLE}=${dir}`));
  const found = await markedProcesses(markers);
  for (const pid of found) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = found;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = await markedProcesses(markers, left);
  }
  for (const pid of left) signal(pid, 'SIGKILL');
  return found;
}

/** Processes of this user whose environment holds one of the markers (among `among`, if given). */
async function markedProcesses(markers: ReadonlySet<string>, among?: readonly number[]): Promise<number[]> {
  let pids: number[];
  if (among) {
    pids = [...among];
  } else {
    const entries = await readdir('/proc').catch(() => [] as string[]);
    pids = entries.filter((name) => /^\d+$/.test(name)).map(Number);
  }
  const found: number[] = [];
  await Promise.all(
    pids
      .filter((pid) => pid !== process.pid)
      .map(async (pid) => {
        // Another user's process (EACCES), one that exited (ENOENT) or a zombie (empty) has no marker.
        const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
        if (environ.split('\0').some((entry) => markers.has(entry))) found.push(pid);
      }),
  );
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
