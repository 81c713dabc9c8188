/**
 * The provisioned Grafana dashboards (dashboards/*.json), read without Grafana: each panel's
 * queries with Grafana's variables replaced by what Grafana would put there, and a link that
 * opens them in Prometheus's own graph page with the panel's time range and step. The docs build
 * one page per dashboard from this (src/pages/dashboards/), and the end-to-end tier runs the same
 * queries against the live Prometheus (api/test/e2e): one substitution, not two.
 *
 * Grafana's arithmetic, for a Prometheus data source whose scrape interval (`timeInterval`) is S:
 *   $__interval      = max(S, the range / the panel's data points, rounded to a "nice" interval)
 *   $__rate_interval = max($__interval + S, 4 × S)
 *   the query step   = $__interval
 * A panel's data points are its width in pixels; this assumes a 1920 px wide screen (a panel of
 * grid width w is w/24 of it), which for the lab's 15-minute dashboards gives a step of S.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DashboardTarget {
  refId: string;
  expr?: string;
  legendFormat?: string;
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos?: { w: number; h: number; x: number; y: number };
  interval?: string;
  maxDataPoints?: number;
  timeFrom?: string;
  targets?: DashboardTarget[];
  fieldConfig?: { defaults?: { unit?: string } };
}

export interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  time?: { from: string; to: string };
  templating?: { list: { name: string; allValue?: string; current?: { value?: string | string[] } }[] };
  panels: DashboardPanel[];
}

/** The Grafana timing a panel's queries run with, in seconds. */
export interface PanelTiming {
  rangeSeconds: number;
  stepSeconds: number;
  intervalSeconds: number;
  rateIntervalSeconds: number;
}

/** One query of a panel, ready for Prometheus. */
export interface PanelQuery {
  refId: string;
  /** As the dashboard writes it, with Grafana's variables. */
  source: string;
  /** With the variables replaced. */
  expr: string;
  legendFormat?: string;
}

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** "15m", "5s", "now-6h" → seconds. */
export function parseDuration(text: string): number {
  const match = /^(?:now-)?(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) throw new Error(`not a Grafana duration: ${text}`);
  return Number(match[1]) * (UNITS[match[2]] ?? 1);
}

/** Seconds as Prometheus and Grafana write a duration: 20s, 2m, 1h. */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  return seconds >= 1 ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

// Grafana's "nice" intervals (its rangeutil.roundInterval rounds to these, by midpoints).
const NICE = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600];

function roundInterval(seconds: number): number {
  for (let i = 0; i < NICE.length - 1; i++) {
    const here = NICE[i] as number;
    const next = NICE[i + 1] as number;
    if (seconds < (here + next) / 2) return here;
  }
  return NICE.at(-1) as number;
}

const SCREEN_PX = 1920;

export function panelTiming(dashboard: Dashboard, panel: DashboardPanel, scrapeSeconds: number): PanelTiming {
  const rangeSeconds = parseDuration(panel.timeFrom ?? dashboard.time?.from ?? 'now-6h');
  const points = panel.maxDataPoints ?? Math.round(((panel.gridPos?.w ?? 24) / 24) * SCREEN_PX);
  const minInterval = panel.interval ? parseDuration(panel.interval) : scrapeSeconds;
  const intervalSeconds = Math.max(minInterval, roundInterval(rangeSeconds / points));
  return {
    rangeSeconds,
    stepSeconds: intervalSeconds,
    intervalSeconds,
    rateIntervalSeconds: Math.max(intervalSeconds + scrapeSeconds, 4 * scrapeSeconds),
  };
}

/** The dashboard's template variables as "All" selects them (allValue), else their current value. */
function templateValues(dashboard: Dashboard): Map<string, string> {
  const values = new Map<string, string>();
  for (const variable of dashboard.templating?.list ?? []) {
    const current = variable.current?.value;
    const value =
      variable.allValue ??
      (Array.isArray(current) ? current.join('|') : current && current !== '$__all' ? current : '.*');
    values.set(variable.name, value);
  }
  return values;
}

/**
 * Replaces Grafana's variables in one query: $__rate_interval, $__interval, $__range (and their
 * ${…} spellings), and the dashboard's own template variables.
 */
export function expandQuery(
  expr: string,
  dashboard: Dashboard,
  timing: Pick<PanelTiming, 'intervalSeconds' | 'rateIntervalSeconds' | 'rangeSeconds'>,
): string {
  const builtIn: Record<string, string> = {
    __rate_interval: formatDuration(timing.rateIntervalSeconds),
    __interval: formatDuration(timing.intervalSeconds),
    __interval_ms: String(Math.round(timing.intervalSeconds * 1000)),
    __range: formatDuration(timing.rangeSeconds),
  };
  const templates = templateValues(dashboard);
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return builtIn[name] ?? templates.get(name) ?? whole;
  });
}

