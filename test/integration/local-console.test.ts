import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from '../helpers/chromium.js';
import { blueGreenGroup } from '../helpers/deploy-env.js';
import {
  createAppAndGroup,
  deploy,
  finished,
  type LocalStack,
  startLocalStack,
  tempDir,
  unique,
} from '../helpers/local.js';

/**
 * The local CodeDeploy's web console in a real browser (Debian's headless Chromium, driven by
 * Playwright): running, succeeded, failed and blue/green deployments, what users and hook scripts
 * write rendered as text, and the guards that keep a web page from driving the local CodeDeploy.
 * Screenshots land in .tmp/console-screenshots/.
 */
const chromiumState = await ensureChromium();
if (chromiumState.skip) console.warn(`Skipping the console tests: ${chromiumState.skip}`);

const SCREENSHOTS = resolve('.tmp/console-screenshots');
/** Hook output and text a user chose, each trying to become markup. */
const HOSTILE_OUTPUT = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
const HOSTILE_ERROR = `"><b id="bold">not bold</b> & &amp;`;
const HOSTILE_DESCRIPTION = '<script>window.__pwned = 3</script>';
const HOSTILE_TAG = '<img id="tag" src=x onerror="window.__pwned = 4">';
const REBOUND_HOST = 'rebound.test';

let stack: LocalStack;
let browser: Browser;
let work: string;

