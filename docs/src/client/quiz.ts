/**
 * <lab-quiz>: each question is judged as soon as an option is chosen; a right answer is kept in
 * this browser's progress (the same store as the exercises), so the page remembers it on return.
 */
import { markPassed, passedAt } from './progress.ts';

class LabQuiz extends HTMLElement {
  connectedCallback() {
    const quiz = this.dataset.quiz ?? '';
    const questions = [...this.querySelectorAll<HTMLFieldSetElement>('fieldset[data-question]')];
    const score = this.querySelector<HTMLElement>('.score');
    const key = (q: HTMLFieldSetElement) => `quiz:${quiz}:${q.dataset.question}`;
    const showScore = () => {
      if (!score) return;
      const right = questions.filter((q) => passedAt(key(q))).length;
      score.textContent = `${right} of ${questions.length} answered right in this browser.`;
      this.dataset.complete = String(right === questions.length);
    };
    for (const question of questions) {
      const feedback = question.querySelector<HTMLElement>('.feedback');
      const answer = question.dataset.answer;
      const judge = (chosen: string, remembered = false) => {
        if (!feedback) return;
        const correct = chosen === answer;
        feedback.dataset.correct = String(correct);
        feedback.textContent = `${correct ? (remembered ? 'Answered right before.' : 'Right.') : 'Not quite.'} ${question.dataset.why ?? ''}`;
        if (correct) markPassed(key(question));
        showScore();
      };
      question.addEventListener('change', (event) => judge((event.target as HTMLInputElement).value));
      if (passedAt(key(question))) {
        const right = question.querySelector<HTMLInputElement>(`input[value="${answer}"]`);
        if (right) right.checked = true;
        judge(answer ?? '', true);
      }
    }
    showScore();
  }
}

customElements.define('lab-quiz', LabQuiz);
