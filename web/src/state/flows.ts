/**
 * What each user action does: one traced span (`userAction`), the API call inside it, and the
 * store updated, optimistically where the seed says so (add, complete, delete) with a rollback
 * when the API refuses. Errors land in the store as a notice or as field messages.
 */
import { type ApiClient, createApiClient, type TodoFilters } from '../api/client.ts';
import { ApiError, userMessage } from '../api/errors.ts';
import type { Todo } from '../api/guards.ts';
import { checkCategoryName, checkCredentials, checkNewTodo, checkTitle } from '../api/rules.ts';
import { type Action, userAction } from '../telemetry/tracing.ts';
import { emptyTodoDraft, getState, persistSession, type TodoView, update, whilePending } from './store.ts';

let api: ApiClient = createApiClient({ baseUrl: '', token: () => getState().session?.token ?? null });

export function useApiBase(baseUrl: string): void {
  api = createApiClient({ baseUrl, token: () => getState().session?.token ?? null });
}

/** The one place an error becomes what the page shows; a 401 ends the session but keeps the drafts. */
function showError(error: unknown, what = 'todo'): void {
  if (error instanceof ApiError && error.kind === 'unauthorized') {
    persistSession(null);
    update((s) => ({
      session: null,
      todos: [],
      authDraft: { ...s.authDraft, email: s.session?.email ?? s.authDraft.email, mode: 'login' },
      notice: { tone: 'error', text: userMessage(error, what) },
    }));
    return;
  }
  update({ notice: { tone: 'error', text: userMessage(error, what) } });
}

const run = async (name: string, work: (action: Action) => Promise<void>, what = 'todo') => {
  try {
    await userAction(name, work);
  } catch (error) {
    showError(error, what);
  }
};

/** A screenful; "Load more" fetches the next one through the API's cursor. */
export const PAGE_SIZE = 8;

const filtersForApi = (): TodoFilters => {
  const { completed, category, q } = getState().filters;
  return {
    limit: PAGE_SIZE,
    completed: completed === 'all' ? undefined : completed === 'done',
    category: category ?? undefined,
    q: q.trim() || undefined,
  };
};

async function loadLists(action: Action): Promise<void> {
  const [page, categories] = await Promise.all([api.listTodos(action, filtersForApi()), api.listCategories(action)]);
  update({ todos: page.items, nextCursor: page.nextCursor, categories: categories.items, notice: null });
}

export async function signIn(input: { email: string; password: string; name: string }): Promise<void> {
  const registering = getState().authDraft.mode === 'register';
  const errors = checkCredentials(input, registering);
  update((s) => ({ authErrors: errors, authDraft: { ...s.authDraft, email: input.email, name: input.name } }));
  if (Object.keys(errors).length > 0) return;
  await whilePending('auth', async () => {
    try {
      if (registering) {
        await userAction('account register', (a) =>
          api.register(a, {
            email: input.email.trim(),
            password: input.password,
            name: input.name.trim() || undefined,
          }),
        );
      }
      const token = await userAction('account login', (a) =>
        api.login(a, { email: input.email.trim(), password: input.password }),
      );
      const session = { token: token.accessToken, email: input.email.trim() };
      persistSession(session);
      update((s) => ({ session, notice: null, authErrors: {}, authDraft: { ...s.authDraft, mode: 'login' } }));
      await run('todo list', loadLists);
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'validation') update({ authErrors: error.fieldErrors });
      update({ notice: { tone: 'error', text: userMessage(error, 'account') } });
    }
  });
}

export function signOut(): void {
  persistSession(null);
  update({ session: null, todos: [], categories: [], nextCursor: null, notice: null, todoDraft: emptyTodoDraft() });
}

/** On start-up with a saved session: check it is still good, then load the lists. */
export async function resumeSession(): Promise<void> {
  if (!getState().session) return;
  await run('session resume', async (a) => {
    await api.me(a);
    await loadLists(a);
  });
}

export const reloadTodos = () => whilePending('list', () => run('todo list', loadLists));

export async function loadMore(): Promise<void> {
  const cursor = getState().nextCursor;
  if (!cursor) return;
  await whilePending('list', () =>
    run('todo load more', async (a) => {
      const page = await api.listTodos(a, filtersForApi(), cursor);
      update((s) => ({ todos: [...s.todos, ...page.items], nextCursor: page.nextCursor }));
    }),
  );
}

export async function setFilters(filters: Partial<ReturnType<typeof getState>['filters']>): Promise<void> {
  update((s) => ({ filters: { ...s.filters, ...filters } }));
  await reloadTodos();
}

let temporaryId = -1;

