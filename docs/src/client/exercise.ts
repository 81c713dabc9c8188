/**
 * <lab-exercise data-exercise="…">: what the learner's shell needs (API, TOKEN and a traceparent of
 * this exercise's own), a Check button that reads the trace with that id and says pass or what is
 * missing, and the progress kept in this browser.
 */
import { checks, contextFor } from './checks.ts';
import { apiBase, labAccount, newTraceparent, readTrace } from './lab.ts';
import { markPassed, passedAt } from './progress.ts';

function exerciseTraceparent(id: string, fresh = false): string {
  const key = `flowlab.exercise.${id}`;
  const known = localStorage.getItem(key);
  if (known && !fresh) return known;
  const { traceparent } = newTraceparent();
  localStorage.setItem(key, traceparent);
  return traceparent;
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
    button.addEventListener('click', async () => {
      button.disabled = true;
      verdict.textContent = 'Checking…';
      try {
        const [, traceId = '', parentId = ''] = traceparent.split('-');
        const tree = await readTrace(traceId, 3);
        if (!tree) {
          this.dataset.verdict = 'fail';
          verdict.textContent = `No request with trace id ${traceId} has reached the API yet. Run the command with -H "traceparent: $TRACEPARENT", then Check.`;
          return;
        }
        const result = await check(contextFor(traceId, parentId, tree, answer?.value ?? '', token));
        this.dataset.verdict = result.pass ? 'pass' : 'fail';
        verdict.textContent = `${result.pass ? 'Passed.' : 'Not yet.'} ${result.message}`;
        if (result.pass) markPassed(id);
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
