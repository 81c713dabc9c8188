import { signOut } from '../state/flows.ts';
import { useStore } from '../state/store.ts';
import { AuthForm } from './AuthForm.tsx';
import { Categories } from './Categories.tsx';
import { Notice } from './Notice.tsx';
import { RecentActions } from './RecentActions.tsx';
import { TodoForm } from './TodoForm.tsx';
import { TodoList } from './TodoList.tsx';

export function App() {
  const state = useStore();
  return (
    <>
      <header>
        <h1>Flowlab todos</h1>
        <p class="tagline">Every click is a trace: follow it from this page to the database.</p>
        {state.session && (
          <p class="session">
            {state.session.email}{' '}
            <button type="button" class="link" onClick={signOut}>
              Log out
            </button>
          </p>
        )}
      </header>
      <main>
        <Notice notice={state.notice} />
        {state.session ? (
          <div class="layout">
            <div>
              <TodoForm state={state} />
              <TodoList state={state} />
            </div>
            <Categories state={state} />
          </div>
        ) : (
          <AuthForm state={state} />
        )}
        <RecentActions actions={state.actions} />
      </main>
    </>
  );
}
