import { loadMore, setFilters } from '../state/flows.ts';
import type { State } from '../state/store.ts';
import { TodoItem } from './TodoItem.tsx';

/** The list with the API's filters (completed, category, search) and "load more" through the cursor. */
export function TodoList({ state }: { state: State }) {
  const { filters, categories, todos } = state;
  const listing = state.pending.includes('list');
  return (
    <section class="panel list" aria-labelledby="list-heading">
      <h2 id="list-heading">Your todos</h2>
      <form
        class="filters"
        aria-label="Filter your todos"
        onSubmit={(event) => {
          event.preventDefault();
          const q = new FormData(event.currentTarget).get('q');
          void setFilters({ q: typeof q === 'string' ? q : '' });
        }}
      >
        <label for="filter-completed">Show</label>
        <select
          id="filter-completed"
          value={filters.completed}
          onChange={(e) => void setFilters({ completed: e.currentTarget.value as State['filters']['completed'] })}
        >
          <option value="all">all</option>
          <option value="open">open</option>
          <option value="done">done</option>
        </select>
        <label for="filter-category">Category</label>
        <select
          id="filter-category"
          value={filters.category ?? ''}
          onChange={(e) => void setFilters({ category: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
        >
          <option value="">any</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <label for="filter-q">Search</label>
        <input id="filter-q" name="q" type="search" defaultValue={filters.q} />
        <button type="submit" disabled={listing}>
          Search
        </button>
      </form>
      {todos.length === 0 ? (
        <p class="note" data-testid="empty">
          {listing ? 'Loading…' : 'No todos here yet.'}
        </p>
      ) : (
        <ul class="todos" data-testid="todos">
          {todos.map((todo) => (
            <TodoItem key={todo.id} todo={todo} busy={state.pending.includes(`todo:${todo.id}`)} />
          ))}
        </ul>
      )}
      {state.nextCursor && (
        <button type="button" disabled={listing} onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </section>
  );
}
