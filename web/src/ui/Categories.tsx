import { useState } from 'preact/hooks';
import type { SimilarUser } from '../api/guards.ts';
import { addCategory, deleteCategory, similarUsers } from '../state/flows.ts';
import type { State } from '../state/store.ts';
import { LabelledField } from './LabelledField.tsx';

/** Manage categories, and see who shares them (the graph's "similar users"). */
export function Categories({ state }: { state: State }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [similar, setSimilar] = useState<SimilarUser[] | string | null>(null);
  return (
    <section class="panel categories" aria-labelledby="categories-heading">
      <h2 id="categories-heading">Categories</h2>
      <ul>
        {state.categories.map((c) => (
          <li key={c.id}>
            {c.name}{' '}
            <button
              type="button"
              class="small"
              disabled={state.pending.includes(`category:${c.id}`)}
              onClick={() => void deleteCategory(c.id)}
              aria-label={`Delete category ${c.name}`}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const problem = await addCategory(name);
          setError(problem);
          if (!problem) setName('');
        }}
      >
        <LabelledField id="category-name" label="New category" error={error}>
          {(control) => <input {...control} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </LabelledField>
        <button type="submit" disabled={state.pending.includes('category')}>
          Add category
        </button>
      </form>
      <button type="button" onClick={async () => setSimilar(await similarUsers())}>
        Similar users
      </button>
      {similar !== null && (
        <div role="status">
          {typeof similar === 'string' ? (
            <p class="note">{similar}</p>
          ) : similar.length === 0 ? (
            <p class="note">Nobody shares your categories yet.</p>
          ) : (
            <ul>
              {similar.map((u) => (
                <li key={u.userId}>
                  user {u.userId}: {Math.round(u.score * 100)}% ({u.sharedCategories.join(', ')})
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
