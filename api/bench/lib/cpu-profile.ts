/**
 * Reading a V8 .cpuprofile (node --cpu-prof): which functions, and which packages, the
 * samples fell in, within a time window. Self time is where the CPU was; inclusive time is
 * what a function and everything it called cost (counted once per sample, even when recursive).
 */
import { readFile } from 'node:fs/promises';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export const readCpuProfile = async (file: string): Promise<CpuProfile> =>
  JSON.parse(await readFile(file, 'utf8')) as CpuProfile;

/** Monotonic microseconds, the clock V8 stamps samples with (CLOCK_MONOTONIC on Linux). */
export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

const special = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** node_modules/<package>, api/src/<folder>, node:<module>, or a V8 pseudo-frame. */
export function packageOf(frame: CallFrame): string {
  if (special.has(frame.functionName) && !frame.url) return frame.functionName;
  const { url } = frame;
  if (!url) return '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
  if (inModules) return inModules[1] as string;
  const inApi = /\/api\/src\/(?:([^/]+)\/)?/.exec(url);
  if (inApi) return `api/src/${inApi[1] ?? ''}`;
  if (url.startsWith('node:')) {
    const parts = url.replace(/^node:(internal\/)?/, '').split('/');
    // node:internal/deps/undici/… is fetch's Request and Response (WebIDL and all).
    return `node:${parts[0] === 'deps' ? parts.slice(0, 2).join('/') : parts[0]}`;
  }
  return url.replace(/^file:\/\//, '');
}

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\/.*?node_modules\//, '')
    .replace(/^file:\/\/.*?\/api\//, 'api/')
    .replace(/^file:\/\//, '');

const keyOf = (frame: CallFrame) =>
  special.has(frame.functionName) && !frame.url
    ? frame.functionName
    : `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url) || '(native)'}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;

export interface ProfileSummary {
  /** Samples in the window, and how many of them were not idle. */
  samples: number;
  busy: number;
  /** The window's length, and the CPU time the samples stand for, in milliseconds. */
  windowMs: number;
  busyMs: number;
  self: Map<string, number>;
  inclusive: Map<string, number>;
  /** Self time by package; a native function (writev, JSON.parse…) counts for its JS caller's package. */
  packages: Map<string, number>;
  /** Samples with any frame of the package on the stack. */
  packagesInclusive: Map<string, number>;
  /** For each focus pattern, samples with any frame whose key matches it. */
  focus: Map<string, number>;
}

/** Samples whose time falls in [from, to] (monotonic µs); the whole profile without a window. */
export function summarise(
  profile: CpuProfile,
  window?: { from: number; to: number },
  focus: RegExp[] = [],
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const hits = new Map<number, number>();
  const weight = new Map<number, number>();
  let time = profile.startTime;
  let samples = 0;
  let busy = 0;
  let busyMicros = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    time += delta;
    if (window && (time < window.from || time > window.to)) return;
    samples++;
    hits.set(id, (hits.get(id) ?? 0) + 1);
    weight.set(id, (weight.get(id) ?? 0) + delta);
    if (byId.get(id)?.callFrame.functionName !== '(idle)') {
      busy++;
      busyMicros += delta;
    }
  });

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  const packagesInclusive = new Map<string, number>();
  const focused = new Map<string, number>(focus.map((pattern) => [pattern.source, 0]));
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  for (const [id, count] of hits) {
    const node = byId.get(id) as ProfileNode;
    add(self, keyOf(node.callFrame), count);
    let owner: number | undefined = id;
    while (owner !== undefined && packageOf((byId.get(owner) as ProfileNode).callFrame) === '(native)')
      owner = parent.get(owner);
    add(packages, packageOf((byId.get(owner ?? id) as ProfileNode).callFrame), count);
    const seen = new Set<string>();
    const seenPackages = new Set<string>();
    const seenFocus = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = (byId.get(at) as ProfileNode).callFrame;
      const key = keyOf(frame);
      if (!seen.has(key)) add(inclusive, key, count);
      seen.add(key);
      const pkg = packageOf(frame);
      if (!seenPackages.has(pkg)) add(packagesInclusive, pkg, count);
      seenPackages.add(pkg);
      for (const pattern of focus) {
        if (!seenFocus.has(pattern.source) && pattern.test(key)) add(focused, pattern.source, count);
        if (pattern.test(key)) seenFocus.add(pattern.source);
      }
    }
  }
  const windowMs = window ? (window.to - window.from) / 1000 : (profile.endTime - profile.startTime) / 1000;
  return {
    samples,
    busy,
    windowMs,
    busyMs: busyMicros / 1000,
    self,
    inclusive,
    packages,
    packagesInclusive,
    focus: focused,
  };
}

/** The top entries of a map as "  12.3%  name" lines, shares of the busy (non-idle) samples. */
export function topLines(
  map: Map<string, number>,
  busy: number,
  limit: number,
  skip = new Set(['(idle)', '(root)']),
): string[] {
  return [...map]
    .filter(([key]) => !skip.has(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, count]) => `  ${((count / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

/**
 * Who calls what matches `pattern`, in the window: for each sample under a matching frame, the
 * outermost such frame and the `depth` frames above it. Answers "who builds this Request?".
 */
export function callersOf(
  profile: CpuProfile,
  pattern: RegExp,
  window?: { from: number; to: number },
  depth = 4,
): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const key = (id: number) => keyOf((byId.get(id) as ProfileNode).callFrame);
  const chains = new Map<string, number>();
  let time = profile.startTime;
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index] ?? 0;
    if (window && (time < window.from || time > window.to)) return;
    let outermost: number | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      if (pattern.test(key(at))) outermost = at;
    if (outermost === undefined) return;
    const chain = [key(outermost)];
    for (let at = parent.get(outermost), i = 0; at !== undefined && i < depth; at = parent.get(at), i++)
      chain.push(key(at));
    const text = chain.join(' <- ');
    chains.set(text, (chains.get(text) ?? 0) + 1);
  });
  return chains;
}
