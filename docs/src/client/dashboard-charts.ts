/**
 * <dashboard-charts>: draws each panel of a dashboard page with uPlot from Prometheus's series,
 * read through the API (GET /debug/prometheus/query_range: the browser cannot ask Prometheus on
 * another origin), over the panel's range ending now, at its step, again every 15 seconds. A
 * graph panel is lines with a legend; a stat panel is its last value, as Grafana shows it. A panel
 * without a chart says why: no Prometheus (and the one command that starts it), no data yet, or
 * data that only the collector or a k6 run makes. The colours follow the page's light or dark
 * theme. It also points each panel's Prometheus link at the Prometheus the API names
 * (WEB_PROMETHEUS_URL), so one docs build serves native and compose alike.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatValue, legendName, panelSource } from '../lib/chart-values.ts';
import { apiBase } from './lab.ts';
import { type LabViews, labViews } from './views.ts';

interface ChartQuery {
  expr: string;
  legend?: string;
}

interface RangeAnswer {
  timestamps: number[];
  series: { labels: Record<string, string>; values: (number | null)[] }[];
  seriesTotal: number;
}

interface Problem {
  status: number;
  type?: string;
  detail?: string;
}

const REFRESH_MS = 15_000;
const HEIGHT = 220;
const SPARSE_POINTS = 12;
// Grafana's classic palette: each colour holds its own on a light and a dark background.
const PALETTE = ['#1f78c1', '#e0752d', '#3f9d52', '#d6443d', '#8f62c4', '#b08420', '#2a9fb5', '#c4509c'];

const NOT_RUNNING =
  'Prometheus is not running, so these panels have nothing to draw. Start it (Debian’s package, ready in under a second): `bash scripts/services.sh up prometheus`. It scrapes the API at `127.0.0.1:8000`, npm start’s address, every 5 seconds.';

/** Why the whole page has no charts: the same for every panel, said once at the top. */
function pageProblem(problem: Problem): string | undefined {
  if (problem.status === 503) return NOT_RUNNING;
  if (problem.status === 401)
    return 'This API keeps its metrics private (`METRICS_TOKEN` is set, or `NODE_ENV=production`), so these pages cannot draw them: open each panel in Prometheus with its link.';
  return undefined;
}

/** A message whose `commands` are between backticks, as text and <code> nodes: copyable as they are. */
function withCode(message: string): Node[] {
  return message.split('`').map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const code = document.createElement('code');
    code.textContent = part;
    return code;
  });
}

function themeColours() {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return { text: read('--sl-color-gray-2', '#888'), grid: read('--sl-color-gray-5', '#8884') };
}

class DashboardCharts extends HTMLElement {
  private charts = new Map<HTMLElement, uPlot>();
  private answers = new Map<HTMLElement, { data: RangeAnswer[] }>();
  private timer?: number;
  private running = false;
  private observers: { disconnect(): void }[] = [];

