import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

// The appspec and hook scripts of the README's "Rehearse locally", as a user copies them, rehearsed
// with `codedeploy-gitops local`: what they write lands in the instance folder, never in the real
// /var/www/shop of the machine running the rehearsal (these tests may run as root).
const readme = await readFile('README.md', 'utf8');
const section = readme.slice(
  readme.indexOf('## Rehearse locally'),
  readme.indexOf('## Coming from elsewhere'),
);
const block = (language: string, firstLine: string) => {
  const found = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].find(
    (match) => match[1] === language && match[2]!.split('\n').some((line) => line.startsWith(firstLine)),
  );
  if (!found) throw new Error(`README "Rehearse locally" has no ${language} block with "${firstLine}"`);
  return found[2]!;
};

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('README: Rehearse locally', () => {
  it('its appspec and scripts rehearse cleanly, and write only inside the instance folder', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'cdg-readme-ws-'));
    const data = await mkdtemp(join(tmpdir(), 'cdg-readme-data-'));
    dirs.push(workspace, data);
    await mkdir(join(workspace, 'scripts'));
    await mkdir(join(workspace, 'site'));
    await mkdir(join(workspace, '.github'));
    await writeFile(join(workspace, 'appspec.yml'), block('yaml', '# appspec.yml'));
    await writeFile(join(workspace, 'scripts/start.sh'), block('sh', '# scripts/start.sh'), { mode: 0o755 });
    await writeFile(join(workspace, 'scripts/validate.sh'), block('sh', '# scripts/validate.sh'), {
      mode: 0o755,
    });
    await writeFile(join(workspace, 'site/index.html'), '<h1>shop</h1>\n');
    await writeFile(
      join(workspace, '.github/codedeploy.yml'),
      'application: shop\nrevision: { bucket: shop-revisions }\nbranches:\n  develop: staging\n',
    );
    const before = existsSync('/var/www/shop/started-at');

    const result = cli(['local', '--branch', 'develop', '--data', data, '--instances', '1'], {
      cwd: workspace,
    });

    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(cli(['validate'], { cwd: workspace }).code).toBe(0);
    const [, instance] = /^\s+staging i-[0-9a-f]+: (.+)$/m.exec(result.stdout) ?? [];
    expect(instance).toBeDefined();
    expect(await readFile(join(instance!, 'var/www/shop/index.html'), 'utf8')).toBe('<h1>shop</h1>\n');
    expect(existsSync(join(instance!, 'var/www/shop/started-at'))).toBe(true);
    expect(existsSync('/var/www/shop/started-at')).toBe(before);
  });
});
