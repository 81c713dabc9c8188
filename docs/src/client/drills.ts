/**
 * <incident-drills>: the drills, through the API's /lab/drills with the admin token (kept in this
 * tab's sessionStorage, as the Jaeger search keeps it). Starting one shows the symptom and the
 * requests made since (everyone's: the drill's load runs as lab users), each opening its waterfall
 * and offering its id as evidence. The answer (a cause and a trace id) is checked by the API; a
 * wrong one earns the next hint; a right one ends the drill with a debrief that quotes the trace.
 *
 * While the page is open it renews the drill's lease; closing the tab lets the lease run out, and
 * the API then ends the drill and restores the faults by itself.
 */

import type { components } from '@flowlab/api/api-types';
import type { SpanNode } from './lab.ts';
import { apiBase } from './lab.ts';
import { element, renderWaterfall } from './waterfall.ts';

const ADMIN_KEY = 'flowlab.adminToken';
const LEASE_EVERY_MS = 20_000;

// The drills' shapes as the API's OpenAPI document states them (npm run api:types).
type DrillSummary = components['schemas']['DrillSummary'];
type Drill = components['schemas']['Drill'];

interface TraceSummary {
  traceId: string;
  rootName: string;
  statusCode?: number;
  error: boolean;
  startTime: string;
  durationMs: number;
  spanCount: number;
}

async function problemText(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { title?: string; detail?: string };
    return problem.detail ?? problem.title ?? `${response.status}`;
  } catch {
    return `${response.status}`;
  }
}

class IncidentDrills extends HTMLElement {
  private token = sessionStorage.getItem(ADMIN_KEY) ?? '';
  private lease: number | undefined;

  private get status(): HTMLElement {
    return this.querySelector<HTMLElement>('.status') as HTMLElement;
  }

  private get body(): HTMLElement {
    return this.querySelector<HTMLElement>('.drill-body') as HTMLElement;
  }

