/**
 * The exposition must not depend on earlier scrapes: prom-client renames counters in place
 * during an OpenMetrics scrape, which once made the classic text show `process_cpu_seconds`
 * (after an OpenMetrics scrape) or `process_cpu_seconds_total_total` (before one).
 * Both formats, in both orders, several times. promtool (2.42 here) lints the classic text format
 * only, so each text scrape goes through promtool; each OpenMetrics scrape is checked for the
 * rules promtool cannot read: counter families named without _total, samples with it, and # EOF.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/telemetry/metrics.ts';

const run = promisify(execFile);
const OPENMETRICS_ACCEPT = 'application/openmetrics-text; version=1.0.0,text/plain;q=0.5';

async function promtool(body: string): Promise<string> {
  const check = run('promtool', ['check', 'metrics']);
  check.child.stdin?.end(body);
  const { stdout, stderr } = await check.catch((error: { stdout: string; stderr: string; code: number }) => ({
    stdout: `exit ${error.code}: ${error.stdout}`,
    stderr: error.stderr,
  }));
  return `${stdout}${stderr}`.trim();
}

/** Every counter name of an exposition, as its samples spell it. */
const counterSamples = (body: string) =>
  [...body.matchAll(/^(process_cpu_seconds\w*|flowlab_todos\w*)[{ ]/gm)].map((m) => m[1]);

describe('metric names across scrapes', () => {
  for (const order of [
    ['text', 'openmetrics', 'text', 'openmetrics', 'text'],
    ['openmetrics', 'text', 'openmetrics', 'text', 'openmetrics'],
  ] as const) {
    it(`stay the same when scraped ${order.join(', ')}`, async () => {
      const metrics = createMetrics();
      metrics.todoChanges.inc({ change: 'created' });
      // The lab's own histogram (call-durations.ts) goes through promtool too.
      metrics.dependencyDuration.observe({ db_system_name: 'redis', db_operation_name: 'get' }, 0.0004);
      for (const format of order) {
        const { contentType, body } = await metrics.expose(format === 'openmetrics' ? OPENMETRICS_ACCEPT : undefined);
        expect(contentType).toContain(format === 'openmetrics' ? 'application/openmetrics-text' : 'text/plain');
        const samples = new Set(counterSamples(body));
        expect([...samples].sort(), format).toEqual(['flowlab_todos_total', 'process_cpu_seconds_total']);
        if (format === 'text') {
          expect(body).toContain('# TYPE process_cpu_seconds_total counter');
          expect(await promtool(body), `promtool on ${format}`).toBe('');
        } else {
          expect(body).toContain('# TYPE process_cpu_seconds counter');
          expect(body).toContain('# TYPE flowlab_todos counter');
          expect(body).not.toMatch(/_total_total|# TYPE \w+_total counter/);
          expect(body.endsWith('# EOF\n')).toBe(true);
        }
      }
    });
  }
});
