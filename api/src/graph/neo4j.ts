/**
 * The Neo4j client: one driver, every query parameterised, every call passing the lab's
 * fault switch first. Graph model:
 *   (:User {id})-[:OWNS]->(:Todo {id, title, completed, createdAt})-[:BELONGS_TO]->(:Category {id, name})
 */

import { SpanKind } from '@opentelemetry/api';
import neo4j, { type AuthToken, type Driver, type RecordShape } from 'neo4j-driver-lite';
import type { Faults } from '../lab/faults.ts';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '../telemetry/attributes.ts';
import { step } from '../telemetry/tracing.ts';

export interface GraphClient {
  /** Runs one parameterised Cypher statement. `operation` names it for logs and telemetry. */
  run<T extends RecordShape = RecordShape>(
    cypher: string,
    params: Record<string, unknown>,
    options: { operation: string; mode: 'read' | 'write' },
  ): Promise<T[]>;
  /** Runs several write statements in one transaction (a batch of outbox events); empty ones are skipped. */
  writeAll(
    statements: { cypher: string; params: Record<string, unknown> }[],
    options: { operation: string },
  ): Promise<void>;
  /** Runs write statements in one transaction and rolls it back: the graph is left as it was. */
  rehearse(statements: { cypher: string; params: Record<string, unknown> }[]): Promise<void>;
  ping(): Promise<void>;
  /** Uniqueness constraints on the ids; safe to run at every start-up. */
  ensureSchema(): Promise<void>;
  close(): Promise<void>;
  readonly location: string;
}

const constraints = [
  'CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE',
  'CREATE CONSTRAINT todo_id IF NOT EXISTS FOR (t:Todo) REQUIRE t.id IS UNIQUE',
  'CREATE CONSTRAINT category_id IF NOT EXISTS FOR (c:Category) REQUIRE c.id IS UNIQUE',
];

export function connectNeo4j(options: { uri: string; user?: string; password?: string; faults: Faults }): GraphClient {
  // No password means a server with auth disabled (the native lab): the driver sends the "none" scheme
  // (the driver's types ask for credentials that this scheme does not have).
  const auth = options.password
    ? neo4j.auth.basic(options.user ?? 'neo4j', options.password)
    : (neo4j.auth.none() as AuthToken);
  const driver: Driver = neo4j.driver(options.uri, auth, {
    // Fail fast: the circuit breaker and the outbox handle an unavailable graph,
    // so the driver must not sit retrying for its default 30 s.
    connectionTimeout: 2000,
    connectionAcquisitionTimeout: 2000,
    maxTransactionRetryTime: 500,
    disableLosslessIntegers: true,
  });

  const server = new URL(options.uri.replace(/^[a-z+]+:/, 'http:'));
  /** A CLIENT span per call, with the current database semantic conventions; values stay parameters. */
  function clientSpan<T>(operation: string, queryText: string, work: () => Promise<T>): Promise<T> {
    return step(
      `neo4j ${operation}`,
      {
        [ATTR_DB_SYSTEM_NAME]: 'neo4j',
        [ATTR_DB_NAMESPACE]: 'neo4j',
        [ATTR_DB_OPERATION_NAME]: operation,
        [ATTR_DB_QUERY_TEXT]: queryText,
        [ATTR_SERVER_ADDRESS]: server.hostname,
        [ATTR_SERVER_PORT]: Number(server.port || 7687),
      },
      work,
      { kind: SpanKind.CLIENT },
    );
  }

  async function run<T extends RecordShape>(
    cypher: string,
    params: Record<string, unknown>,
    { operation, mode }: { operation: string; mode: 'read' | 'write' },
  ): Promise<T[]> {
    return clientSpan(operation, cypher.trim(), async () => {
      await options.faults.before('neo4j');
      const result = await driver.executeQuery(cypher, params, {
        routing: mode === 'read' ? neo4j.routing.READ : neo4j.routing.WRITE,
      });
      return result.records.map((record) => record.toObject() as T);
    });
  }

  async function writeAll(
    statements: { cypher: string; params: Record<string, unknown> }[],
    { operation }: { operation: string },
  ): Promise<void> {
    const queryText = statements.map((s) => s.cypher.trim()).join(';\n');
    return clientSpan(operation, queryText, async () => {
      await options.faults.before('neo4j');
      const session = driver.session();
      try {
        await session.executeWrite(async (tx) => {
          for (const statement of statements) await tx.run(statement.cypher, statement.params);
        });
      } finally {
        await session.close();
      }
    });
  }

  async function rehearse(statements: { cypher: string; params: Record<string, unknown> }[]): Promise<void> {
    const session = driver.session();
    try {
      const tx = session.beginTransaction();
      try {
        for (const statement of statements) await tx.run(statement.cypher, statement.params);
      } finally {
        await tx.rollback();
      }
    } finally {
      await session.close();
    }
  }

  return {
    run,
    writeAll,
    rehearse,
    location: options.uri,
    async ping() {
      await run('RETURN 1 AS ok', {}, { operation: 'ping', mode: 'read' });
    },
    async ensureSchema() {
      for (const statement of constraints) await run(statement, {}, { operation: 'create constraint', mode: 'write' });
    },
    close: () => driver.close(),
  };
}
