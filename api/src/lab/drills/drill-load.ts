/**
 * The drill's background load: a few requests a second from a few lab users, sent over HTTP to
 * this API itself, so that a drill fills the recent traces, the metrics and the logs the way real
 * users would, without k6. Real HTTP (not app.fetch in-process) so every request is a whole
 * request: the SERVER span, the request log line, the RED metrics, the rate limits by address.
 *
 * Each request starts a trace of its own on the server, as a user's would: the load runs outside
 * the context of the request that started the drill, with its own client side untraced (no
 * traceparent sent, no CLIENT span made here).
 *
 * Bounded: one request in flight at a time (a slow fault makes the load slower, never a pile-up),
 * creates kept under the per-user limit, each user's list trimmed, and it stops with the drill.
 */
import { randomBytes } from 'node:crypto';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Logger } from 'pino';
import type { LoadShape } from './catalogue.ts';

export interface DrillLoadOptions {
  /** Where this API listens, as the load reaches it (loopback). */
  baseUrl: string;
  logger: Logger;
  /** Milliseconds between two requests (all users together). */
  intervalMs?: number;
  users?: number;
  /** Creates per user and minute: below TODO_CREATE_LIMIT, so the load never meets it by itself. */
  createsPerMinute?: number;
  /** Whether the graph routes exist (NEO4J_URI): the load then reads related todos too. */
  graph?: boolean;
  fetch?: typeof fetch;
}

interface LabUser {
  email: string;
  password: string;
  token: string;
  todoIds: number[];
  creates: number[];
}

export interface DrillLoad {
  start(shape?: LoadShape): Promise<void>;
  stop(): void;
  readonly running: boolean;
  /** Requests sent since the start, by status (for the drill's own view and the tests). */
  readonly sent: Readonly<Record<string, number>>;
}

const USER_AGENT = 'flowlab-drill-load';

export function createDrillLoad(options: DrillLoadOptions): DrillLoad {
  const send = options.fetch ?? fetch;
  const intervalMs = options.intervalMs ?? 400;
  const createsPerMinute = options.createsPerMinute ?? 6;
  let users: LabUser[] = [];
  let usersMadeAt = 0;
  let timers: NodeJS.Timeout[] = [];
  let inFlight = false;
  let tick = 0;
  let sent: Record<string, number> = {};
  // Bumped by every start and stop: a start still making its users when the drill ends must not
  // start its timers afterwards.
  let generation = 0;

  async function call(
    path: string,
    init: RequestInit & { token?: string; timeoutMs?: number } = {},
  ): Promise<Response | undefined> {
    const headers = new Headers(init.headers);
    headers.set('User-Agent', USER_AGENT);
    if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
    if (init.body) headers.set('Content-Type', 'application/json');
    try {
      const response = await send(`${options.baseUrl}${path}`, {
        ...init,
        headers,
        signal: AbortSignal.timeout(10_000),
      });
      sent[String(response.status)] = (sent[String(response.status)] ?? 0) + 1;
      return response;
    } catch {
      sent.failed = (sent.failed ?? 0) + 1;
      return undefined;
    }
  }

  async function makeUser(index: number): Promise<LabUser | undefined> {
    const email = `drill-${index}-${randomBytes(4).toString('hex')}@lab.flowlab.test`;
    const password = randomBytes(12).toString('hex');
    const body = (value: unknown) => JSON.stringify(value);
    // Password hashing is slow on purpose (scrypt), and slower on a busy machine: a generous timeout.
    const timeoutMs = 60_000;
    await call('/auth/register', {
      method: 'POST',
      timeoutMs,
      body: body({ email, password, name: `Drill user ${index}` }),
    });
    const login = await call('/auth/login', { method: 'POST', timeoutMs, body: body({ email, password }) });
    if (!login?.ok) return undefined;
    const { accessToken } = (await login.json()) as { accessToken: string };
    return { email, password, token: accessToken, todoIds: [], creates: [] };
  }

  async function oneRequest(): Promise<void> {
    // Users that could not be made at the start (a busy machine) are made on the way.
    if (users.length < (options.users ?? 3) && tick % 20 === 0) {
      const user = await makeUser(users.length + 1);
      if (user) users.push(user);
    }
    const user = users[tick % Math.max(users.length, 1)];
    tick += 1;
    if (!user) return;
    const now = Date.now();
    user.creates = user.creates.filter((at) => now - at < 60_000);
    const roll = tick % 10;
    if (roll < 3 && user.creates.length < createsPerMinute) {
      user.creates.push(now);
      const response = await call('/todos', {
        method: 'POST',
        token: user.token,
        body: JSON.stringify({ title: `drill todo ${now}-${tick}` }),
      });
      if (response?.status === 201) user.todoIds.push(((await response.json()) as { id: number }).id);
      else await response?.body?.cancel();
    } else if (roll === 3 && user.todoIds.length > 8) {
      const id = user.todoIds.shift();
      await (await call(`/todos/${id}`, { method: 'DELETE', token: user.token }))?.body?.cancel();
    } else if (roll === 4 && options.graph && user.todoIds.length > 0) {
      const id = user.todoIds[user.todoIds.length - 1];
      await (await call(`/todos/${id}/related`, { token: user.token }))?.body?.cancel();
    } else {
      await (await call('/todos', { token: user.token }))?.body?.cancel();
    }
  }

  /** A client that keeps failing to log in from this machine's address: it uses up the /auth/* limit. */
  async function noisyLogin(): Promise<void> {
    const email = users[0]?.email ?? 'nobody@lab.flowlab.test';
    await (
      await call('/auth/login', { method: 'POST', body: JSON.stringify({ email, password: 'not-the-password' }) })
    )?.body?.cancel();
  }

  function every(ms: number, work: () => Promise<void>): NodeJS.Timeout {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      work()
        .catch((error) => options.logger.debug({ err: error }, 'drill load request failed'))
        .finally(() => {
          busy = false;
        });
    }, ms);
    // The load never keeps the process alive on its own.
    timer.unref();
    return timer;
  }

  return {
    get running() {
      return timers.length > 0;
    },
    get sent() {
      return sent;
    },
    async start(shape) {
      this.stop();
      const mine = ++generation;
      sent = {};
      // Users are made once per process and reused by later drills: each registration and login
      // counts against the per-address limit of /auth/*, which the learner shares.
      // Their tokens live JWT_TTL_SECONDS (an hour by default): after half an hour, new ones.
      if (users.length === 0 || Date.now() - usersMadeAt > 30 * 60_000) {
        usersMadeAt = Date.now();
        const made = await Promise.all(Array.from({ length: options.users ?? 3 }, (_, i) => makeUser(i + 1)));
        users = made.filter((user): user is LabUser => user !== undefined);
      }
      if (mine !== generation) return;
      timers.push(
        every(intervalMs, async () => {
          if (inFlight) return;
          inFlight = true;
          try {
            await oneRequest();
          } finally {
            inFlight = false;
          }
        }),
      );
      if (shape === 'noisy-login') {
        // Not one at a time: a wrong password costs a password hash (slow on purpose), and a client
        // that waited for each answer would never reach the limit. Up to four in flight.
        let flying = 0;
        const timer = setInterval(() => {
          if (flying >= 4) return;
          flying += 1;
          noisyLogin()
            .catch(() => undefined)
            .finally(() => {
              flying -= 1;
            });
        }, 700);
        timer.unref();
        timers.push(timer);
      }
    },
    stop() {
      generation += 1;
      for (const timer of timers) clearInterval(timer);
      timers = [];
    },
  };
}
