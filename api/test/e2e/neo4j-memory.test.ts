/**
 * Neo4j's memory under docker-compose.yml's settings, measured on a real Neo4j: there is no Docker
 * engine here, so a SECOND native Neo4j (its own home, ports and data; the installed jars, read only)
 * runs with the compose file's heap and page cache and the image's -XX:+AlwaysPreTouch, takes 5,000
 * MERGEs in the lab's graph model, and its peak resident memory (VmHWM) must leave the compose limit a
 * fifth of headroom. The shared Neo4j on 7687 is never touched.
 *
 * Assumed, not measured here: the image runs Java 21 where this runs the machine's Java (17), and a
 * container's memory also counts its page cache of the store files, which the kernel reclaims first.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import neo4j, { type AuthToken, type Driver } from 'neo4j-driver-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from '../helpers/start-server.ts';
import { MEMORY_FLOORS_MIB } from '../stack/memory-floors.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const MERGES = 5000;
const SESSIONS = 8;

interface ComposeNeo4j {
  environment: Record<string, string>;
  mem_limit: string;
}

async function composeNeo4j(): Promise<ComposeNeo4j> {
  const file = parse(await readFile(join(repo, 'docker-compose.yml'), 'utf8'));
  return file.services.neo4j;
}

/** Peak and current resident memory of a process, in MiB, from /proc. */
async function residentMiB(pid: number): Promise<{ peak: number; now: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { peak: kib('VmHWM') / 1024, now: kib('VmRSS') / 1024 };
}

// The lab's graph model, one todo per transaction: a busy lab's inline graph writes.
const MERGE_TODO = `
MERGE (u:User {id: $userId})
MERGE (t:Todo {id: $id})
SET t.title = $title, t.completed = false, t.createdAt = datetime()
MERGE (u)-[:OWNS]->(t)
MERGE (c:Category {id: $categoryId})
SET c.name = $category
MERGE (t)-[:BELONGS_TO]->(c)`;

describe("Neo4j with docker-compose.yml's memory settings", () => {
  let home = '';
  let env: NodeJS.ProcessEnv = {};
  let driver: Driver | undefined;
  let pid = 0;
  let httpPort = 0;
  let limitMiB = 0;
  const lib = process.env.FLOWLAB_NEO4J_LIB ?? join(repo, '.data/neo4j/lib');

  beforeAll(async () => {
    const service = await composeNeo4j();
    limitMiB = Number(/^(\d+)m$/.exec(service.mem_limit)?.[1]);
    expect(existsSync(join(lib, '.version')), `an installed Neo4j in ${lib} (FLOWLAB_NEO4J_LIB)`).toBe(true);
    home = await mkdtemp(join(tmpdir(), 'flowlab-neo4j-memory-'));
    const boltPort = await freePort();
    httpPort = await freePort();
    env = {
      ...process.env,
      FLOWLAB_NEO4J_HOME: home,
      FLOWLAB_NEO4J_LIB: lib,
      FLOWLAB_NEO4J_BOLT_PORT: String(boltPort),
      FLOWLAB_NEO4J_HTTP_PORT: String(httpPort),
      FLOWLAB_NEO4J_HEAP: service.environment.NEO4J_server_memory_heap_max__size,
      FLOWLAB_NEO4J_PAGECACHE: service.environment.NEO4J_server_memory_pagecache_size,
      FLOWLAB_NEO4J_PRETOUCH: '1',
      // The image has no class-data archive of Neo4j's classes.
      FLOWLAB_NEO4J_CDS: '0',
    };
    expect(service.environment.NEO4J_server_memory_heap_initial__size).toBe(env.FLOWLAB_NEO4J_HEAP);
    await run('bash', [join(repo, 'scripts/services.sh'), 'up', 'neo4j'], { env, timeout: 180_000 });
    pid = Number((await readFile(join(home, 'run/neo4j.pid'), 'utf8')).trim());
    driver = neo4j.driver(`bolt://127.0.0.1:${boltPort}`, neo4j.auth.none() as AuthToken, {
      disableLosslessIntegers: true,
    });
  }, 200_000);

  afterAll(async () => {
    await driver?.close();
    if (home) {
      await run('bash', [join(repo, 'scripts/services.sh'), 'down', 'neo4j'], { env, timeout: 60_000 });
      await rm(home, { recursive: true, force: true });
    }
  }, 90_000);

  it('answers the HTTP probe the compose healthcheck makes', async () => {
    const response = await fetch(`http://127.0.0.1:${httpPort}/`);
    expect(response.status).toBe(200);
  });

  it(`stays a fifth under its limit after ${MERGES} MERGEs`, async () => {
    const session = driver?.session();
    for (const label of ['User', 'Todo', 'Category']) {
      await session?.run(`CREATE CONSTRAINT IF NOT EXISTS FOR (n:${label}) REQUIRE n.id IS UNIQUE`);
    }
    await session?.close();
    const started = await residentMiB(pid);

    let next = 0;
    await Promise.all(
      Array.from({ length: SESSIONS }, async () => {
        const writer = driver?.session();
        while (next < MERGES) {
          const id = next++;
          await writer?.executeWrite((tx) =>
            tx.run(MERGE_TODO, {
              id,
              userId: id % 50,
              title: `todo ${id}: ${'a title of some length '.repeat(2)}`,
              categoryId: id % 200,
              category: `category ${id % 200}`,
            }),
          );
        }
        await writer?.close();
      }),
    );
    const count = await driver?.executeQuery('MATCH (t:Todo) RETURN count(t) AS n');
    expect(count?.records[0]?.get('n')).toBe(MERGES);

    const after = await residentMiB(pid);
    console.info(
      `Neo4j resident memory: ${started.now.toFixed(0)} MiB after start, peak ${after.peak.toFixed(0)} MiB after ${MERGES} MERGEs (limit ${limitMiB} MiB)`,
    );
    expect(after.peak * 1.2).toBeLessThanOrEqual(limitMiB);
    // The floor recorded in test/stack/memory-floors.ts (and the compose comment) is still true.
    expect(after.peak).toBeLessThanOrEqual((MEMORY_FLOORS_MIB.neo4j?.floor ?? 0) * 1.05);
  }, 240_000);
});