  async connectedCallback() {
    for (const note of this.querySelectorAll('.chart-state')) note.textContent = 'Asking Prometheus…';
    const views = await labViews();
    if (views)
      for (const link of this.querySelectorAll<HTMLAnchorElement>('a[data-graph-path]'))
        link.href = `${views.prometheus.ui}${link.dataset.graphPath}`;
    if (!views)
      return this.sayForPage('The API does not answer `GET /debug/views`, so these pages cannot draw charts.');
    if (!views.prometheus.query)
      return this.sayForPage(
        'This API reads no Prometheus (`PROMETHEUS_URL` is unset; it is set by default only in development): start it with `PROMETHEUS_URL=http://127.0.0.1:9090` to draw these panels.',
      );
    this.running = views.prometheus.running;
    // A theme switch redraws every chart in the new colours; a narrower page, at the new width.
    const themes = new MutationObserver(() => this.redrawAll());
    themes.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const sizes = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const chart = this.charts.get(entry.target as HTMLElement);
        if (chart) chart.setSize({ width: this.widthOf(entry.target as HTMLElement), height: HEIGHT });
      }
    });
    for (const figure of this.figures()) sizes.observe(figure);
    this.observers.push(themes, sizes);
    if (this.running) await this.refresh();
    else this.sayForPage(NOT_RUNNING);
    this.timer = window.setInterval(() => document.visibilityState === 'visible' && this.tick(), REFRESH_MS);
  }

  /**
   * One refresh. While Prometheus is not running, the page only asks the API whether it is now
   * (a failed query per panel would say it less clearly, and fill the console): started by the
   * learner, it is drawn at the next tick.
   */
  private async tick() {
    if (!this.running) {
      const views = await fetch(`${apiBase}/debug/views`)
        .then((r) => (r.ok ? (r.json() as Promise<LabViews>) : undefined))
        .catch(() => undefined);
      this.running = views?.prometheus.running ?? false;
      if (!this.running) return this.sayForPage(NOT_RUNNING);
    }
    await this.refresh();
  }

  disconnectedCallback() {
    window.clearInterval(this.timer);
    for (const observer of this.observers) observer.disconnect();
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
  }

  private figures() {
    return [...this.querySelectorAll<HTMLElement>('figure.panel-chart')];
  }

  private widthOf(figure: HTMLElement) {
    return Math.max(200, Math.floor(figure.clientWidth));
  }

  private sayForPage(text: string) {
    const status = this.querySelector<HTMLElement>('.charts-status');
    if (status) {
      status.replaceChildren(...withCode(text));
      status.hidden = false;
    }
    for (const figure of this.figures())
      this.say(figure, 'unavailable', 'No chart: see the note at the top of the page.');
  }

  private say(figure: HTMLElement, state: string, text: string) {
    figure.dataset.state = state;
    this.charts.get(figure)?.destroy();
    this.charts.delete(figure);
    figure.querySelector('.chart-area')?.replaceChildren();
    const note = figure.querySelector<HTMLElement>('.chart-state');
    if (note) {
      note.replaceChildren(...withCode(text));
      note.hidden = false;
    }
  }

  private async refresh() {
    const figures = this.figures();
    const answers = await Promise.all(figures.map((figure) => this.load(figure)));
    const problems = answers.filter((a): a is Problem => 'status' in a);
    const page = problems.map(pageProblem).find(Boolean);
    const status = this.querySelector<HTMLElement>('.charts-status');
    if (page) {
      if (page === NOT_RUNNING) this.running = false;
      return this.sayForPage(page);
    }
    if (status) status.hidden = true;
    figures.forEach((figure, i) => {
      const answer = answers[i] as Problem | { data: RangeAnswer[] };
      if ('data' in answer) this.answers.set(figure, answer);
      this.draw(figure, answer);
    });
  }

  /** Every query of one panel, over its range ending now (aligned to its step, as Grafana does). */
  private async load(figure: HTMLElement): Promise<Problem | { data: RangeAnswer[] }> {
    const queries = JSON.parse(figure.dataset.queries ?? '[]') as ChartQuery[];
    const step = Number(figure.dataset.step);
    const end = Math.floor(Date.now() / 1000 / step) * step;
    const start = end - Number(figure.dataset.range);
    const data: RangeAnswer[] = [];
    for (const query of queries) {
      const params = new URLSearchParams({
        query: query.expr,
        start: String(start),
        end: String(end),
        step: String(step),
      });
      try {
        const response = await fetch(`${apiBase}/debug/prometheus/query_range?${params}`);
        if (!response.ok) return { status: response.status, ...(await response.json().catch(() => ({}))) };
        data.push((await response.json()) as RangeAnswer);
      } catch {
        return { status: 0, detail: 'The API does not answer.' };
      }
    }
    return { data };
  }

  private draw(figure: HTMLElement, answer: Problem | { data: RangeAnswer[] }) {
    if ('status' in answer)
      return this.say(figure, 'failed', `No chart: ${answer.detail ?? `the API answered ${answer.status}`}`);
    const queries = JSON.parse(figure.dataset.queries ?? '[]') as ChartQuery[];
    const unit = figure.dataset.unit ?? 'short';
    const series = answer.data.flatMap((result, q) =>
      result.series.map((s) => ({
        name: legendName(queries[q]?.legend, s.labels, queries[q]?.expr ?? ''),
        values: s.values,
      })),
    );
    const points = series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
    figure.dataset.points = String(points);
    if (points === 0) return this.say(figure, 'empty', this.emptyText(queries));
    figure.querySelector<HTMLElement>('.chart-state')?.setAttribute('hidden', '');
    figure.dataset.state = 'drawn';
    if (figure.dataset.kind === 'stat') return this.drawStat(figure, series, unit);
    const timestamps = answer.data[0]?.timestamps ?? [];
    const left = answer.data.reduce((n, r) => n + r.seriesTotal - r.series.length, 0);
    const leftOut = figure.querySelector<HTMLElement>('.chart-left-out');
    if (leftOut) {
      leftOut.hidden = left === 0;
      leftOut.textContent = `${left} more series not drawn (the API returns 50 a query): aggregate the query to see them all.`;
    }
    this.charts.get(figure)?.destroy();
    const { text, grid } = themeColours();
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const chart = new uPlot(
      {
        width: this.widthOf(figure),
        height: HEIGHT,
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.name,
            stroke: PALETTE[i % PALETTE.length],
            width: 1.5,
            // A series of a few values (fresh data, or values between gaps) shows them as dots:
            // a lone value draws no line at all.
            points: { show: s.values.filter((v) => v !== null).length <= SPARSE_POINTS, size: 5 },
            value: (_: uPlot, v: number | null) => formatValue(v, unit),
          })),
        ],
        axes: [
          axis,
          { ...axis, size: 70, values: (_: uPlot, splits: number[]) => splits.map((v) => formatValue(v, unit)) },
        ],
        legend: { show: true, live: true },
        // From zero, as Grafana draws these: a flat 0 (no errors) is a line at the bottom, not a
        // line in the middle of an axis of uPlot's choosing.
        scales: { y: { range: (_: uPlot, min: number, max: number) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      },
      [timestamps, ...series.map((s) => s.values)] as uPlot.AlignedData,
      figure.querySelector<HTMLElement>('.chart-area') ?? figure,
    );
    this.charts.set(figure, chart);
  }

  private drawStat(figure: HTMLElement, series: { name: string; values: (number | null)[] }[], unit: string) {
    const area = figure.querySelector('.chart-area');
    area?.replaceChildren(
      ...series.map((s) => {
        const value = s.values.filter((v) => v !== null).at(-1);
        const stat = document.createElement('p');
        stat.className = 'stat';
        const number = document.createElement('span');
        number.className = 'stat-value';
        number.textContent = formatValue(value, unit);
        const label = document.createElement('span');
        label.className = 'stat-label';
        label.textContent = s.name;
        stat.append(number, label);
        return stat;
      }),
    );
  }

  private emptyText(queries: ChartQuery[]) {
    switch (panelSource(queries.map((q) => q.expr))) {
      case 'collector':
        return 'No data yet: these series are made from spans by the OpenTelemetry Collector (its spanmetrics connector). Start it with `bash scripts/services.sh up collector`, and the API with `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318`.';
      case 'k6':
        return 'No data: k6 writes these series only while a load test runs with `K6_OUT=experimental-prometheus-rw` (see Load tests in the README).';
      default:
        return 'No data yet in this range: send some requests (open `/app/`, or Send the request on any step page), then wait for a scrape, every 5 seconds.';
    }
  }

  /** The page's theme changed: the same answers, drawn again in its colours. */
  private redrawAll() {
    for (const [figure, answer] of this.answers) this.draw(figure, answer);
  }
}

customElements.define('dashboard-charts', DashboardCharts);
