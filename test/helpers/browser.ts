/**
 * Debian's Chromium for the browser tests, driven by playwright-core (which never downloads a
 * browser). .ci/run installs it when missing; elsewhere a browser test is skipped without it, and
 * in CI (CI=true) a missing browser fails instead.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);

/** The `skip` option of a browser test's describe: false, or why it is skipped. */
export const skipWithoutChromium: string | false = missing && `no ${CHROMIUM} (install Debian's chromium package)`;

/** Headless Chromium with the machine's closed network in mind (no background connections). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
