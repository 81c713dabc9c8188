/**
 * <lab-exercise data-exercise="…">: what the learner's shell needs (API, TOKEN and a traceparent of
 * this exercise's own), a Check button that reads the trace with that id and says pass or what is
 * missing, and the progress kept in this browser. A failed attempt gets a new traceparent, so the
 * next one is a trace of its own; a create refused by the rate limit starts a countdown instead.
 */
import { checks, contextFor, GRAPH_DISABLED, graphDisabled, needsGraph } from './checks.ts';
import { apiBase, labAccount, newTraceparent, readTrace } from './lab.ts';
import { markPassed, passedAt } from './progress.ts';
import { countDown, rateLimitWait } from './rate-limit-wait.ts';

function exerciseTraceparent(id: string, fresh = false): string {
  const key = `flowlab.exercise.${id}`;
  const known = localStorage.getItem(key);
  if (known && !fresh) return known;
  const { traceparent } = newTraceparent();
  localStorage.setItem(key, traceparent);
  return traceparent;
}

function status429(context: ReturnType<typeof contextFor>): boolean {
  return context.root?.attributes['http.response.status_code'] === 429;
}

class LabExercise extends HTMLElement {
  async connectedCallback() {
    const id = this.dataset.exercise ?? '';
    const check = checks[id];
    const shell = this.querySelector<HTMLElement>('.shell');
    const button = this.querySelector<HTMLButtonElement>('button.check');
    const renew = this.querySelector<HTMLButtonElement>('button.renew');
    const verdict = this.querySelector<HTMLElement>('.verdict');
    const answer = this.querySelector<HTMLInputElement>('input.answer');
    if (!check || !shell || !button || !verdict || !renew) return;

    let traceparent = exerciseTraceparent(id);
    let token = '';
    const showShell = () => {
      shell.textContent = `export API=${apiBase}\nexport TOKEN=${token || '…'}\nexport TRACEPARENT=${traceparent}`;
    };
    const showProgress = () => {
      const when = passedAt(id);
      this.dataset.passed = String(Boolean(when));
      if (when && !verdict.textContent) verdict.textContent = `Passed on ${new Date(when).toLocaleString()}.`;
    };
    showShell();
    showProgress();
    button.hidden = false;
    renew.hidden = false;
    renew.addEventListener('click', () => {
      traceparent = exerciseTraceparent(id, true);
      verdict.textContent = 'A new traceparent: run the commands again with it.';
      showShell();
    });
    let stopCountdown = () => {};
    /** Each attempt is a trace of its own: after a failed one, the shell lines get a new traceparent. */
    const newAttempt = () => {
      traceparent = exerciseTraceparent(id, true);
      showShell();
    };
    const NEXT =
      'Each attempt is a trace of its own: the shell lines above now have a new TRACEPARENT. Paste them again, then the commands.';
    /** The create rate limit is closed: say for how long, count down, then say what to do. */
    const waitForRateLimit = (seconds: number, what: string) => {
      stopCountdown();
      newAttempt();
      this.dataset.verdict = 'wait';
      this.dataset.waitSeconds = String(seconds);
      stopCountdown = countDown(
        seconds,
        (left) => {
          this.dataset.waitSeconds = String(left);
          verdict.textContent = `Not yet. ${what} The create rate limit (step 5: 10 creates a minute per user) lets you create again in ${left} s; then paste the shell lines above (a new TRACEPARENT) and run the commands again.`;
        },
        () => {
          delete this.dataset.waitSeconds;
          this.dataset.verdict = 'ready';
          verdict.textContent = `${what} The rate limit lets you create again now: paste the shell lines above (a new TRACEPARENT), run the commands again, then Check.`;
        },
      );
    };
    button.addEventListener('click', async () => {
      button.disabled = true;
      stopCountdown();
      delete this.dataset.waitSeconds;
      verdict.textContent = 'Checking…';
      try {
        const [, traceId = '', parentId = ''] = traceparent.split('-');
        const tree = await readTrace(traceId, 3);
        if (!tree) {
          this.dataset.verdict = 'fail';
          verdict.textContent = `No request with trace id ${traceId} has reached the API yet. Run the commands with the shell lines above (they set TRACEPARENT), then Check.`;
          return;
        }
        if (needsGraph.has(id) && (await graphDisabled())) {
          this.dataset.verdict = 'fail';
          verdict.textContent = `Not yet. ${GRAPH_DISABLED}`;
          return;
        }
        const context = contextFor(traceId, parentId, tree, answer?.value ?? '', token);
        // A 429 is the goal of one exercise (step 5) and an obstacle everywhere else.
        const result = await check(context);
        const refused = status429(context);
        if (!result.pass && id !== 'make-429') {
          const wait = await rateLimitWait(token, context.spans, Number(this.dataset.creates ?? 10));
          if (wait)
            return waitForRateLimit(
              wait,
              refused
                ? 'Your traced create was refused with 429.'
                : `${result.message} One of your creates just before it was refused with 429.`,
            );
        }
        this.dataset.verdict = result.pass ? 'pass' : 'fail';
        verdict.textContent = `${result.pass ? 'Passed.' : 'Not yet.'} ${result.message}`;
        if (result.pass) markPassed(id);
        else if (!result.answerOnly) {
          newAttempt();
          verdict.textContent += ` ${NEXT}`;
        }
        showProgress();
      } catch (error) {
        this.dataset.verdict = 'fail';
        verdict.textContent = `Could not check: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        button.disabled = false;
      }
    });
    try {
      token = (await labAccount()).token;
    } catch (error) {
      token = `(no lab account: ${error instanceof Error ? error.message : String(error)})`;
    }
    showShell();
  }
}

customElements.define('lab-exercise', LabExercise);
