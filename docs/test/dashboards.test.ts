/**
 * The dashboard pages' queries and links, from the dashboard JSON, without a Prometheus: every
 * panel has a query, no Grafana variable is left in one, and every link parses back into the
 * panel's queries, range and step. (That Prometheus answers each link with data: api/test/e2e.)
 */
import { describe, expect, it } from 'vitest';
import { type Dashboard, dashboardProblems, expandQuery, loadDashboards, panelTiming } from '../src/lib/dashboards.ts';
import { repoRoot } from '../src/lib/source-region.ts';

const { dashboards, scrapeSeconds } = loadDashboards(repoRoot);

describe('the dashboard pages', () => {
  it('read every provisioned dashboard, each panel with a query and a link that parses', () => {
    expect(dashboards.map((d) => d.file)).toEqual([
      'api-overview.json',
      'dependencies.json',
      'load-test.json',
      'nodejs-runtime.json',
      'span-metrics.json',
    ]);
    expect(dashboards.flatMap((d) => d.panels).length).toBeGreaterThan(30);
    expect(dashboards.flatMap(dashboardProblems)).toEqual([]);
  });

  it("uses Grafana's timing for the lab's 15-minute dashboards and 5 s scrapes", () => {
    expect(scrapeSeconds).toBe(5);
    const panel = dashboards[0]?.panels[0];
    expect(panel?.timing).toEqual({ rangeSeconds: 900, stepSeconds: 5, intervalSeconds: 5, rateIntervalSeconds: 20 });
    expect(panel?.queries[0]?.expr).toBe(
      'sum by (http_route) (rate(http_server_request_duration_seconds_count{http_route=~".*"}[20s]))',
    );
    const url = new URL(panel?.graphPath ?? '', 'http://127.0.0.1:9090');
    expect(url.searchParams.get('g0.range_input')).toBe('15m');
    expect(url.searchParams.get('g0.step_input')).toBe('5');
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${…} spelling, on purpose.
  it('replaces $__interval, $__range, ${…} spellings and template variables as Grafana would', () => {
    const dashboard = {
      uid: 'x',
      title: 'x',
      time: { from: 'now-6h', to: 'now' },
      templating: {
        list: [
          { name: 'route', allValue: '.*' },
          { name: 'status', current: { value: ['200', '201'] } },
        ],
      },
      panels: [],
    } satisfies Dashboard;
    const timing = panelTiming(
      dashboard,
      { id: 1, type: 'timeseries', title: 'x', gridPos: { w: 24, h: 8, x: 0, y: 0 } },
      5,
    );
    // 6 h over 1920 points is 11.25 s, rounded to Grafana's nice 10 s.
    expect(timing).toEqual({ rangeSeconds: 21_600, stepSeconds: 10, intervalSeconds: 10, rateIntervalSeconds: 20 });
    expect(
      expandQuery(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${…} spelling, on purpose.
        'rate(x{r=~"$route",s=~"${status}"}[$__rate_interval]) / $__interval / ${__range}',
        dashboard,
        timing,
      ),
    ).toBe('rate(x{r=~".*",s=~"200|201"}[20s]) / 10s / 6h');
  });

  it('finds a panel with no query and a variable nobody replaces', () => {
    const [first] = dashboards;
    if (!first) throw new Error('no dashboards');
    const broken = {
      ...first,
      panels: [
        { ...first.panels[0], queries: [] },
        { ...first.panels[1], queries: [{ refId: 'A', source: '$unknown', expr: 'up{x="$unknown"}' }] },
      ],
    } as typeof first;
    const problems = dashboardProblems(broken as never);
    expect(problems.some((p) => p.endsWith(': no query'))).toBe(true);
    expect(problems.some((p) => p.includes('$unknown is not replaced'))).toBe(true);
    expect(problems.some((p) => p.includes('g0.expr differs'))).toBe(true);
  });
});
