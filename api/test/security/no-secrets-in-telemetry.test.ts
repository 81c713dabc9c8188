/**
 * A failing register and a failing create, end to end through `npm start` on PostgreSQL:
 * the database refuses the insert (a trigger), so the driver's "Failed query ... params: ..."
 * error passes through every place that records errors. Not one span attribute, event, status
 * message or log line may carry the email, the password, its hash, the token or the todo's text:
 * neither on stdout, nor as the OpenTelemetry log records the lines become (the recent-logs store
 * under each span, and the OTLP export, captured here as the bytes the exporter sends).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.ts';
import { pgliteBackend, postgresBackend, type TestDatabase } from '../helpers/backends.ts';
import { eventually } from '../helpers/services.ts';
import { type StartedServer, startServer } from '../helpers/start-server.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { fetchTrace, flatten, newTraceparent, type SpanNode } from '../helpers/traces.ts';

const refusedEmail = 'refused-ada@example.com';
const refusedPassword = 'my very secret passphrase';
const refusedTitle = 'refused: a private title';
const refusedDescription = 'a private description nobody should read in a log';

// The database refuses these inserts, so the driver's error (with its parameters) is a real one.
const REFUSING_TRIGGERS = [
  `CREATE FUNCTION refuse_for_the_test() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
  `CREATE TRIGGER refuse_user BEFORE INSERT ON users FOR EACH ROW
   WHEN (NEW.email LIKE 'refused-%') EXECUTE FUNCTION refuse_for_the_test()`,
  `CREATE TRIGGER refuse_todo BEFORE INSERT ON todos FOR EACH ROW
   WHEN (NEW.title LIKE 'refused:%') EXECUTE FUNCTION refuse_for_the_test()`,
];

/** Where the API's OTLP log exporter sends: each request body kept as it arrived (protobuf). */
async function otlpLogsSink(): Promise<{ server: Server; url: string; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/logs') bodies.push(Buffer.concat(chunks));
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`, bodies };
}

describe('no secrets or personal data in spans and logs of a failing request', () => {
  let database: TestDatabase;
  let server: StartedServer;
  let sink: Awaited<ReturnType<typeof otlpLogsSink>>;
  let token: string;
  const json = { 'Content-Type': 'application/json' };

  beforeAll(async () => {
    database = await postgresBackend.create();
    for (const statement of REFUSING_TRIGGERS) await database.db.execute(statement);
    sink = await otlpLogsSink();
    server = await startServer({
      DATABASE_URL: database.url ?? '',
      PASSWORD_SCRYPT_LOG_N: '10',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: sink.url,
      OTEL_BLRP_SCHEDULE_DELAY: '100',
    });
    const credentials = JSON.stringify({ email: 'kept@example.com', password: 'a kept password' });
    await fetch(`${server.base}/auth/register`, { method: 'POST', headers: json, body: credentials });
    const login = await fetch(`${server.base}/auth/login`, { method: 'POST', headers: json, body: credentials });
    token = ((await login.json()) as { accessToken: string }).accessToken;
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    sink?.server.close();
    await database?.destroy();
  });

  it('keeps them out of every span attribute, event and log line, on stdout and as log records', async () => {
    const register = newTraceparent();
    const registered = await fetch(`${server.base}/auth/register`, {
      method: 'POST',
      headers: { ...json, traceparent: register.traceparent },
      body: JSON.stringify({ email: refusedEmail, password: refusedPassword, name: 'Ada' }),
    });
    expect(registered.status).toBe(500);
    const create = newTraceparent();
    const created = await fetch(`${server.base}/todos`, {
      method: 'POST',
      headers: { ...json, traceparent: create.traceparent, Authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: refusedTitle, description: refusedDescription }),
    });
    expect(created.status).toBe(500);

    const spans = [
      ...flatten(await fetchTrace(server.base, register.traceId)),
      ...flatten(await fetchTrace(server.base, create.traceId)),
    ];
    // Both failures are recorded, with the statement and the database's reason: the test sees real errors.
    const text = (span: SpanNode) =>
      JSON.stringify([span.attributes, span.events, (span as { statusMessage?: string }).statusMessage]);
    // The log records kept under each span (the recent-logs store), as GET /debug/traces/:id serves them.
    const records = spans.map((span) => JSON.stringify((span as { logs?: unknown[] }).logs ?? [])).join('\n');
    expect(records).toContain('refused by the test');
    const recorded = spans.map(text).join('\n');
    expect(recorded).toContain('refused by the test');
    expect(recorded).toMatch(/insert into \\"users\\"/);
    expect(recorded).toMatch(/insert into \\"todos\\"/);
    await eventually(
      async () => {
        if ((server.stdout().match(/"msg":"unexpected error"/g) ?? []).length < 2) throw new Error('no error log yet');
      },
      { timeoutMs: 5000 },
    );
    const logs = server.stdout();
    expect(logs).toContain('refused by the test');
    // What the OTLP exporter sent: protobuf, whose strings are their UTF-8 bytes.
    const exported = await eventually(
      async () => {
        const sent = Buffer.concat(sink.bodies).toString('utf8');
        if ((sent.match(/unexpected error/g) ?? []).length < 2) throw new Error('no exported error record yet');
        return sent;
      },
      { timeoutMs: 10_000 },
    );
    expect(exported).toContain('refused by the test');

    for (const [where, haystack] of [
      ['spans', recorded],
      ['logs', logs],
      ['log records', records],
      ['exported log records', exported],
    ] as const) {
      for (const secret of [refusedEmail, refusedPassword, token, refusedTitle, refusedDescription]) {
        expect(haystack, `${where} hold ${secret.slice(0, 20)}`).not.toContain(secret);
      }
      // The password's hash: scrypt$<logN>$<r>$<p>$<salt>$<key>.
      expect(haystack, `${where} hold a password hash`).not.toMatch(/scrypt\$\d+\$/);
      expect(haystack, `${where} hold the bearer token`).not.toMatch(/eyJ[\w-]+\.eyJ/);
    }
  });
});

describe('no secrets or personal data in the logs of a failing request, on PGlite', () => {
  let database: TestDatabase;
  let t: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await pgliteBackend.create();
    for (const statement of REFUSING_TRIGGERS) await database.db.execute(statement);
    const logger = createLogger({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    t = createTestApp(database, {}, { logger });
  });
  afterAll(async () => database?.destroy());

  it('logs the failure with its statement and reason, without the values', async () => {
    const registered = await t.send('POST', '/auth/register', {
      body: { email: refusedEmail, password: refusedPassword, name: 'Ada' },
    });
    expect(registered.status).toBe(500);
    const { token } = await t.signUp('kept');
    const created = await t.send('POST', '/todos', {
      token,
      body: { title: refusedTitle, description: refusedDescription },
    });
    expect(created.status).toBe(500);
    const logs = lines.join('');
    expect(logs).toContain('refused by the test');
    expect(logs).toMatch(/insert into \\"users\\"/);
    for (const secret of [refusedEmail, refusedPassword, token, refusedTitle, refusedDescription]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/scrypt\$\d+\$/);
  });
});
