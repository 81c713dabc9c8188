/**
 * Builds the real app on a real database for HTTP tests, plus the few calls that
 * nearly every test makes (register, log in, send JSON).
 */
import { testClient } from 'hono/testing';
import { createApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { AppDependencies } from '../../src/services.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { processTelemetry } from '../../src/telemetry/process-telemetry.ts';
import type { TestDatabase } from './backends.ts';

export const TEST_JWT_SECRET = 'flowlab-test-secret-0123456789abcdef-0123456789';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    // The lowest scrypt cost the config accepts keeps hundreds of registrations fast;
    // the production cost is exercised by the smoke test.
    PASSWORD_SCRYPT_LOG_N: '10',
    // app.request() has no client address, so every test request shares one auth bucket.
    AUTH_RATE_LIMIT: '100000',
    ...overrides,
  });
}

export type TestApp = ReturnType<typeof createTestApp>;

/** The options argument of a typed client call made as this user. */
export const as = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

/** Real dependencies beyond the database (Neo4j, Redis), when a suite has them. */
export type ExtraDeps = Partial<
  Pick<AppDependencies, 'graph' | 'redis' | 'faults' | 'onGraphApplied' | 'logger' | 'telemetry'>
>;

export function createTestApp(database: TestDatabase, overrides: Record<string, string> = {}, extra: ExtraDeps = {}) {
  const config = testConfig(overrides);
  const deps: AppDependencies = {
    config,
    database,
    logger: createLogger({ level: 'silent' }),
    faults: database.faults,
    // The process's own telemetry objects (the in-memory tracer of a test adds them to its provider).
    telemetry: processTelemetry,
    ...extra,
  };
  const app = createApp(deps);
  /** The app's routes as typed calls: bodies in and out have the types the routes declare. */
  const client = testClient(app);
  let counter = 0;

  /**
   * A raw request: any method, path, body or header, including the ones the contract's types
   * refuse (malformed JSON, unknown fields, hand-written query strings). Read its problems with
   * problemIn (responses.ts); for well-formed calls, `client` types the body instead.
   */
  async function send(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await app.request(path, { method, headers, body });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered.
    const json: any = text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined;
    return { status: response.status, headers: response.headers, json, text };
  }

  /** Registers a fresh user and logs in; returns the user and a token. */
  async function signUp(prefix = 'user') {
    counter += 1;
    const email = `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const password = 'correct horse battery';
    const registered = await client.auth.register.$post({ json: { email, password, name: prefix } });
    if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${await registered.text()}`);
    const login = await client.auth.login.$post({ json: { email, password } });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    return { user: await registered.json(), email, password, token: (await login.json()).accessToken };
  }

  return { app, client, config, deps, send, signUp };
}
