/**
 * The memory floors the compose file's limits are checked against (static.test.ts), kept apart so
 * that the e2e tier (test/e2e/neo4j-memory.test.ts) can check the measured figure is still true.
 */
/**
 * The least memory each service needs, and where the figure comes from. A limit must clear a measured
 * floor by a fifth (a container at its limit is killed, exit 137, not slowed down); a documented
 * minimum or a configured cap is met as it is.
 */
export const MEMORY_FLOORS_MIB: Record<string, { floor: number; margin: number; source: string }> = {
  neo4j: {
    floor: 557,
    margin: 1.2,
    source:
      'measured: peak RSS (VmHWM) of a native Neo4j 5.26.30 with the compose settings and -XX:+AlwaysPreTouch, on Java 17: 478 to 482 MiB after start, 534 to 546 MiB after 5,000 MERGEs over three runs of api/test/e2e/neo4j-memory.test.ts, 557 MiB after 10,000',
  },
  grafana: {
    floor: 512,
    margin: 1,
    source: "Grafana's documented minimum memory (Install Grafana: hardware recommendations)",
  },
  api: { floor: 192, margin: 1.2, source: 'NODE_OPTIONS --max-old-space-size=192, the old space alone' },
  postgres: { floor: 128, margin: 1.2, source: 'shared_buffers = 128MB, the default of the postgres image' },
  redis: { floor: 48, margin: 1.2, source: 'its own --maxmemory 48mb' },
  jaeger: {
    floor: 60,
    margin: 1.2,
    source:
      'measured: peak RSS of the native Jaeger 2.13.0 after the e2e tier (a few dozen traces; it grows with max_traces)',
  },
  prometheus: {
    floor: 58,
    margin: 1.2,
    source: 'measured: peak RSS of the native Prometheus 2.42.0 after the e2e tier (two targets, 5 s scrapes)',
  },
  'otel-collector': { floor: 200, margin: 1.2, source: 'otel-collector.yaml memory_limiter limit_mib: 200' },
};
