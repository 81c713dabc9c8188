/**
 * The browser for the page tests: Debian's chromium driven by playwright-core, with the executable
 * path given explicitly (playwright's own browser download cannot happen here).
 */
import { execFileSync } from 'node:child_process';
import { type Browser, chromium } from 'playwright-core';

export function chromiumPath(): string {
  const path =
    process.env.CHROMIUM_PATH ??
    execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  if (!path) throw new Error('No chromium: run `bash scripts/services.sh up tools` (Debian package chromium)');
  return path;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}
