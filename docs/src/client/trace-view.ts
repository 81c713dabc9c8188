/** <trace-view>: the waterfall of the trace named by ?id= (links from the web client) or typed in. */
import { showTrace } from './run-it.ts';

class TraceView extends HTMLElement {
  connectedCallback() {
    const form = this.querySelector<HTMLFormElement>('form');
    const input = form?.querySelector<HTMLInputElement>('input[name="id"]');
    const trace = this.querySelector<HTMLElement>('.trace');
    if (!form || !input || !trace) return;
    const show = (id: string) => void showTrace(trace, id.trim().toLowerCase(), '');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      history.replaceState(null, '', `?id=${encodeURIComponent(input.value.trim())}`);
      show(input.value);
    });
    const id = new URLSearchParams(location.search).get('id');
    if (id && /^[0-9a-f]{32}$/i.test(id)) {
      input.value = id;
      show(id);
    }
  }
}

customElements.define('trace-view', TraceView);
