import { useState } from 'preact/hooks';
import { signIn } from '../state/flows.ts';
import { type State, update } from '../state/store.ts';
import { FieldError } from './FieldError.tsx';

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
        <label for="auth-email">Email</label>
        <input
          id="auth-email"
          type="email"
          autocomplete="username"
          value={authDraft.email}
          aria-invalid={Boolean(authErrors.email)}
          aria-describedby={authErrors.email ? 'auth-email-error' : undefined}
          onInput={(e) => setDraft({ email: e.currentTarget.value })}
        />
        <FieldError id="auth-email-error" message={authErrors.email} />
        <label for="auth-password">Password</label>
        <input
          id="auth-password"
          type="password"
          autocomplete={registering ? 'new-password' : 'current-password'}
          value={password}
          aria-invalid={Boolean(authErrors.password)}
          aria-describedby={authErrors.password ? 'auth-password-error' : undefined}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <FieldError id="auth-password-error" message={authErrors.password} />
        {registering && (
          <>
            <label for="auth-name">Name (optional)</label>
            <input
              id="auth-name"
              autocomplete="name"
              value={authDraft.name}
              onInput={(e) => setDraft({ name: e.currentTarget.value })}
            />
          </>
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
