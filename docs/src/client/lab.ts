/**
 * The learner's side of the lab, in the browser: a lab account made on first use (its token stays
 * in this browser's localStorage), requests sent with a traceparent made here, and the trace read
 * back from GET /debug/traces/:traceId. Every panel on every page goes through this module.
 */
import { type SpanNode as ApiSpanNode, flattenSpans } from '@flowlab/api/span-tree';
import type { StoredLog } from '../../../api/src/telemetry/recent-logs.ts';
import type { LabRequest } from '../lab/steps.ts';

/** Same origin as the API in the lab (it serves /learn/); the dev server points elsewhere. */
export const apiBase = (import.meta.env.PUBLIC_FLOWLAB_API || location.origin).replace(/\/$/, '');

const ACCOUNT_KEY = 'flowlab.account';

export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A W3C traceparent: version 00, a fresh trace id, a parent span id, sampled. */
export function newTraceparent(): { traceparent: string; traceId: string; parentId: string } {
  const traceId = randomHex(16);
  const parentId = randomHex(8);
  return { traceparent: `00-${traceId}-${parentId}-01`, traceId, parentId };
}

interface Account {
  email: string;
  password: string;
  token: string;
  /** Milliseconds since the epoch when the token expires. */
  expiresAt: number;
}

function storedAccount(): Account | undefined {
  try {
    return JSON.parse(localStorage.getItem(ACCOUNT_KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(`${apiBase}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function logIn(email: string, password: string): Promise<Account | undefined> {
  const response = await postJson('/auth/login', { email, password });
  if (!response.ok) return undefined;
  const { accessToken, expiresIn } = (await response.json()) as { accessToken: string; expiresIn: number };
  const account = { email, password, token: accessToken, expiresAt: Date.now() + expiresIn * 1000 };
  localStorage.setItem(ACCOUNT_KEY, JSON.stringify(account));
  return account;
}

let pending: Promise<Account> | undefined;

/**
 * The learner's lab account: registered on first use, logged in again when the token is old.
 * Panels on one page ask at once: they share one answer, so a page never registers twice.
 */
export function labAccount(): Promise<Account> {
  pending ??= findOrMakeAccount().finally(() => {
    pending = undefined;
  });
  return pending;
}

async function findOrMakeAccount(): Promise<Account> {
  const known = storedAccount();
  if (known && known.expiresAt - Date.now() > 60_000) return known;
  if (known) {
    const again = await logIn(known.email, known.password);
    if (again) return again;
  }
  const email = `learner-${randomHex(6)}@lab.flowlab.test`;
  const password = randomHex(16);
  const registered = await postJson('/auth/register', { email, password, name: 'Lab learner' });
  if (!registered.ok)
    throw new Error(`Registering a lab account failed: ${registered.status} ${await registered.text()}`);
  const account = await logIn(email, password);
  if (!account) throw new Error('Logging in to the new lab account failed');
  return account;
}

export function forgetAccount(): void {
  localStorage.removeItem(ACCOUNT_KEY);
}

export interface LabResponse {
  status: number;
  headers: Headers;
  body: unknown;
  traceId: string;
  /** How long the browser waited for the answer, in ms. */
  elapsedMs: number;
}

function fill(value: string, n: string): string {
  return value.replaceAll('{n}', n);
}

/** Sends one lab request as the learner, continuing a trace the page chose. */
export async function sendLabRequest(request: LabRequest, traceparent?: string): Promise<LabResponse> {
  const { token } = request.auth ? await labAccount() : { token: undefined };
  const n = String(Date.now() % 1_000_000);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name] = fill(value, n);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (request.body) headers['Content-Type'] = 'application/json';
  const context = traceparent ? { traceparent, traceId: traceparent.split('-')[1] ?? '' } : newTraceparent();
  headers.traceparent = context.traceparent;
  const started = performance.now();
  const response = await fetch(`${apiBase}${request.path}`, {
    method: request.method,
    headers,
    body: request.body ? fill(JSON.stringify(request.body), n) : undefined,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return {
    status: response.status,
    headers: response.headers,
    body,
    traceId: context.traceId,
    elapsedMs: performance.now() - started,
  };
}

// The span tree as GET /debug/traces/:traceId serves it: the API's own module (a type and a pure
// function, nothing of the server is bundled), so the viewer follows the API when its shape changes.
// Each span carries its log lines (the recent-logs store); Jaeger's copy of a trace has none.
export type SpanNode = Omit<ApiSpanNode, 'children'> & { logs?: StoredLog[]; children: SpanNode[] };
export type { StoredLog };

/**
 * One trace's span tree, or undefined when the API does not have it. The SERVER span ends just
 * after the answer is sent, so a trace read at once may still miss it: with `attempts`, ask again
 * a few times until the request's SERVER span is in.
 */
export async function readTrace(traceId: string, attempts = 1): Promise<SpanNode[] | undefined> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    // The first look waits a moment too: a 404 for a trace still ending would be noise in the console.
    if (attempts > 1) await new Promise((resolve) => setTimeout(resolve, 100 + 150 * attempt));
    const response = await fetch(`${apiBase}/debug/traces/${traceId}`);
    if (response.ok) {
      const { spans } = (await response.json()) as { spans: SpanNode[] };
      if (spans.some((s) => s.kind === 'SERVER' || !s.parentSpanId)) return spans;
    } else if (response.status !== 404) throw new Error(`GET /debug/traces/${traceId} answered ${response.status}`);
  }
  return undefined;
}

/** Every span of a tree, depth first. */
export const allSpans = flattenSpans<SpanNode>;
