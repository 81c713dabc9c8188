/**
 * Code on a page is pulled from the API's real source at build time, never pasted. A page names
 * what it shows in the lab's own words: the span a step opens (`span: 'duplicate check'` finds the
 * statement that calls step('duplicate check', ...)) or a declaration (`symbol:
 * 'createTodoService.create'`). When the code moves, the page follows; when the name disappears,
 * the build fails with a message naming the file and the region.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The repository root: the nearest folder up from here that holds api/src. (Found from the working
 * directory, because the build runs this module from a bundled chunk somewhere under dist/.)
 */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'api', 'src'))) return dir;
    if (dirname(dir) === dir) throw new Error(`docs: no repository (a folder with api/src) above ${from}`);
  }
}

export const repoRoot = findRepoRoot(process.cwd());

export interface RegionRequest {
  /** Relative to the repository root, e.g. `api/src/todos/todos.service.ts`. */
  file: string;
  /** The name of a span the code opens: the statement containing the call is shown. */
  span?: string;
  /** A declaration path: `createTodoService.create`, `recordError`, `RecentTraces.tree`. */
  symbol?: string;
  /** A function called by name (`bodyLimit`): the statement containing the first call is shown. */
  call?: string;
}

export interface Region {
  code: string;
  /** 1-based lines in the file, for the caption. */
  startLine: number;
  endLine: number;
}

function describe(request: RegionRequest): string {
  if (request.span) return `span "${request.span}"`;
  if (request.call) return `call to ${request.call}()`;
  return `symbol "${request.symbol}"`;
}

export class MissingRegionError extends Error {
  constructor(request: RegionRequest, why: string) {
    super(`docs: ${request.file}: no ${describe(request)} (${why})`);
    this.name = 'MissingRegionError';
  }
}

function nameOf(node: ts.Node): string | undefined {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name && (ts.isIdentifier(named.name) || ts.isStringLiteral(named.name))) return named.name.text;
  if (ts.isVariableStatement(node)) {
    const [first] = node.declarationList.declarations;
    if (first && ts.isIdentifier(first.name)) return first.name.text;
  }
  return undefined;
}

/** The first node, depth first, named `name` under `root`. */
function findNamed(root: ts.Node, name: string): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node) => {
    if (found) return;
    if (node !== root && nameOf(node) === name && !ts.isVariableDeclaration(node)) found = node;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(root, visit);
  return found;
}

/** The statement around the first call that `matches`. */
function findCall(root: ts.SourceFile, matches: (call: ts.CallExpression) => boolean): ts.Node | undefined {
  let call: ts.Node | undefined;
  const visit = (node: ts.Node) => {
    if (call) return;
    if (ts.isCallExpression(node) && matches(node)) call = node;
    else ts.forEachChild(node, visit);
  };
  visit(root);
  let statement = call;
  while (statement && !ts.isStatement(statement)) statement = statement.parent;
  return statement;
}

/** Removes the common indentation, so a method reads as if it stood alone. */
function dedent(text: string, firstColumn: number): string {
  const lines = `${' '.repeat(firstColumn)}${text}`.split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^ */)?.[0].length ?? 0);
  const cut = Math.min(...indents);
  return lines.map((l) => l.slice(cut)).join('\n');
}

export function extractRegion(
  request: RegionRequest,
  readSource = (path: string) => readFileSync(path, 'utf8'),
): Region {
  if ([request.span, request.symbol, request.call].filter(Boolean).length !== 1)
    throw new Error('docs: name one of a span, a symbol or a call');
  let text: string;
  try {
    text = readSource(resolve(repoRoot, request.file));
  } catch {
    throw new MissingRegionError(request, 'the file does not exist');
  }
  const source = ts.createSourceFile(request.file, text, ts.ScriptTarget.Latest, true);
  let node: ts.Node | undefined;
  const { span, call } = request;
  if (span) {
    // step('duplicate check', ...) or tracer.startSpan('validate request', ...)
    node = findCall(source, (c) => {
      const [first] = c.arguments;
      return first !== undefined && ts.isStringLiteralLike(first) && first.text === span;
    });
  } else if (call) {
    node = findCall(source, (c) => {
      const callee = c.expression;
      return (
        (ts.isIdentifier(callee) && callee.text === call) ||
        (ts.isPropertyAccessExpression(callee) && callee.name.text === call)
      );
    });
  } else {
    node = source;
    for (const part of (request.symbol ?? '').split('.')) {
      node = findNamed(node, part);
      if (!node) break;
    }
  }
  if (!node || node === source) throw new MissingRegionError(request, 'it is not in the file any more');
  // Leading comments (the JSDoc that says why) belong to the region.
  const start = node.getFullStart() + (text.slice(node.getFullStart(), node.getStart()).match(/^\s*/)?.[0].length ?? 0);
  const end = node.getEnd();
  const startPosition = source.getLineAndCharacterOfPosition(start);
  return {
    code: dedent(text.slice(start, end), startPosition.character),
    startLine: startPosition.line + 1,
    endLine: source.getLineAndCharacterOfPosition(end).line + 1,
  };
}

/** A block of a Markdown file between `<!-- name:start -->` and `<!-- name:end -->` (the request-path diagram). */
export function extractMarkedBlock(file: string, name: string): string {
  const text = readFileSync(resolve(repoRoot, file), 'utf8');
  const match = text.match(new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)<!-- ${name}:end -->`));
  if (!match?.[1]) throw new Error(`docs: ${file}: no block marked "${name}"`);
  return match[1].replace(/^```\w*\n|```\n?$/g, '');
}