export function panelQueries(dashboard: Dashboard, panel: DashboardPanel, timing: PanelTiming): PanelQuery[] {
  return (panel.targets ?? [])
    .filter((target) => target.expr)
    .map((target) => ({
      refId: target.refId,
      source: target.expr as string,
      expr: expandQuery(target.expr as string, dashboard, timing),
      legendFormat: target.legendFormat,
    }));
}

/**
 * Prometheus's graph page with these queries, one graph each (g0, g1, …), over the panel's range
 * ending now, at its step: the URL format of Prometheus 2's UI (/graph?g0.expr=…), which
 * Prometheus 3 still accepts and redirects to its /query page.
 */
export function prometheusGraphLink(base: string, queries: PanelQuery[], timing: PanelTiming): string {
  const params = new URLSearchParams();
  queries.forEach((query, i) => {
    params.set(`g${i}.expr`, query.expr);
    params.set(`g${i}.tab`, '0');
    params.set(`g${i}.range_input`, formatDuration(timing.rangeSeconds));
    params.set(`g${i}.step_input`, String(timing.stepSeconds));
  });
  return `${base.replace(/\/$/, '')}/graph?${params}`;
}

export interface PanelView {
  id: number;
  title: string;
  description?: string;
  type: string;
  /** Grafana's unit for the values (s, ms, bytes, percentunit, reqps, ops, short). */
  unit: string;
  timing: PanelTiming;
  queries: PanelQuery[];
  /** Relative to Prometheus's base URL: the page puts the base in front at run time. */
  graphPath: string;
}

export interface DashboardView {
  file: string;
  uid: string;
  title: string;
  description?: string;
  panels: PanelView[];
}

/** The repository's dashboards folder and the scrape interval its Grafana data source declares. */
export function loadDashboards(repoRoot: string): { dashboards: DashboardView[]; scrapeSeconds: number } {
  const datasources = readFileSync(join(repoRoot, 'stack/grafana/provisioning/datasources/datasources.yml'), 'utf8');
  const scrape = /timeInterval:\s*"?(\w+)"?/.exec(datasources)?.[1];
  if (!scrape) throw new Error('the Prometheus data source declares no timeInterval');
  const scrapeSeconds = parseDuration(scrape);
  const folder = join(repoRoot, 'dashboards');
  const dashboards = readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file): DashboardView => {
      const dashboard = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Dashboard;
      return {
        file,
        uid: dashboard.uid,
        title: dashboard.title,
        description: dashboard.description,
        panels: dashboard.panels.map((panel) => {
          const timing = panelTiming(dashboard, panel, scrapeSeconds);
          const queries = panelQueries(dashboard, panel, timing);
          return {
            id: panel.id,
            title: panel.title,
            description: panel.description,
            type: panel.type,
            unit: panel.fieldConfig?.defaults?.unit ?? 'short',
            timing,
            queries,
            graphPath: prometheusGraphLink('', queries, timing),
          };
        }),
      };
    });
  return { dashboards, scrapeSeconds };
}

/**
 * What is wrong with a dashboard's pages, if anything: a panel with no query, a query with a
 * Grafana variable left in it, a link that does not parse back into the same queries, range and
 * step. The docs build refuses to build pages with any (src/pages/dashboards/), and a test says which.
 */
export function dashboardProblems(view: DashboardView): string[] {
  const problems: string[] = [];
  for (const panel of view.panels) {
    const where = `${view.file} / ${panel.title}`;
    if (panel.queries.length === 0) problems.push(`${where}: no query`);
    let url: URL;
    try {
      url = new URL(panel.graphPath, 'http://prometheus.invalid');
    } catch {
      problems.push(`${where}: the link does not parse: ${panel.graphPath}`);
      continue;
    }
    if (url.pathname !== '/graph') problems.push(`${where}: the link is not Prometheus's /graph page`);
    panel.queries.forEach((query, i) => {
      const left = /\$\{?\w+/.exec(query.expr);
      if (left) problems.push(`${where} / ${query.refId}: ${left[0]} is not replaced`);
      if (url.searchParams.get(`g${i}.expr`) !== query.expr)
        problems.push(`${where} / ${query.refId}: g${i}.expr differs`);
      const range = url.searchParams.get(`g${i}.range_input`) ?? '';
      if (!/^\d+[smhdw]$/.test(range) || parseDuration(range) !== panel.timing.rangeSeconds)
        problems.push(`${where} / ${query.refId}: g${i}.range_input is ${range || 'missing'}`);
      if (Number(url.searchParams.get(`g${i}.step_input`)) !== panel.timing.stepSeconds)
        problems.push(`${where} / ${query.refId}: g${i}.step_input is wrong`);
    });
  }
  return problems;
}