  private async api(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${apiBase}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  connectedCallback() {
    const form = this.querySelector<HTMLFormElement>('form.admin');
    const input = form?.querySelector<HTMLInputElement>('input[name="adminToken"]');
    if (!form || !input) return;
    form.hidden = false;
    input.value = this.token;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.token = input.value.trim();
      sessionStorage.setItem(ADMIN_KEY, this.token);
      void this.showCatalogue();
    });
    window.addEventListener('pagehide', () => this.stopLease());
    if (this.token) void this.showCatalogue();
    else this.status.textContent = 'Paste the admin token from the banner of npm start, then press Use token.';
  }

  private stopLease() {
    if (this.lease !== undefined) clearInterval(this.lease);
    this.lease = undefined;
  }

  async showCatalogue() {
    this.stopLease();
    this.status.textContent = 'Asking the API for its drills…';
    const response = await this.api('GET', '/lab/drills');
    if (response.status === 404) {
      this.status.textContent =
        'This API has no lab routes: drills need lab mode (on by default with npm start; LAB_MODE=1 elsewhere).';
      return;
    }
    if (response.status === 401) {
      this.status.textContent = 'The API refused this token: copy the admin token from the banner of npm start again.';
      return;
    }
    if (!response.ok) {
      this.status.textContent = `The API answered ${await problemText(response)}.`;
      return;
    }
    // A drill still running (this tab was reloaded) is taken up again rather than started anew.
    const current = await this.api('GET', '/lab/drills/current');
    if (current.ok) {
      const drill = (await current.json()) as Drill;
      if (drill.state === 'running') return this.showDrill(drill);
    }
    const { drills } = (await response.json()) as { drills: DrillSummary[] };
    this.status.textContent = `${drills.length} drills. Each hides one cause, drawn when you start it.`;
    this.body.replaceChildren(
      element(
        'ol',
        { className: 'drill-list' },
        ...drills.map((drill) => {
          const start = element('button', { type: 'button', className: 'start', textContent: 'Start' });
          start.dataset.drill = drill.id;
          start.disabled = !drill.runnable;
          start.addEventListener('click', () => void this.start(drill.id, start));
          return element(
            'li',
            {},
            element('strong', {}, drill.title),
            ' ',
            element('q', {}, drill.symptom.replace(/^"|"$/g, '')),
            ' ',
            start,
            drill.runnable
              ? ''
              : element('em', {}, ` needs ${drill.needs.join(' and ')}: start the API on the services.`),
          );
        }),
      ),
    );
  }

  private async start(drillId: string, button: HTMLButtonElement) {
    button.disabled = true;
    this.status.textContent = 'Starting: choosing a cause, switching its faults on, starting the load…';
    const response = await this.api('POST', `/lab/drills/${drillId}/start`);
    button.disabled = false;
    if (!response.ok) {
      this.status.textContent = `Not started: ${await problemText(response)}`;
      return;
    }
    this.showDrill((await response.json()) as Drill);
  }

  private showDrill(drill: Drill) {
    if (drill.state !== 'running') return this.showDebrief(drill);
    this.stopLease();
    this.lease = window.setInterval(async () => {
      const renewed = await this.api('POST', `/lab/drill-runs/${drill.runId}/lease`);
      if (!renewed.ok) {
        this.stopLease();
        const now = await this.api('GET', '/lab/drills/current');
        if (now.ok) this.showDebrief((await now.json()) as Drill);
      }
    }, LEASE_EVERY_MS);
    const started = new Date(drill.startedAt);
    this.status.textContent = `Drill running since ${started.toLocaleTimeString()}. The lab sends a few requests a second as three lab users; find the cause.`;

    const hints = element('ol', { className: 'drill-hints' });
    const showHints = (list: string[]) => hints.replaceChildren(...list.map((hint) => element('li', {}, hint)));
    showHints(drill.hints);

    // The traces since the start of the drill, everyone's (the admin token), with filters.
    const route = element('select', { name: 'route' });
    route.append(new Option('every route', ''));
    for (const r of ['/todos', '/todos/:id', '/todos/:id/related', '/auth/login', '/auth/register'])
      route.append(new Option(r, r));
    const statusFilter = element('select', { name: 'status' });
    statusFilter.append(new Option('any status', ''), new Option('failed (error)', 'error'), new Option('ok', 'ok'));
    const refresh = element('button', {
      type: 'button',
      className: 'refresh',
      textContent: 'Show the requests since the start',
    });
    const traceList = element('ol', { className: 'recent-list drill-traces' });
    const waterfall = element('div', { className: 'trace' });

    const select = element('select', { name: 'cause' });
    select.append(new Option('Choose the cause…', ''));
    for (const choice of drill.choices) select.append(new Option(choice.label, choice.id));
    const traceId = element('input', {
      name: 'traceId',
      placeholder: 'a trace id (32 hex digits) that shows it',
      autocomplete: 'off',
      spellcheck: false,
    });
    traceId.size = 34;
    const check = element('button', { type: 'submit', className: 'check', textContent: 'Check my answer' });
    const verdict = element('p', { className: 'verdict', role: 'status' });
    const answer = element(
      'form',
      { className: 'drill-answer' },
      element('label', {}, 'The cause ', select),
      element('label', {}, 'Evidence: trace ', traceId),
      check,
    );
    const hint = element('button', { type: 'button', className: 'hint', textContent: 'A hint, please' });
    const giveUp = element('button', { type: 'button', className: 'give-up', textContent: 'Give up (show the cause)' });

    const loadTraces = async () => {
      const query = new URLSearchParams({ limit: '40' });
      if (route.value) query.set('route', route.value);
      if (statusFilter.value) query.set('status', statusFilter.value);
      const response = await this.api('GET', `/debug/traces?${query}`);
      if (!response.ok) {
        traceList.replaceChildren(element('li', {}, `GET /debug/traces answered ${await problemText(response)}`));
        return;
      }
      const { items } = (await response.json()) as { items: TraceSummary[] };
      const since = items.filter((item) => new Date(item.startTime) >= started);
      traceList.replaceChildren(
        ...since.map((item) => {
          const open = element('button', {
            type: 'button',
            className: 'trace-link',
            textContent: `${item.rootName} → ${item.statusCode ?? '?'}, ${item.durationMs.toFixed(1)} ms, ${new Date(item.startTime).toLocaleTimeString()}`,
          });
          open.dataset.traceId = item.traceId;
          open.addEventListener('click', () => void this.openTrace(waterfall, item.traceId, traceId));
          return element('li', {}, open);
        }),
      );
      if (since.length === 0) traceList.replaceChildren(element('li', {}, 'Nothing yet: give the load a few seconds.'));
    };
    refresh.addEventListener('click', () => void loadTraces());
    route.addEventListener('change', () => void loadTraces());
    statusFilter.addEventListener('change', () => void loadTraces());

    answer.addEventListener('submit', async (event) => {
      event.preventDefault();
      check.disabled = true;
      const response = await this.api('POST', `/lab/drill-runs/${drill.runId}/answer`, {
        cause: select.value,
        traceId: traceId.value.trim(),
      });
      check.disabled = false;
      if (!response.ok) {
        verdict.textContent = await problemText(response);
        return;
      }
      const result = (await response.json()) as { correct: boolean; message: string; drill: Drill };
      if (result.correct) return this.showDebrief(result.drill);
      verdict.textContent = `Not yet. ${result.message}`;
      showHints(result.drill.hints);
    });
    hint.addEventListener('click', async () => {
      const response = await this.api('POST', `/lab/drill-runs/${drill.runId}/hint`);
      if (response.ok) showHints(((await response.json()) as Drill).hints);
    });
    giveUp.addEventListener('click', async () => {
      const response = await this.api('DELETE', `/lab/drill-runs/${drill.runId}`);
      if (response.ok) this.showDebrief((await response.json()) as Drill);
    });

    this.body.replaceChildren(
      element('h3', {}, drill.title),
      element('blockquote', { className: 'symptom' }, drill.symptom),
      element('h4', {}, 'Requests since the drill started'),
      element('p', { className: 'buttons' }, route, ' ', statusFilter, ' ', refresh),
      traceList,
      waterfall,
      element('h4', {}, 'Your answer'),
      answer,
      verdict,
      element('h4', {}, 'Hints'),
      hints,
      element('p', { className: 'buttons' }, hint, ' ', giveUp),
    );
    void loadTraces();
  }

  private async openTrace(target: HTMLElement, id: string, evidence: HTMLInputElement) {
    const response = await this.api('GET', `/debug/traces/${id}`);
    if (!response.ok) {
      target.textContent = `GET /debug/traces/${id} answered ${await problemText(response)}`;
      return;
    }
    const { spans } = (await response.json()) as { spans: SpanNode[] };
    const use = element('button', {
      type: 'button',
      className: 'use-evidence',
      textContent: 'Use this trace as evidence',
    });
    use.addEventListener('click', () => {
      evidence.value = id;
    });
    target.replaceChildren(
      element('p', { className: 'trace-heading' }, 'Trace ', element('code', {}, id), ' ', use),
      renderWaterfall(spans, ''),
    );
  }

  private showDebrief(drill: Drill) {
    this.stopLease();
    const debrief = drill.debrief;
    if (!debrief) return void this.showCatalogue();
    const solved = drill.state === 'solved';
    this.status.textContent = solved
      ? `Solved in ${Math.round(debrief.tookMs / 1000)} s, ${debrief.attempts} wrong answer${debrief.attempts === 1 ? '' : 's'} and ${debrief.hintsUsed} hint${debrief.hintsUsed === 1 ? '' : 's'} on the way. The faults are off again.`
      : `The drill ended (${drill.endedBecause ?? 'ended'}). The faults are off again.`;
    const again = element('button', { type: 'button', className: 'back', textContent: 'Back to the drills' });
    // The learner's own evidence, drawn again: the trace that proved it, read with the admin token
    // (the drill's load runs as lab users, whose traces the lab account cannot read).
    const evidenceTrace = element('div', { className: 'trace evidence-trace' });
    if (debrief.evidence) {
      const id = debrief.evidence.traceId;
      void this.api('GET', `/debug/traces/${id}`).then(async (response) => {
        if (response.ok)
          evidenceTrace.replaceChildren(renderWaterfall(((await response.json()) as { spans: SpanNode[] }).spans, ''));
      });
    }
    again.addEventListener('click', () => void this.showCatalogue());
    this.body.replaceChildren(
      element('h3', {}, `Debrief: ${drill.title}`),
      element('p', { className: 'debrief-cause' }, 'The cause: ', element('strong', {}, debrief.cause.label), '.'),
      ...(debrief.evidence
        ? [
            element(
              'p',
              { className: 'debrief-evidence' },
              'Your evidence: trace ',
              element('code', {}, debrief.evidence.traceId),
              `, where ${debrief.evidence.found}:`,
            ),
            evidenceTrace,
          ]
        : []),
      element('h4', {}, 'The path an engineer would take'),
      element('ol', { className: 'debrief-path' }, ...debrief.path.map((step) => element('li', {}, step))),
      element('p', {}, element('strong', {}, 'In a real system: '), debrief.fix),
      element('p', { className: 'buttons' }, again),
    );
  }
}

customElements.define('incident-drills', IncidentDrills);
