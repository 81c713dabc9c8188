/**
 * The dashboards as the docs build reads them: from the repository's dashboards/ folder, once per
 * build. The link's Prometheus is the lab's default here; the page swaps in the API's
 * WEB_PROMETHEUS_URL at run time (GET /debug/views), so one build serves native and compose alike.
 */

import { type DashboardView, loadDashboards } from './dashboards.ts';
import { repoRoot } from './source-region.ts';

export const DEFAULT_PROMETHEUS = 'http://127.0.0.1:9090';

let cached: DashboardView[] | undefined;

export function dashboards(): DashboardView[] {
  cached ??= loadDashboards(repoRoot).dashboards;
  return cached;
}

/** /learn/dashboards/<uid without the lab's prefix>/ */
export function dashboardSlug(uid: string): string {
  return uid.replace(/^flowlab-/, '');
}
