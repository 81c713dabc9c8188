/** What a learner does with an exercise panel: read its shell lines, press Check, read the verdict. */
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

export interface Shell {
  API: string;
  TOKEN: string;
  TRACEPARENT: string;
}

export async function shellOf(exercise: Locator): Promise<Shell> {
  const shell = exercise.locator('.shell');
  await expect.poll(() => shell.textContent(), { timeout: 15_000 }).toMatch(/TOKEN=ey/);
  const values = Object.fromEntries(
    [...((await shell.textContent()) ?? '').matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]),
  );
  return values as unknown as Shell;
}

export async function check(exercise: Locator): Promise<{ verdict: string; text: string }> {
  const verdict = exercise.locator('.verdict');
  await exercise.getByRole('button', { name: 'Check' }).click();
  await expect.poll(() => verdict.textContent(), { timeout: 15_000 }).not.toMatch(/^(Checking…)?$/);
  return { verdict: (await exercise.getAttribute('data-verdict')) ?? '', text: (await verdict.textContent()) ?? '' };
}
