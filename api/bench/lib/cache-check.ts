/**
 * Is GET /todos in the bench really a cache hit? The server's own count says:
 * flowlab_cache_requests_total by outcome, read from /metrics before and after the run.
 */
export type CacheCounts = Record<'hit' | 'miss' | 'bypass', number>;

export async function cacheCounts(base: string): Promise<CacheCounts> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const count = (outcome: string) =>
    Number(new RegExp(`^flowlab_cache_requests_total\\{outcome="${outcome}"\\} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss'), bypass: count('bypass') };
}

export function cacheLine(label: string, before: CacheCounts, after: CacheCounts): { line: string; hitShare: number } {
  const hit = after.hit - before.hit;
  const miss = after.miss - before.miss;
  const bypass = after.bypass - before.bypass;
  const hitShare = hit / (hit + miss + bypass);
  return {
    hitShare,
    line: `  ${label}: ${(hitShare * 100).toFixed(2)}% cache hits (${hit} hit, ${miss} miss, ${bypass} bypass; misses: the first read, and the first after each POST slice's invalidation)`,
  };
}
