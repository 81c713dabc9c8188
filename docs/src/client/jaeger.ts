/**
 * The API's Jaeger view (/debug/jaeger/*): one trace by id, as the same span tree the recent-traces
 * store serves, drawn by the same waterfall; with a link to Jaeger's own UI only where it has one.
 */
import { apiBase, fetchTrace, type SpanNode } from './lab.ts';
import { labViews } from './views.ts';
import { renderWaterfall } from './waterfall.ts';

export async function jaegerProblem(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { detail?: string };
    return problem.detail ?? `answered ${response.status}`;
  } catch {
    return `answered ${response.status}`;
  }
}

/**
 * One trace from Jaeger, or undefined when Jaeger does not have it (or it is not the reader's).
 * With `token` (the admin's, from the search form) it is read with that token alone.
 */
export async function readJaegerTrace(
  traceId: string,
  token?: string,
): Promise<{ spans: SpanNode[]; services: string[] } | undefined> {
  const path = `/debug/jaeger/traces/${traceId}`;
  const response = token
    ? await fetch(`${apiBase}${path}`, { headers: { Authorization: `Bearer ${token}` } })
    : await fetchTrace(path);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(await jaegerProblem(response));
  return response.json();
}

export async function showJaegerTrace(target: HTMLElement, traceId: string, token?: string): Promise<boolean> {
  const trace = await readJaegerTrace(traceId, token);
  const heading = document.createElement('p');
  heading.className = 'trace-heading';
  if (!trace) {
    heading.textContent = `Jaeger has no trace ${traceId} (its store keeps the last 5,000).`;
    target.replaceChildren(heading);
    return false;
  }
  heading.append(
    'Trace ',
    Object.assign(document.createElement('code'), { textContent: traceId }),
    ` from Jaeger, ${trace.services.join(', ')} (open a row for its attributes and events)`,
  );
  const ui = (await labViews())?.jaeger.ui;
  if (ui)
    heading.append(
      ' · ',
      Object.assign(document.createElement('a'), {
        href: `${ui}/trace/${traceId}`,
        textContent: "open in Jaeger's UI",
      }),
    );
  target.replaceChildren(heading, renderWaterfall(trace.spans, ''));
  return true;
}
