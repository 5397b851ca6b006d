// The product catalog's web application server: serves site/ and a /health check.
// On a real instance it listens on PORT (default 8080); on the local CodeDeploy, where many
// instances share one machine, on the port the agent gives each instance (LOCAL_CODEDEPLOY_INSTANCE_PORT,
// which the local router sends traffic to). The port is written to server.port either way.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const site = join(root, 'site');
const local = process.env.LOCAL_CODEDEPLOY_INSTANCE_ROOT !== undefined;
const port = Number(process.env.LOCAL_CODEDEPLOY_INSTANCE_PORT || process.env.PORT || (local ? 0 : 8080));

const server = createServer(async (request, response) => {
  try {
    if (request.url === '/health') {
      const health = JSON.parse(await readFile(join(site, 'health.json'), 'utf8'));
      response.writeHead(health.healthy ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify(health));
      return;
    }
    const page = await readFile(join(site, 'index.html'), 'utf8');
    const version = (await readFile(join(site, 'VERSION'), 'utf8')).trim();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page.replace('{{version}}', version));
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(String(error));
  }
});

server.listen(port, '127.0.0.1', async () => {
  await writeFile(join(root, 'server.port'), String(server.address().port));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
