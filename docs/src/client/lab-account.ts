/** <lab-account>: shows the learner's API and TOKEN as shell lines, and how far they have got. */
import { apiBase, forgetAccount, labAccount } from './lab.ts';
import { passedCount } from './progress.ts';

class LabAccount extends HTMLElement {
  async connectedCallback() {
    const shell = this.querySelector<HTMLElement>('.shell');
    const forget = this.querySelector<HTMLButtonElement>('button.forget');
    const progress = this.querySelector<HTMLElement>('.progress');
    if (!shell || !forget || !progress) return;
    const show = async () => {
      shell.textContent = `export API=${apiBase}\nexport TOKEN=…`;
      try {
        shell.textContent = `export API=${apiBase}\nexport TOKEN=${(await labAccount()).token}`;
      } catch (error) {
        shell.textContent = `# The API did not answer at ${apiBase}: ${error instanceof Error ? error.message : error}`;
      }
    };
    progress.textContent = `Exercises passed in this browser: ${passedCount()}.`;
    forget.hidden = false;
    forget.addEventListener('click', () => {
      forgetAccount();
      void show();
    });
    await show();
  }
}

customElements.define('lab-account', LabAccount);
