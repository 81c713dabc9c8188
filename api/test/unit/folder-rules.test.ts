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

// A relative module specifier however it is imported: `from '…'` (import and export), a bare
// `import '…'` (for its side effects) and a dynamic `import('…')`.
const RELATIVE_IMPORT = /(?:\bfrom\s+|\bimport\s*\(?\s*)['"](\.[^'"]+)['"]/g;

/** Every relative import of the files in one folder of api/src (and its subfolders), as `file: specifier`. */
function relativeImports(folder: string): string[] {
  const found: string[] = [];
  for (const file of readdirSync(join(src, folder), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    found.push(...importsIn(file, readFileSync(join(src, folder, file), 'utf8')));
  }
  return found;
}

const importsIn = (file: string, text: string) => [...text.matchAll(RELATIVE_IMPORT)].map((m) => `${file}: ${m[1]}`);
const intoShellOrViews = (line: string) => /\.\.\/(?:\.\.\/)*(http|trace-views)\//.test(line);

describe('the rooms of api/src', () => {
  it('telemetry/ imports nothing from http/ or trace-views/', () => {
    const imports = relativeImports('telemetry');
    // The rule must be looking at something: telemetry's files import each other.
    expect(imports.length).toBeGreaterThan(5);
    expect(imports.filter(intoShellOrViews)).toEqual([]);
  });

  it('the rule would see an import of the shell or the views, whatever its form', () => {
    const text = [
      "import { requestId } from '../http/shell.ts';",
      "import type { SpanNode } from '../trace-views/span-tree.ts';",
      "import '../http/cors.ts';",
      "const views = () => import('../trace-views/views.routes.ts');",
      "export { x } from '../http/env.ts';",
      "import { tracer } from './tracing.ts';",
    ].join('\n');
    expect(importsIn('x.ts', text).filter(intoShellOrViews)).toEqual([
      'x.ts: ../http/shell.ts',
      'x.ts: ../trace-views/span-tree.ts',
      'x.ts: ../http/cors.ts',
      'x.ts: ../trace-views/views.routes.ts',
      'x.ts: ../http/env.ts',
    ]);
  });
});