beforeAll(async () => {
  if (chromiumState.skip) return;
  [stack, browser, work] = await Promise.all([
    startLocalStack({ instancesPerGroup: 2 }),
    // A name that resolves to 127.0.0.1, as a rebinding attacker's does.
    launchChromium([`--host-resolver-rules=MAP ${REBOUND_HOST} 127.0.0.1`]),
    tempDir('cdg-console-'),
  ]);
  await mkdir(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const APPSPEC_VALIDATE = `version: 0.0
os: linux
hooks:
  ValidateService:
    - location: validate.sh
      timeout: 120
`;

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const response = await page.goto(`${stack.codedeploy.consoleUrl}${path}`);
  expect(response?.status(), path).toBe(200);
  return page;
}

/** Nothing that came from a user or a script became markup or ran. */
async function expectInert(page: Page): Promise<void> {
  expect(await page.locator('script').count()).toBe(0);
  expect(await page.locator('img, b#bold, #tag').count()).toBe(0);
  expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
}

async function screenshot(page: Page, name: string): Promise<void> {
  const file = join(SCREENSHOTS, `${name}.png`);
  const png = await page.screenshot({ path: file, fullPage: true });
  // A PNG of a rendered page, not an empty one.
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect(png.length).toBeGreaterThan(20_000);
}

const eventsOf = (page: Page, instance: string) =>
  page
    .locator(`article[data-instance="${instance}"] tr[data-event]`)
    .evaluateAll((rows) =>
      rows.map(
        (row) => `${row.getAttribute('data-event')} ${row.querySelector('[data-status]')?.textContent}`,
      ),
    );

describe.skipIf(chromiumState.skip !== undefined)('the web console in headless Chromium', () => {
  it('follows a running deployment until it succeeds, refreshing itself', async () => {
    const release = join(work, unique('release'));
    const names = await createAppAndGroup(stack, { deploymentConfigName: 'CodeDeployDefault.AllAtOnce' });
    const id = await deploy(
      stack,
      names,
      {
        'appspec.yml': APPSPEC_VALIDATE,
        'validate.sh': `#!/bin/sh\necho "waiting for the test"\nwhile [ ! -f "${release}" ]; do sleep 0.1; done\necho "released"\n`,
      },
      { description: 'a running deployment' },
    );
    const instances = stack.codedeploy.instances(names.applicationName, names.deploymentGroupName);
    // Wait until both instances are in ValidateService, their hooks waiting for the release file.
    for (;;) {
      const logs = await stack.codedeploy.logs(id);
      if (logs.length === 2 && logs.every((log) => log.text.includes('waiting for the test'))) break;
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    const page = await open(`deployments/${id}`);
    expect(await page.locator('h1 [data-status]').textContent()).toBe('InProgress');
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(1);
    expect(await page.locator('article.instance').count()).toBe(2);
    for (const instance of instances) {
      expect(await eventsOf(page, instance.instanceId)).toEqual([
        'ApplicationStop Succeeded',
        'DownloadBundle Succeeded',
        'BeforeInstall Succeeded',
        'Install Succeeded',
        'AfterInstall Succeeded',
        'ApplicationStart Succeeded',
        'ValidateService InProgress',
      ]);
    }
    expect(await page.locator('tr[data-event="ValidateService"]').first().textContent()).toContain('so far');
    expect(await page.locator(`article[data-instance] pre.log`).first().textContent()).toContain(
      'waiting for the test',
    );
    await screenshot(page, 'running');

    await writeFile(release, '');
    // No reload from here: the page's own refresh brings the outcome.
    await page.locator('h1 [data-status="Succeeded"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    for (const instance of instances) {
      expect((await eventsOf(page, instance.instanceId)).at(-1)).toBe('ValidateService Succeeded');
    }
    const { deploymentInfo } = await stack.client.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(deploymentInfo?.status).toBe('Succeeded');
    await screenshot(page, 'succeeded');
    await page.close();
  });

  it('shows a failed deployment: the failed event, its script, its log, as text', async () => {
    const names = await createAppAndGroup(stack, {
      deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
      ec2TagFilters: [{ Key: 'note', Value: HOSTILE_TAG, Type: 'KEY_AND_VALUE' }],
    });
    const id = await deploy(
      stack,
      names,
      {
        'appspec.yml': APPSPEC_VALIDATE,
        'validate.sh': `#!/bin/sh\necho '${HOSTILE_OUTPUT}'\necho '${HOSTILE_ERROR}' >&2\nexit 3\n`,
      },
      { description: HOSTILE_DESCRIPTION },
    );
    const info = await finished(stack, id);
    expect(info.status).toBe('Failed');
    const page = await open(`deployments/${id}`);
    await expectInert(page);
    expect(await page.locator('h1 [data-status]').textContent()).toBe('Failed');
    expect(await page.locator('[data-error]').textContent()).toContain(info.errorInformation?.code ?? '?');
    expect(await page.locator('dl.summary').textContent()).toContain(HOSTILE_DESCRIPTION);
    const failedRow = page.locator('tr[data-event="ValidateService"]').first();
    expect(await failedRow.locator('[data-status]').textContent()).toBe('Failed');
    expect(await failedRow.textContent()).toContain('validate.sh');
    expect(await failedRow.textContent()).toContain('ScriptFailed');
    const tail = await page.locator('tr.log-tail pre.log').first().textContent();
    expect(tail).toContain(HOSTILE_OUTPUT);
    expect(tail).toContain(HOSTILE_ERROR);
    expect(await page.locator('article.instance details[open] pre.log').first().textContent()).toContain(
      HOSTILE_OUTPUT,
    );
    await screenshot(page, 'failed');

    // The group's page shows its tag filters, a value that tries to be an image included, as text.
    await page.locator('dl.summary a', { hasText: names.deploymentGroupName }).click();
    await page.waitForURL(/\/deployment-groups\//);
    await expectInert(page);
    expect(await page.locator('dl.summary').textContent()).toContain(JSON.stringify(HOSTILE_TAG));
    expect(await page.locator(`tr[data-deployment="${id}"] [data-status]`).textContent()).toBe('Failed');
    await screenshot(page, 'group');
    await page.close();
  });

  it('shows a blue/green deployment: both fleets, their traffic events, the router', async () => {
    const names = await createAppAndGroup(
      stack,
      blueGreenGroup({
        terminateBlueInstancesOnDeploymentSuccess: { action: 'KEEP_ALIVE', terminationWaitTimeInMinutes: 0 },
      }),
    );
    const original = stack.codedeploy.instances(names.applicationName, names.deploymentGroupName);
    const id = await deploy(stack, names, { 'appspec.yml': 'version: 0.0\nos: linux\n' });
    expect((await finished(stack, id)).status).toBe('Succeeded');
    const replacement = stack.codedeploy.instances(names.applicationName, names.deploymentGroupName);
    const router = stack.codedeploy.router(names.applicationName, names.deploymentGroupName);
    const page = await open(`deployments/${id}`);
    const fleet = (name: string) =>
      page
        .locator(`section[data-fleet="${name}"] article.instance`)
        .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-instance')));
    expect(await fleet('original')).toEqual(original.map((i) => i.instanceId));
    expect(await fleet('replacement')).toEqual(replacement.map((i) => i.instanceId));
    expect(await eventsOf(page, original[0]?.instanceId ?? '')).toEqual([
      'BeforeBlockTraffic Succeeded',
      'BlockTraffic Succeeded',
      'AfterBlockTraffic Succeeded',
    ]);
    expect((await eventsOf(page, replacement[0]?.instanceId ?? '')).slice(-3)).toEqual([
      'BeforeAllowTraffic Succeeded',
      'AllowTraffic Succeeded',
      'AfterAllowTraffic Succeeded',
    ]);
    // Traffic: the replacement fleet takes it, then the original fleet loses it.
    const traffic = await page
      .locator('[data-traffic] tr[data-traffic-event]')
      .evaluateAll((rows) =>
        rows.map((row) => `${row.children[1]?.textContent} ${row.getAttribute('data-traffic-event')}`),
      );
    const both = (fleetName: string, events: string[]) =>
      events.flatMap((event) => [`${fleetName} ${event}`, `${fleetName} ${event}`]).sort();
    expect(traffic.slice(0, 6).sort()).toEqual(
      both('replacement', ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic']),
    );
    expect(traffic.slice(6).sort()).toEqual(
      both('original', ['BeforeBlockTraffic', 'BlockTraffic', 'AfterBlockTraffic']),
    );
    expect(await page.locator('dl.summary').textContent()).toContain('the original fleet is kept running');
    expect(await page.locator('[data-router] a').getAttribute('href')).toBe(router?.url);
    expect(await page.locator('[data-router]').textContent()).toContain(replacement[0]?.instanceId);
    await screenshot(page, 'blue-green');
    await page.close();
  });

  it('lists applications, groups and deployments, and links them', async () => {
    const names = await createAppAndGroup(stack);
    const id = await deploy(stack, names, { 'appspec.yml': 'version: 0.0\nos: linux\n' });
    await finished(stack, id);
    const page = await open('');
    const app = page.locator(`section[data-application="${names.applicationName}"]`);
    const row = app.locator(`tr[data-group="${names.deploymentGroupName}"]`);
    expect(await row.locator('[data-status]').textContent()).toBe('Succeeded');
    // The stylesheet reaches the browser as written (escaping it would break its `>` selectors).
    const marginTop = await app
      .locator('h2')
      .evaluate(
        (heading) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { marginTop: string } }).getComputedStyle(
            heading,
          ).marginTop,
      );
    expect(marginTop).toBe('0px');
    await screenshot(page, 'index');
    await row.locator('a', { hasText: id }).click();
    await page.waitForURL(`**/console/deployments/${id}`);
    expect(await page.locator('h1').textContent()).toContain(id);
    const missing = await page.goto(
      `${stack.codedeploy.consoleUrl}deployments/${encodeURIComponent(HOSTILE_OUTPUT)}`,
    );
    expect(missing?.status()).toBe(404);
    await expectInert(page);
    expect(await page.locator('main').textContent()).toContain(HOSTILE_OUTPUT);
    await page.close();
  });
});

describe.skipIf(chromiumState.skip !== undefined)('a web page cannot drive the local CodeDeploy', () => {
  /** A raw request with the headers a browser or an attacker would set. */
  function send(
    path: string,
    method: string,
    headers: Record<string, string>,
    body = '',
  ): Promise<{ status: number; body: string }> {
    const { port } = stack.codedeploy;
    return new Promise((resolveSend, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolveSend({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const api = (operation: string) => ({
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `CodeDeploy_20141006.${operation}`,
  });

  it('refuses a Host that is not a loopback name (DNS rebinding), in a browser and on the wire', async () => {
    const { port } = stack.codedeploy;
    const page = await browser.newPage();
    const response = await page.goto(`http://${REBOUND_HOST}:${port}/console/`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('body').textContent()).toContain('is not a name of this machine');
    await page.close();
    const applicationName = unique('rebound');
    const body = JSON.stringify({ applicationName });
    for (const host of [`${REBOUND_HOST}:${port}`, `evil.example`, `127.0.0.1:${port}@evil.example`]) {
      const refused = await send('/', 'POST', { ...api('CreateApplication'), host }, body);
      expect(refused.status, host).toBe(403);
      expect(JSON.parse(refused.body).__type).toBe('AccessDeniedException');
      expect((await send('/_local/calls', 'GET', { host })).status).toBe(403);
    }
    expect(
      stack.codedeploy
        .calls({ operation: 'CreateApplication' })
        .some((c) => c.applicationName === applicationName),
    ).toBe(false);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await send('/console/', 'GET', { host })).status, host).toBe(200);
    }
  });

  it('refuses API and state-changing requests that carry a browser Origin; the console pages stay readable', async () => {
    const { port } = stack.codedeploy;
    const host = `127.0.0.1:${port}`;
    const origin = 'http://evil.example';
    const applicationName = unique('cross-site');
    const create = (headers: Record<string, string>) =>
      send(
        '/',
        'POST',
        { ...api('CreateApplication'), host, ...headers },
        JSON.stringify({ applicationName }),
      );
    const refused = await create({ origin });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ __type: 'AccessDeniedException' });
    expect((await send('/_local/calls', 'DELETE', { host, origin })).status).toBe(403);
    expect(stack.codedeploy.calls().length).toBeGreaterThan(0);
    expect((await send('/console/', 'GET', { host, origin })).status).toBe(200);
    // Without the Origin, the same request is served.
    expect((await create({})).status).toBe(200);

    // A page of another origin (another port) tries what a browser lets it: a beacon POST to the
    // API and a DELETE of the call records. Both carry its Origin; neither gets through.
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>evil</title><p>evil</p>');
    });
    await new Promise<void>((resolveListen) => evil.listen(0, '127.0.0.1', resolveListen));
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
    const recorded = stack.codedeploy.calls().length;
    const page = await browser.newPage();
    await page.goto(evilUrl);
    const outcome = await page.evaluate(
      async ({ target }) => {
        const { navigator } = globalThis as unknown as {
          navigator: { sendBeacon: (url: string, body: string) => boolean };
        };
        const beacon = navigator.sendBeacon(target, JSON.stringify({ applicationName: 'from-a-beacon' }));
        const deleted = await fetch(`${target}_local/calls`, { method: 'DELETE' }).then(
          (r) => `answered ${r.status}`,
          () => 'blocked',
        );
        return { beacon, deleted };
      },
      { target: `http://127.0.0.1:${port}/` },
    );
    await page.close();
    await new Promise<void>((resolveClose) => evil.close(() => resolveClose()));
    // The beacon was queued and sent; the server refused it before reading it as an API call.
    expect(outcome.beacon).toBe(true);
    expect(outcome.deleted).toBe('blocked');
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    expect(stack.codedeploy.calls().length).toBe(recorded);
  });
});
