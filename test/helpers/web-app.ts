/**
 * A tiny web application for the local instances, following the local CodeDeploy's contract: the
 * ApplicationStart hook starts a server on LOCAL_CODEDEPLOY_INSTANCE_PORT (the group's router
 * forwards there), ApplicationStop stops it. It answers `<version.txt> <instance id>`.
 * `appDir` is where the appspec installs it, relative to the instance root (e.g. `var/www/shop`).
 */

export const SERVER_MJS = `import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
const here = new URL('.', import.meta.url).pathname;
const server = createServer((request, response) => {
  const version = readFileSync(here + 'version.txt', 'utf8').trim();
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end(version + ' ' + process.env.LOCAL_CODEDEPLOY_INSTANCE_ID + '\\n');
});
server.listen(Number(process.env.LOCAL_CODEDEPLOY_INSTANCE_PORT), '127.0.0.1', () =>
  writeFileSync(here + 'server.pid', String(process.pid)),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * Shell lines that start the server in the background (its output away from the hook's pipes) and
 * wait until it listens; they end the script (exit 0, or exit 1 with the server's log).
 */
export function startServer(appDir: string, node = process.execPath): string {
  return `cd "$LOCAL_CODEDEPLOY_INSTANCE_ROOT/${appDir}" || exit 1
rm -f server.pid
nohup "${node}" server.mjs > server.log 2>&1 < /dev/null &
for i in $(seq 1 200); do
  if [ -s server.pid ]; then echo "serving $(cat version.txt) on port $LOCAL_CODEDEPLOY_INSTANCE_PORT"; exit 0; fi
  sleep 0.05
done
echo "the server did not start"; cat server.log; exit 1
`;
}

/** Shell lines that stop the server the previous revision started and wait until its port is free. */
export function stopServer(appDir: string): string {
  return `pidfile="$LOCAL_CODEDEPLOY_INSTANCE_ROOT/${appDir}/server.pid"
if [ -s "$pidfile" ]; then
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$pidfile"
fi
`;
}
