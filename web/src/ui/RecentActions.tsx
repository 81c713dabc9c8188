import { getState } from '../state/store.ts';
import type { ActionRecord } from '../telemetry/tracing.ts';
import { traceLinks } from './trace-views.ts';

/**
 * A trace with your request in it is yours: the API serves it for your token only. A plain link
 * cannot send one, so the span tree is fetched with it and opened as a JSON document.
 */
function openWithToken(event: MouseEvent, href: string): void {
  const token = getState().session?.token;
  if (!token) return;
  event.preventDefault();
  // Opened now, inside the click, so that no popup blocker stops it; filled once the answer is in.
  const tab = window.open('', '_blank');
  void fetch(href, { headers: { Authorization: `Bearer ${token}` } })
    .then((response) => response.text())
    .then((text) => {
      if (tab) tab.location.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    });
}

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
              <a
                key={link.label}
                href={link.href}
                target="_blank"
                // The walkthrough's trace view is this origin's: "opener" hands it this tab's session
                // (sessionStorage is copied into a tab opened that way), so it can read your trace.
                rel={link.sameOrigin ? 'opener' : 'noopener'}
                onClick={link.label === 'span tree' ? (event) => openWithToken(event, link.href) : undefined}
              >
                {link.label}
              </a>
            ))}
          </li>
        ))}
      </ol>
    </section>
  );
}
