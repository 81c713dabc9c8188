/**
 * <trace-view>: the waterfall of the trace named by ?id= (links from the web client) or typed in;
 * with &span= (a log line's link), that span is opened and scrolled to, its log lines showing.
 * The API's recent-traces store first (the learner's own requests, at once); when it does not
 * have the trace and the API reads a Jaeger, Jaeger's copy, drawn by the same waterfall.
 */

import { showJaegerTrace } from './jaeger.ts';
import { readTrace } from './lab.ts';
import { showTrace } from './run-it.ts';
import { labViews } from './views.ts';

async function show(target: HTMLElement, traceId: string) {
  const local = await readTrace(traceId).catch(() => undefined);
  if (local || !(await labViews())?.jaeger.search) return showTrace(target, traceId, '');
  try {
    await showJaegerTrace(target, traceId);
  } catch (error) {
    target.textContent = `Jaeger: ${error instanceof Error ? error.message : String(error)}`;
  }
}

class TraceView extends HTMLElement {
  connectedCallback() {
    const form = this.querySelector<HTMLFormElement>('form');
    const input = form?.querySelector<HTMLInputElement>('input[name="id"]');
    const trace = this.querySelector<HTMLElement>('.trace');
    if (!form || !input || !trace) return;
    const open = (id: string, spanId?: string | null) =>
      void show(trace, id.trim().toLowerCase()).then(() => {
        const row = spanId ? document.getElementById(`span-${spanId}`) : null;
        if (!(row instanceof HTMLDetailsElement)) return;
        row.open = true;
        row.classList.add('linked');
        row.scrollIntoView({ block: 'center' });
      });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      history.replaceState(null, '', `?id=${encodeURIComponent(input.value.trim())}`);
      open(input.value);
    });
    const id = new URLSearchParams(location.search).get('id');
    if (id && /^[0-9a-f]{32}$/i.test(id)) {
      input.value = id;
      open(id, new URLSearchParams(location.search).get('span'));
    }
  }
}

customElements.define('trace-view', TraceView);
