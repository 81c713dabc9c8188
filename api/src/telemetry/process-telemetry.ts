/**
 * The telemetry objects an app reads and feeds, as one dependency: the span processors that the
 * instrumentation module (loaded with --import, before the app) added to this process's tracer
 * provider. createApp takes them the way it takes the database, rather than reading the modules'
 * singletons itself; there is one set a process because there is one tracer provider.
 */
import { type DependencySpans, dependencySpans } from './dependency-spans.ts';
import { type RecentLogs, recentLogs } from './recent-logs.ts';
import { type RecentTraces, recentTraces } from './recent-traces.ts';
import { type ServerSpans, serverSpans } from './server-spans.ts';
import { type ServerTimings, serverTimings } from './server-timing.ts';

export interface TelemetryStores {
  /** The last traces, for the lab's trace views (trace-views/). */
  recentTraces: RecentTraces;
  /** The last log lines, beside them (the logs SDK's processor). */
  recentLogs: RecentLogs;
  /** Each request's time in PostgreSQL, Neo4j and Redis, for its Server-Timing header. */
  serverTimings: ServerTimings;
  /** Every dependency call's duration, for the dependency metrics. */
  dependencySpans: DependencySpans;
  /** Each request's SERVER span (on once the instrumentation module has set up tracing). */
  serverSpans: ServerSpans;
}

export const processTelemetry: TelemetryStores = {
  recentTraces,
  recentLogs,
  serverTimings,
  dependencySpans,
  serverSpans,
};