export async function addTodo(): Promise<void> {
  const { todoDraft, addBlockedUntil } = getState();
  if (addBlockedUntil && addBlockedUntil > Date.now()) return;
  const errors = checkNewTodo(todoDraft);
  // A new attempt's answer replaces the last one's: a refused title must not sit under an old banner.
  update({ todoErrors: errors, notice: null });
  if (Object.keys(errors).length > 0) return;
  const now = new Date().toISOString();
  const optimistic: TodoView = {
    id: temporaryId--,
    title: todoDraft.title.trim(),
    description: todoDraft.description || null,
    completed: false,
    completedAt: null,
    dueAt: todoDraft.dueAt ? new Date(todoDraft.dueAt).toISOString() : null,
    categories: getState().categories.filter((c) => todoDraft.categoryIds.includes(c.id)),
    createdAt: now,
    updatedAt: now,
    pending: true,
  };
  update((s) => ({ todos: [optimistic, ...s.todos], notice: null }));
  await whilePending('add', async () => {
    try {
      const created = await userAction('todo add', (a) =>
        api.createTodo(a, {
          title: optimistic.title,
          description: todoDraft.description || undefined,
          dueAt: optimistic.dueAt ?? undefined,
          categoryIds: todoDraft.categoryIds.length > 0 ? todoDraft.categoryIds : undefined,
        }),
      );
      const { graph: _graph, ...todo } = created;
      update((s) => ({ todos: s.todos.map((t) => (t.id === optimistic.id ? todo : t)), todoDraft: emptyTodoDraft() }));
    } catch (error) {
      // Rollback: the optimistic row goes; what was typed stays in the form.
      update((s) => ({ todos: s.todos.filter((t) => t.id !== optimistic.id) }));
      if (error instanceof ApiError && error.kind === 'validation') update({ todoErrors: error.fieldErrors });
      if (error instanceof ApiError && error.kind === 'duplicate')
        update({ todoErrors: { title: userMessage(error, 'todo') } });
      // A 429 is said by the form's countdown, which ticks: a banner would only repeat a number that goes stale.
      if (error instanceof ApiError && error.kind === 'rate-limited')
        update({ addBlockedUntil: Date.now() + (error.retryAfterSeconds ?? 60) * 1000 });
      else showError(error);
    }
  });
}

/** Optimistic change to one todo; `revert` restores it when the API refuses. */
async function changeTodo(todo: Todo, name: string, patch: { title?: string; completed?: boolean }): Promise<void> {
  const before = getState().todos.find((t) => t.id === todo.id);
  if (!before) return;
  update((s) => ({ todos: s.todos.map((t) => (t.id === todo.id ? { ...t, ...patch, pending: true } : t)) }));
  await whilePending(`todo:${todo.id}`, async () => {
    try {
      const saved = await userAction(name, (a) => api.updateTodo(a, todo.id, patch), { 'flowlab.todo.id': todo.id });
      const { graph: _graph, ...fresh } = saved;
      update((s) => ({ todos: s.todos.map((t) => (t.id === todo.id ? fresh : t)), notice: null }));
    } catch (error) {
      update((s) => ({ todos: s.todos.map((t) => (t.id === todo.id ? before : t)) }));
      showError(error);
    }
  });
}

export const toggleTodo = (todo: Todo) =>
  changeTodo(todo, todo.completed ? 'todo reopen' : 'todo complete', { completed: !todo.completed });

export async function renameTodo(todo: Todo, title: string): Promise<string | undefined> {
  const problem = checkTitle(title);
  if (problem) return problem;
  if (title.trim() === todo.title) return undefined;
  await changeTodo(todo, 'todo rename', { title: title.trim() });
  return undefined;
}

export async function deleteTodo(todo: Todo): Promise<void> {
  const { todos } = getState();
  const index = todos.findIndex((t) => t.id === todo.id);
  if (index < 0) return;
  update((s) => ({ todos: s.todos.filter((t) => t.id !== todo.id) }));
  await whilePending(`todo:${todo.id}`, async () => {
    try {
      await userAction('todo delete', (a) => api.deleteTodo(a, todo.id), { 'flowlab.todo.id': todo.id });
      update({ notice: null });
    } catch (error) {
      update((s) => {
        const restored = [...s.todos];
        restored.splice(Math.min(index, restored.length), 0, todo);
        return { todos: restored };
      });
      showError(error);
    }
  });
}

export async function addCategory(name: string): Promise<string | undefined> {
  const problem = checkCategoryName(name);
  if (problem) return problem;
  let message: string | undefined;
  await whilePending('category', async () => {
    try {
      const category = await userAction('category add', (a) => api.createCategory(a, name.trim()));
      update((s) => ({ categories: [...s.categories, category], notice: null }));
    } catch (error) {
      if (error instanceof ApiError && (error.kind === 'duplicate' || error.kind === 'validation'))
        message = error.fieldErrors.name ?? userMessage(error, 'category');
      else showError(error, 'category');
    }
  });
  return message;
}

export async function deleteCategory(id: number): Promise<void> {
  await whilePending(`category:${id}`, () =>
    run(
      'category delete',
      async (a) => {
        await api.deleteCategory(a, id);
        update((s) => ({
          categories: s.categories.filter((c) => c.id !== id),
          filters: s.filters.category === id ? { ...s.filters, category: null } : s.filters,
          todos: s.todos.map((t) => ({ ...t, categories: t.categories.filter((c) => c.id !== id) })),
        }));
      },
      'category',
    ),
  );
}

/** Graph reads: a 503 from Neo4j is a note ("the graph is off"), not a failure of the page. */
export async function graphRead<T>(
  name: string,
  read: (a: Action) => Promise<T>,
  attributes: Record<string, number> = {},
): Promise<T | string> {
  try {
    return await userAction(name, read, attributes);
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'graph-unavailable') return userMessage(error);
    showError(error);
    return userMessage(error);
  }
}

export const relatedTodos = (id: number) =>
  graphRead('todo related', async (a) => (await api.related(a, id)).items, { 'flowlab.todo.id': id });
export const similarUsers = () => graphRead('users similar', async (a) => (await api.similar(a)).items);
