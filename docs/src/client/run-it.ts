/**
 * <run-it data-step="…">: the Run it panel. One button sends the step's request as the learner,
 * then shows the answer (status, the headers that matter, the body) and the request's own trace,
 * the step's span highlighted. Without JavaScript the panel keeps the curl command it was built with.
 */
import { type StepName, stepRuns } from '../lab/steps.ts';
import { readTrace, sendLabRequest } from './lab.ts';
import { renderWaterfall } from './waterfall.ts';

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
  if (result.status === 429)
    lines.push('', `(The create rate limit, step 5: try again in ${result.headers.get('retry-after') ?? 'a few'} s.)`);
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

export async function showTrace(target: HTMLElement, traceId: string, highlight: string) {
  const tree = await readTrace(traceId, 8);
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
  target.replaceChildren(heading, renderWaterfall(tree, highlight));
}

class RunIt extends HTMLElement {
  connectedCallback() {
    const step = stepRuns[this.dataset.step as StepName];
    const button = this.querySelector<HTMLButtonElement>('button.run');
    const response = this.querySelector<HTMLElement>('.response');
    const trace = this.querySelector<HTMLElement>('.trace');
    if (!step || !button || !response || !trace) return;
    button.hidden = false;
    button.addEventListener('click', async () => {
      button.disabled = true;
      response.textContent = 'Sending…';
      trace.replaceChildren();
      try {
        for (const before of step.request.before ?? []) await sendLabRequest(before);
        const result = await sendLabRequest(step.request);
        showResponse(response, result, step.headers);
        await showTrace(trace, result.traceId, step.span);
        this.dataset.traceId = result.traceId;
      } catch (error) {
        response.textContent = `The request failed: ${error instanceof Error ? error.message : String(error)}. Is the API running?`;
      } finally {
        button.disabled = false;
      }
    });
  }
}

customElements.define('run-it', RunIt);
