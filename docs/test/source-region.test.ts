/** The code a page shows is found by name in the real source, and a missing name fails the build. */
import { describe, expect, it } from 'vitest';
import { extractMarkedBlock, extractRegion, MissingRegionError } from '../src/lib/source-region.ts';

const file = 'api/src/todos/todos.service.ts';
const fake = (text: string) => () => text;

describe('extractRegion', () => {
  it('finds the statement that opens a span, with the comment above it', () => {
    const region = extractRegion({ file, span: 'duplicate check' });
    expect(region.code).toMatch(/^\/\/ The duplicate-title rule/);
    expect(region.code).toContain("step('duplicate check'");
    expect(region.endLine).toBeGreaterThan(region.startLine);
  });

  it('finds a method inside a factory by its path, dedented', () => {
    const region = extractRegion({ file, symbol: 'createTodoService.afterChange' });
    expect(region.code).toMatch(/^\/\*\*[\s\S]*async function afterChange/);
    expect(region.code.split('\n').at(-1)).toBe('}');
  });

  it('finds a call by the function called', () => {
    expect(extractRegion({ file: 'api/src/http/shell.ts', call: 'bodyLimit' }).code).toMatch(
      /^const limitBody = bodyLimit\(/,
    );
  });

  it('fails, naming file and region, when the region is gone', () => {
    const source = 'export function other() {}\nstep("authenticate", {}, work);\n';
    expect(() => extractRegion({ file, span: 'duplicate check' }, fake(source))).toThrow(MissingRegionError);
    expect(() => extractRegion({ file, symbol: 'createTodoService.create' }, fake(source))).toThrow(
      /todos\.service\.ts: no symbol "createTodoService\.create"/,
    );
    expect(() => extractRegion({ file: 'api/src/no-such-file.ts', span: 'x' })).toThrow(/does not exist/);
  });

  it('pulls the request-path diagram from its reference page', () => {
    const page = 'docs/src/content/docs/reference/request-path.md';
    expect(extractMarkedBlock(page, 'request-path')).toContain('duplicate check');
    expect(() => extractMarkedBlock(page, 'no-such-block')).toThrow(/no block marked/);
  });
});
