/**
 * A Prometheus of a test's own: Debian's binary (the one scripts/lib/prometheus.sh runs, installed
 * with the test tools for promtool), on a free port and a fresh TSDB, scraping the test's own API
 * every second. The lab's shared Prometheus scrapes 127.0.0.1:8000, which a test cannot count on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './start-server.ts';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface TestPrometheus {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `targets`: host:port of the APIs to scrape (job flowlab-api, as in stack/prometheus/prometheus.yml). */
export async function startPrometheus(targets: string[], options: { port?: number } = {}): Promise<TestPrometheus> {
  const port = options.port ?? (await freePort());
  const home = await mkdtemp(join(tmpdir(), 'flowlab-prometheus-'));
  const config = join(home, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: flowlab-api',
      `    static_configs: [{ targets: ${JSON.stringify(targets)} }]`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(home, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (chunk) => (output = `${output}${chunk}`.slice(-8000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child, stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`Prometheus (${PROMETHEUS_BIN}) did not become ready on ${url}:\n${output}`);
}

/** Waits until Prometheus has scraped `target` successfully at least `scrapes` times. */
export async function scrapedAtLeast(prometheus: TestPrometheus, scrapes: number, timeoutMs = 20_000): Promise<void> {
  // up is 1 for each successful scrape, 0 for a failed one.
  const query = new URLSearchParams({ query: 'sum(sum_over_time(up{job="flowlab-api"}[1m]))' });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answer = (await (await fetch(`${prometheus.url}/api/v1/query?${query}`)).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    if (Number(answer.data.result[0]?.value[1] ?? 0) >= scrapes) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Prometheus at ${prometheus.url} did not scrape ${scrapes} times within ${timeoutMs} ms`);
}
