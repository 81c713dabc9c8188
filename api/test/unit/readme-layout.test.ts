/**
 * The README and the reference pages say where each step lives (the README's Layout section, the
 * paragraph under the request path, the pages' file names). When a file or folder moves, this fails
 * until the text follows it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const referenceDir = join(root, 'docs/src/content/docs/reference');
const reference = readdirSync(referenceDir).map((page) => readFileSync(join(referenceDir, page), 'utf8'));

/** The names listed under `api/src/` in the Layout block: `http/`, `server.ts`, `admin/, lab/`. */
function layoutEntries(): string[] {
  const block = /^## Layout\n+```\n([\s\S]*?)\n```/m.exec(readme)?.[1] ?? '';
  const lines = block.split('\n');
  const start = lines.indexOf('api/src/');
  const entries: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    const name = /^ {2}(\S.*?)\s{2,}/.exec(line)?.[1];
    if (name) entries.push(...name.split(', '));
  }
  return entries;
}

describe("the README's layout", () => {
  it('lists every folder and file of api/src, and nothing that is not there', () => {
    const listed = layoutEntries().map((entry) => entry.replace(/\/$/, ''));
    const present = readdirSync(join(root, 'api/src')).filter((name) => name !== 'version.ts');
    expect(listed.length).toBeGreaterThan(10);
    expect([...listed].sort()).toEqual([...present].sort());
  });

  it('names only paths under api/src that exist, in the README and the reference pages', () => {
    const paths = [...[readme, ...reference].join('\n').matchAll(/`(api\/src\/[^`*…]+?)`/g)].map(
      (match) => match[1] ?? '',
    );
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) expect(existsSync(join(root, path)), path).toBe(true);
  });
});
