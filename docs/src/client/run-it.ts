/**
 * <run-it data-step="…">: the Run it panel. One button sends the step's request as the learner,
 * then shows the answer (status, the headers that matter, the body) and the request's own trace,
 * the step's span highlighted. Without JavaScript the panel keeps the curl command it was built with.
 */
import { type LabRequest, type StepName, stepRuns } from '../lab/steps.ts';
import { sendFromBrowser } from './browser-span.ts';
import { renderComparison } from './compare.ts';
import {
  allSpans,
  type IncomingLink,
  type LabResponse,
  readTrace,
  readTraceBody,
  type SpanNode,
  sendLabRequest,
} from './lab.ts';
import { countDown, secondsFromHeaders } from './rate-limit-wait.ts';
import { renderWaterfall, traceHref } from './waterfall.ts';

const jaegerUrl = import.meta.env.PUBLIC_JAEGER_URL as string | undefined;

export function showResponse(
  target: HTMLElement,
  result: Awaited<ReturnType<typeof sendLabRequest>>,
  headers: string[],
) {
  const lines = [`HTTP ${result.status}`];
  for (const name of headers) {
    const value = result.headers.get(name);
    if (value !== null) lines.push(`${name}: ${value}`);
  }
  const head = document.createElement('pre');
  head.className = 'response-head';
  // A scrolling region must be reachable from the keyboard.
  head.tabIndex = 0;
  head.textContent = lines.join('\n');
  const body = document.createElement('pre');
  body.className = 'response-body';
  body.tabIndex = 0;
  body.textContent = typeof result.body === 'string' ? result.body : JSON.stringify(result.body, null, 2);
  target.replaceChildren(head, body);
}

async function showComparison(target: HTMLElement, traces: { label: string; traceId: string }[], highlight: string) {
  const trees = await Promise.all(traces.map((t) => readTrace(t.traceId, 8)));
  if (trees.some((tree) => !tree)) return showTrace(target, traces.at(-1)?.traceId ?? '', highlight);
  target.replaceChildren(
    renderComparison(
      traces.map((t, i) => ({ ...t, tree: trees[i] ?? [] })),
      highlight,
    ),
  );
}

/** Links between traces, both ways: where this trace's spans link to, and which traces link here. */
function traceLinks(tree: SpanNode[], linkedFrom: IncomingLink[]): HTMLElement | undefined {
  const outgoing = allSpans(tree).flatMap((span) => span.links.map((link) => ({ span, link })));
  if (!outgoing.length && !linkedFrom.length) return undefined;
  const list = document.createElement('ul');
  list.className = 'trace-links';
  const item = (text: string, traceId: string, after = '') => {
    const li = document.createElement('li');
    li.append(
      text,
      Object.assign(document.createElement('a'), { href: traceHref(traceId), textContent: `trace ${traceId}` }),
      after,
    );
    list.append(li);
  };
  for (const { span, link } of outgoing) item(`${span.name} links to the request that caused it: `, link.traceId);
  for (const link of linkedFrom)
    item(
      'Linked from ',
      link.traceId,
      link.spanName ? ` (${link.spanName}): the work it did later for this request` : ': later work for this request',
    );
  return list;
}

export async function showTrace(target: HTMLElement, traceId: string, highlight: string) {
  const body = await readTraceBody(traceId, 8);
  const tree = body?.spans;
  const heading = document.createElement('p');
  heading.className = 'trace-heading';
  if (!tree) {
    heading.textContent = `Trace ${traceId} is not in the API's recent traces (is RECENT_TRACES_MAX 0, or telemetry off?).`;
    target.replaceChildren(heading);
    return;
  }
  heading.append(
    `Trace `,
    Object.assign(document.createElement('code'), { textContent: traceId }),
    ' (open a row for its attributes, events and log lines)',
  );
  if (jaegerUrl) {
    const link = Object.assign(document.createElement('a'), {
      href: `${jaegerUrl}/trace/${traceId}`,
      textContent: 'open in Jaeger',
    });
    heading.append(' · ', link);
  }
  const links = traceLinks(tree, body.linkedFrom);
  target.replaceChildren(heading, ...(links ? [links] : []), renderWaterfall(tree, highlight));
}

/** The same fresh number in every request of one click: the compared reads must be the same read. */
function withNumber(request: LabRequest, n: string): LabRequest {
  return { ...request, path: request.path.replaceAll('{n}', n) };
}

class RunIt extends HTMLElement {
  connectedCallback() {
    const step = stepRuns[this.dataset.step as StepName];
    const button = this.querySelector<HTMLButtonElement>('button.run');
    const response = this.querySelector<HTMLElement>('.response');
    const trace = this.querySelector<HTMLElement>('.trace');
    if (!step || !button || !response || !trace) return;
    button.hidden = false;
    const label = button.textContent ?? 'Send the request';
    /** Met the create rate limit: the button counts down the seconds the answer gave, then is back. */
    const waitForRateLimit = (seconds: number) => {
      button.disabled = true;
      this.dataset.waitSeconds = String(seconds);
      const note = document.createElement('p');
      note.className = 'rate-limit-note';
      note.setAttribute('role', 'status');
      response.prepend(note);
      countDown(
        seconds,
        (left) => {
          this.dataset.waitSeconds = String(left);
          button.textContent = `${label} (in ${left} s)`;
          note.textContent = `429: the create rate limit (step 5: 10 creates a minute per user) is met. It lets you create again in ${left} s (RateLimit-Reset); the button waits with you.`;
        },
        () => {
          delete this.dataset.waitSeconds;
          button.textContent = label;
          button.disabled = false;
          note.textContent = 'The rate limit lets you create again: send the request again.';
        },
      );
    };
    button.addEventListener('click', async () => {
      button.disabled = true;
      response.textContent = 'Sending…';
      trace.replaceChildren();
      let waiting = false;
      try {
        const n = String(Date.now() % 1_000_000);
        const before: LabResponse[] = [];
        for (const first of step.request.before ?? []) before.push(await sendLabRequest(withNumber(first, n)));
        const request = withNumber(step.request, n);
        const result = step.fromBrowser ? await sendFromBrowser(request, label) : await sendLabRequest(request);
        showResponse(response, result, step.headers);
        const wait = result.status === 429 ? secondsFromHeaders(result.headers) : undefined;
        if (wait) {
          waiting = true;
          waitForRateLimit(wait);
        }
        const [firstLabel, secondLabel] = step.compare ?? [];
        const earlier = before.at(-1);
        if (firstLabel && secondLabel && earlier)
          await showComparison(
            trace,
            [
              { label: firstLabel, traceId: earlier.traceId },
              { label: secondLabel, traceId: result.traceId },
            ],
            step.span,
          );
        else await showTrace(trace, result.traceId, step.span);
        this.dataset.traceId = result.traceId;
        // Whoever reads the page's trace (the concepts page's facts) hears that it is drawn.
        document.dispatchEvent(new CustomEvent('lab-trace', { detail: { traceId: result.traceId } }));
      } catch (error) {
        response.textContent = `The request failed: ${error instanceof Error ? error.message : String(error)}. Is the API running?`;
      } finally {
        if (!waiting) button.disabled = false;
      }
    });
  }
}

customElements.define('run-it', RunIt);
