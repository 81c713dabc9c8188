/**
 * The rooms of api/src and who may enter them. telemetry/ is the instrumentation every request
 * pays for; http/ is the HTTP shell that uses it; trace-views/ are the lab's views of its own
 * signals. Instrumentation that imports the shell or the views makes the folders depend on each
 * other (the shell imports telemetry), which is what HotROD keeps pkg/tracing apart to avoid.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every relative import of the files in one folder of api/src, as `file: specifier`. */
function relativeImports(folder: string): string[] {
  const found: string[] = [];
  for (const file of readdirSync(join(src, folder))) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(join(src, folder, file), 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      found.push(`${file}: ${match[1]}`);
    }
  }
  return found;
}

describe('the rooms of api/src', () => {
  it('telemetry/ imports nothing from http/ or trace-views/', () => {
    const imports = relativeImports('telemetry');
    // The rule must be looking at something: telemetry's files import each other.
    expect(imports.length).toBeGreaterThan(5);
    expect(imports.filter((line) => /\.\.\/(http|trace-views)\//.test(line))).toEqual([]);
  });

  it('the rule would see an import of the shell', () => {
    const offending = ['x.ts: ../http/auth.ts', 'y.ts: ./attributes.ts'];
    expect(offending.filter((line) => /\.\.\/(http|trace-views)\//.test(line))).toEqual(['x.ts: ../http/auth.ts']);
  });
});
