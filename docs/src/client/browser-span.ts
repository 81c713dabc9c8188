/**
 * The browser's side of a trace, made by hand on step 1: the click (an INTERNAL span) and, inside
 * it, the fetch (a CLIENT span) whose id goes out in the traceparent, so the API's SERVER span is
 * its child. The web client does the same with OpenTelemetry's fetch instrumentation; here the two
 * spans are a few lines a learner can read. They are sent as OTLP/HTTP JSON to the API's own
 * receiver (POST /otlp/v1/traces, service.name=flowlab-web) with the lab account's token, and the
 * API keeps them beside its own spans: one waterfall from the click to the database.
 */
import type { LabRequest } from '../lab/steps.ts';
import { apiBase, type LabResponse, labAccount, randomHex, sendLabRequest } from './lab.ts';

/** Milliseconds since the epoch, to the microsecond: the clock OTLP wants, in nanoseconds. */
export const nowMs = () => performance.timeOrigin + performance.now();
const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

export interface BrowserSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's kinds: 1 INTERNAL, 3 CLIENT. */
  kind: 1 | 3;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number>;
}

/** A click span and the fetch span inside it, with the traceparent the fetch carries. */
export function startBrowserTrace(): { traceId: string; clickId: string; fetchId: string; traceparent: string } {
  const traceId = randomHex(16);
  const fetchId = randomHex(8);
  return { traceId, clickId: randomHex(8), fetchId, traceparent: `00-${traceId}-${fetchId}-01` };
}

function keyValues(attributes: Record<string, string | number>) {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value: typeof value === 'number' ? { intValue: String(Math.round(value)) } : { stringValue: value },
  }));
}

/** Sends the browser's spans to the API's OTLP receiver; throws with its problem detail when refused. */
export async function sendBrowserSpans(spans: BrowserSpan[], token: string): Promise<void> {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: keyValues({ 'service.name': 'flowlab-web' }) },
        scopeSpans: [
          {
            scope: { name: 'flowlab-learn' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: nanos(s.startMs),
              endTimeUnixNano: nanos(s.endMs),
              attributes: keyValues(s.attributes),
            })),
          },
        ],
      },
    ],
  };
  const response = await fetch(`${apiBase}/otlp/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new Error(`POST /otlp/v1/traces answered ${response.status}: ${problem.detail ?? ''}`);
  }
}

/**
 * Step 1's Run it: the request sent the way the web client sends it, traced from the page. The
 * click span covers what the page does for the click (the fetch, reading the answer);
 * the fetch span only the network round trip, and its id is the parent the API continues from.
 */
export async function sendFromBrowser(request: LabRequest, label: string): Promise<LabResponse> {
  // The account first (the very first click registers one): the click span is the request's own work.
  const { token } = await labAccount();
  const { traceId, clickId, fetchId, traceparent } = startBrowserTrace();
  const clickStart = nowMs();
  const result = await sendLabRequest(request, traceparent);
  const clickEnd = nowMs();
  await sendBrowserSpans(
    [
      {
        traceId,
        spanId: clickId,
        name: `click ${label}`,
        kind: 1,
        startMs: clickStart,
        endMs: clickEnd,
        attributes: { 'flowlab.ui.action': label },
      },
      {
        traceId,
        spanId: fetchId,
        parentSpanId: clickId,
        name: request.method,
        kind: 3,
        startMs: result.sentAtMs,
        endMs: result.sentAtMs + result.elapsedMs,
        attributes: {
          'http.request.method': request.method,
          'url.full': `${apiBase}${request.path}`,
          'http.response.status_code': result.status,
        },
      },
    ],
    token,
  );
  return result;
}
