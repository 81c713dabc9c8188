/**
 * The drills' parts built from the app's dependencies: the runner, its background load aimed at
 * this API's own port, and the lock that keeps the fault switches the drill's while it runs (a
 * learner who could list the faults would read the hidden cause; one who could clear them would
 * end the drill without its debrief).
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { ProblemError } from '../../errors/problem.ts';
import type { RecentTraces } from '../../telemetry/recent-traces.ts';
import { spanTree } from '../../trace-views/span-tree.ts';
import type { Faults } from '../faults.ts';
import type { Need } from './catalogue.ts';
import { createDrillLoad } from './drill-load.ts';
import { createDrillRunner, type DrillRunner } from './drill-runner.ts';

/** Where the load reaches this API: its own host, or loopback when it listens on every address. */
export function selfUrl(config: Pick<Config, 'HOST' | 'PORT'>): string {
  const host = ['0.0.0.0', '::', ''].includes(config.HOST) ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
}

export function drillsFor(deps: {
  config: Pick<Config, 'HOST' | 'PORT'>;
  faults: Faults;
  logger: Logger;
  traces: RecentTraces;
  redis: boolean;
  graph: boolean;
}): { runner: DrillRunner; lockFaults: MiddlewareHandler } {
  const available = new Set<Need>([
    ...(deps.redis ? ['redis' as const] : []),
    ...(deps.graph ? ['neo4j' as const] : []),
  ]);
  const load = createDrillLoad({ baseUrl: selfUrl(deps.config), logger: deps.logger, graph: deps.graph });
  const runner = createDrillRunner({
    faults: deps.faults,
    available,
    load,
    readTrace: (traceId) => {
      const spans = deps.traces.spans(traceId);
      return spans && spanTree(spans);
    },
    logger: deps.logger,
  });
  const lockFaults: MiddlewareHandler = async function lockFaultsDuringDrill(_c, next) {
    if (runner.locked) {
      throw new ProblemError('drill-running', {
        detail: 'A drill is running: its fault switches are hidden until it ends (solve it, or give it up).',
        extensions: { runId: runner.current()?.runId },
      });
    }
    await next();
  };
  return { runner, lockFaults };
}
