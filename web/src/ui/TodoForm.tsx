import { addTodo } from '../state/flows.ts';
import { type State, update } from '../state/store.ts';
import { FieldError } from './FieldError.tsx';
import { useNow } from './useNow.ts';

/** Add a todo. The button is off while the add is in flight and during a 429's countdown. */
export function TodoForm({ state }: { state: State }) {
  const { todoDraft, todoErrors, categories } = state;
  const blocked = state.addBlockedUntil !== null && state.addBlockedUntil > Date.now();
  const now = useNow(blocked);
  const secondsLeft = state.addBlockedUntil ? Math.max(0, Math.ceil((state.addBlockedUntil - now) / 1000)) : 0;
  if (state.addBlockedUntil && secondsLeft === 0) queueMicrotask(() => update({ addBlockedUntil: null }));
  const busy = state.pending.includes('add');
  const setDraft = (change: Partial<State['todoDraft']>) =>
    update((s) => ({ todoDraft: { ...s.todoDraft, ...change } }));
  return (
    <form
      class="panel todo-form"
      aria-labelledby="add-heading"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void addTodo();
      }}
    >
      <h2 id="add-heading">Add a todo</h2>
      <label for="todo-title">Title</label>
      <input
        id="todo-title"
        value={todoDraft.title}
        maxLength={400}
        aria-invalid={Boolean(todoErrors.title)}
        aria-describedby={todoErrors.title ? 'todo-title-error' : undefined}
        onInput={(e) => setDraft({ title: e.currentTarget.value })}
      />
      <FieldError id="todo-title-error" message={todoErrors.title} />
      <label for="todo-description">Description (optional)</label>
      <textarea
        id="todo-description"
        rows={2}
        value={todoDraft.description}
        aria-invalid={Boolean(todoErrors.description)}
        aria-describedby={todoErrors.description ? 'todo-description-error' : undefined}
        onInput={(e) => setDraft({ description: e.currentTarget.value })}
      />
      <FieldError id="todo-description-error" message={todoErrors.description} />
      <label for="todo-due">Due (optional)</label>
      <input
        id="todo-due"
        type="datetime-local"
        value={todoDraft.dueAt}
        aria-invalid={Boolean(todoErrors.dueAt)}
        aria-describedby={todoErrors.dueAt ? 'todo-due-error' : undefined}
        onInput={(e) => setDraft({ dueAt: e.currentTarget.value })}
      />
      <FieldError id="todo-due-error" message={todoErrors.dueAt} />
      {categories.length > 0 && (
        <fieldset>
          <legend>Categories</legend>
          {categories.map((category) => (
            <label key={category.id} class="check">
              <input
                type="checkbox"
                checked={todoDraft.categoryIds.includes(category.id)}
                onChange={(e) =>
                  setDraft({
                    categoryIds: e.currentTarget.checked
                      ? [...todoDraft.categoryIds, category.id]
                      : todoDraft.categoryIds.filter((id) => id !== category.id),
                  })
                }
              />
              {category.name}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" disabled={busy || blocked}>
        Add
      </button>
      {blocked && (
        <p class="countdown" role="status" data-testid="countdown">
          Too many adds: you can add again in {secondsLeft} s.
        </p>
      )}
    </form>
  );
}
