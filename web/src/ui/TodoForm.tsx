import { addTodo } from '../state/flows.ts';
import { type State, update } from '../state/store.ts';
import { LabelledField } from './LabelledField.tsx';
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
      <LabelledField id="todo-title" label="Title" error={todoErrors.title}>
        {(control) => (
          <input
            {...control}
            value={todoDraft.title}
            maxLength={400}
            onInput={(e) => setDraft({ title: e.currentTarget.value })}
          />
        )}
      </LabelledField>
      <LabelledField id="todo-description" label="Description (optional)" error={todoErrors.description}>
        {(control) => (
          <textarea
            {...control}
            rows={2}
            value={todoDraft.description}
            onInput={(e) => setDraft({ description: e.currentTarget.value })}
          />
        )}
      </LabelledField>
      <LabelledField id="todo-due" label="Due (optional)" error={todoErrors.dueAt}>
        {(control) => (
          <input
            {...control}
            type="datetime-local"
            value={todoDraft.dueAt}
            onInput={(e) => setDraft({ dueAt: e.currentTarget.value })}
          />
        )}
      </LabelledField>
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
