/**
 * One small store for the page: the session, the list with its filters and cursor, the pending
 * operations, the drafts a person typed, and the recent actions with their trace ids.
 * State changes only through `update`, so every view re-renders from the same snapshot.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Category, Todo } from '../api/guards.ts';
import type { ActionRecord } from '../telemetry/tracing.ts';

export interface TodoView extends Todo {
  /** An optimistic change the API has not confirmed yet. */
  pending?: boolean;
}

export interface Notice {
  tone: 'error' | 'info';
  text: string;
}

export interface State {
  session: { token: string; email: string } | null;
  /** What the login form shows: kept when a 401 sends the person back to it. */
  authDraft: { email: string; name: string; mode: 'login' | 'register' };
  authErrors: Record<string, string>;
  todoDraft: { title: string; description: string; dueAt: string; categoryIds: number[] };
  todoErrors: Record<string, string>;
  todos: TodoView[];
  nextCursor: string | null;
  filters: { completed: 'all' | 'open' | 'done'; category: number | null; q: string };
  categories: Category[];
  /** Keys of operations in flight ("add", "todo:3" ...): their buttons are disabled. */
  pending: string[];
  /** Epoch ms until which adding is refused (a 429's Retry-After). */
  addBlockedUntil: number | null;
  notice: Notice | null;
  actions: ActionRecord[];
}

const SESSION_KEY = 'flowlab.session';

function savedSession(): State['session'] {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    const parsed = raw ? (JSON.parse(raw) as unknown) : null;
    if (parsed && typeof parsed === 'object' && 'token' in parsed && 'email' in parsed) {
      const { token, email } = parsed as { token: unknown; email: unknown };
      if (typeof token === 'string' && typeof email === 'string') return { token, email };
    }
  } catch {
    // Storage may be unavailable (private modes): then the session lasts as long as the page.
  }
  return null;
}

export function persistSession(session: State['session']): void {
  try {
    if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // See savedSession.
  }
}

export const emptyTodoDraft = (): State['todoDraft'] => ({ title: '', description: '', dueAt: '', categoryIds: [] });

let state: State = {
  session: savedSession(),
  authDraft: { email: '', name: '', mode: 'login' },
  authErrors: {},
  todoDraft: emptyTodoDraft(),
  todoErrors: {},
  todos: [],
  nextCursor: null,
  filters: { completed: 'all', category: null, q: '' },
  categories: [],
  pending: [],
  addBlockedUntil: null,
  notice: null,
  actions: [],
};

const listeners = new Set<() => void>();

export function getState(): State {
  return state;
}

export function update(change: Partial<State> | ((current: State) => Partial<State>)): void {
  state = { ...state, ...(typeof change === 'function' ? change(state) : change) };
  for (const listener of listeners) listener();
}

export function useStore(): State {
  const [snapshot, setSnapshot] = useState(state);
  useEffect(() => {
    const listener = () => setSnapshot(state);
    listeners.add(listener);
    listener();
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return snapshot;
}

/** Runs `work` with `key` marked pending, so its button stays disabled until it settles. */
export async function whilePending<T>(key: string, work: () => Promise<T>): Promise<T> {
  update((s) => ({ pending: [...s.pending, key] }));
  try {
    return await work();
  } finally {
    update((s) => ({ pending: s.pending.filter((k) => k !== key) }));
  }
}
