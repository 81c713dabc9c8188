import { useState } from 'preact/hooks';
import type { RelatedTodo } from '../api/guards.ts';
import { deleteTodo, relatedTodos, renameTodo, toggleTodo } from '../state/flows.ts';
import type { TodoView } from '../state/store.ts';

/** One todo: complete or reopen, rename in place, delete, and its related todos from the graph. */
export function TodoItem({ todo, busy }: { todo: TodoView; busy: boolean }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(todo.title);
  const [renameError, setRenameError] = useState<string | undefined>();
  const [related, setRelated] = useState<RelatedTodo[] | string | null>(null);
  const disabled = busy || Boolean(todo.pending) || todo.id < 0;
  const checkboxId = `todo-done-${todo.id}`;
  return (
    <li class={`todo${todo.completed ? ' done' : ''}${todo.pending ? ' pending' : ''}`} data-todo-id={todo.id}>
      <input
        id={checkboxId}
        type="checkbox"
        checked={todo.completed}
        disabled={disabled}
        onChange={() => void toggleTodo(todo)}
      />
      {editing ? (
        <form
          class="rename"
          onSubmit={async (event) => {
            event.preventDefault();
            const problem = await renameTodo(todo, title);
            setRenameError(problem);
            if (!problem) setEditing(false);
          }}
        >
          <label class="visually-hidden" for={`todo-rename-${todo.id}`}>
            New title
          </label>
          <input id={`todo-rename-${todo.id}`} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          <button type="submit" disabled={disabled}>
            Save
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
          {renameError && <span class="field-error">{renameError}</span>}
        </form>
      ) : (
        <label for={checkboxId} class="title">
          {todo.title}
        </label>
      )}
      <span class="meta">
        {todo.categories.map((c) => (
          <span class="tag" key={c.id}>
            {c.name}
          </span>
        ))}
        {todo.dueAt && <time dateTime={todo.dueAt}>due {new Date(todo.dueAt).toLocaleString()}</time>}
      </span>
      {todo.description && <p class="description">{todo.description}</p>}
      <span class="buttons">
        {!editing && (
          <button
            type="button"
            disabled={disabled}
            onClick={() => {
              setTitle(todo.title);
              setEditing(true);
            }}
            aria-label={`Rename ${todo.title}`}
          >
            Rename
          </button>
        )}
        <button
          type="button"
          disabled={disabled}
          onClick={async () => setRelated(await relatedTodos(todo.id))}
          aria-label={`Related to ${todo.title}`}
        >
          Related
        </button>
        <button
          type="button"
          disabled={disabled}
          onClick={() => void deleteTodo(todo)}
          aria-label={`Delete ${todo.title}`}
        >
          Delete
        </button>
      </span>
      {related !== null && (
        <div class="related" role="status">
          {typeof related === 'string' ? (
            <p class="note">{related}</p>
          ) : related.length === 0 ? (
            <p class="note">No other todo shares a category with this one.</p>
          ) : (
            <ul>
              {related.map((r) => (
                <li key={r.id}>
                  {r.title} <span class="meta">({r.sharedCategories.join(', ')})</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </li>
  );
}
