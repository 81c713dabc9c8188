import type { ActionRecord } from '../telemetry/tracing.ts';
import { traceLinks } from './trace-views.ts';

/** Every action with its trace id: the way from a click into its trace. */
export function RecentActions({ actions }: { actions: ActionRecord[] }) {
  if (actions.length === 0) return null;
  return (
    <section class="panel actions" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Your last actions, traced</h2>
      <ol data-testid="actions">
        {actions.map((action) => (
          <li key={`${action.traceId}-${action.at}`} data-trace-id={action.traceId} data-action={action.name}>
            <span class={action.ok ? 'ok' : 'failed'}>{action.ok ? '✓' : '✗'}</span> <strong>{action.name}</strong>
            {action.error ? ` (${action.error})` : ''} <code title="trace id">{action.traceId}</code>{' '}
            {traceLinks(action.traceId).map((link) => (
              <a key={link.label} href={link.href} target="_blank" rel="noopener">
                {link.label}
              </a>
            ))}
          </li>
        ))}
      </ol>
    </section>
  );
}
