import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';

const execFileAsync = promisify(execFile);

/** Debian's chromium package; Playwright drives it, it never downloads a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, no sandbox (containers), nothing that calls home. Playwright gives each launch a fresh profile. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium for the browser tests, installed with apt-get when it is missing (CI starts from a
 * fresh machine). Resolves with why the tests must be skipped only when apt-get itself is not
 * there to install it; a failed installation is an error.
 */
export async function ensureChromium(): Promise<{ skip?: string }> {
  if (existsSync(CHROMIUM)) return {};
  if (!existsSync('/usr/bin/apt-get')) {
    return {
      skip: `${CHROMIUM} is missing and apt-get is not available to install Debian's chromium package`,
    };
  }
  const root = process.getuid?.() === 0;
  const apt = async (...args: string[]) =>
    execFileAsync(root ? 'apt-get' : 'sudo', root ? args : ['-n', 'apt-get', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
    });
  try {
    await apt('install', '-y', 'chromium');
  } catch {
    // The package lists may be stale or absent on a fresh machine.
    await apt('update');
    await apt('install', '-y', 'chromium');
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is not there`);
  return {};
}

export function launchChromium(extraFlags: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraFlags] });
}
