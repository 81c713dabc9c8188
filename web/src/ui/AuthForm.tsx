import { useState } from 'preact/hooks';
import { signIn } from '../state/flows.ts';
import { type State, update } from '../state/store.ts';
import { LabelledField } from './LabelledField.tsx';

/** Log in or register; the email and name live in the store, so a 401 later finds them still typed. */
export function AuthForm({ state }: { state: State }) {
  const { authDraft, authErrors } = state;
  const [password, setPassword] = useState('');
  const registering = authDraft.mode === 'register';
  const busy = state.pending.includes('auth');
  const setDraft = (change: Partial<State['authDraft']>) =>
    update((s) => ({ authDraft: { ...s.authDraft, ...change } }));
  return (
    <section class="panel auth" aria-labelledby="auth-heading">
      <h2 id="auth-heading">{registering ? 'Create an account' : 'Log in'}</h2>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void signIn({ email: authDraft.email, password, name: authDraft.name });
        }}
      >
        <LabelledField id="auth-email" label="Email" error={authErrors.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              autocomplete="username"
              value={authDraft.email}
              onInput={(e) => setDraft({ email: e.currentTarget.value })}
            />
          )}
        </LabelledField>
        <LabelledField id="auth-password" label="Password" error={authErrors.password}>
          {(control) => (
            <input
              {...control}
              type="password"
              autocomplete={registering ? 'new-password' : 'current-password'}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </LabelledField>
        {registering && (
          <LabelledField id="auth-name" label="Name (optional)">
            {(control) => (
              <input
                {...control}
                autocomplete="name"
                value={authDraft.name}
                onInput={(e) => setDraft({ name: e.currentTarget.value })}
              />
            )}
          </LabelledField>
        )}
        <button type="submit" disabled={busy}>
          {registering ? 'Register' : 'Log in'}
        </button>
      </form>
      <button
        type="button"
        class="link"
        onClick={() =>
          update({ authErrors: {}, authDraft: { ...authDraft, mode: registering ? 'login' : 'register' } })
        }
      >
        {registering ? 'I have an account: log in' : 'No account yet? Register'}
      </button>
    </section>
  );
}
