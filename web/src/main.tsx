/**
 * Start-up: read the runtime config, start tracing (so the document-load spans and every later
 * action are traced), then render. A saved session is resumed, so a reload keeps you logged in.
 */
import { render } from 'preact';
import { loadConfig } from './config.ts';
import { resumeSession, useApiBase } from './state/flows.ts';
import { getState, update } from './state/store.ts';
import { onAction, startTracing } from './telemetry/tracing.ts';
import { App } from './ui/App.tsx';
import { setTraceViews } from './ui/trace-views.ts';
import './styles.css';

const MAX_ACTIONS_SHOWN = 8;

const config = await loadConfig();
// The API's receiver keeps a browser's spans in its user's traces: they go with the user's token.
startTracing(config, () => getState().session?.token ?? null);
setTraceViews(config.traces.views);
useApiBase(config.apiBase);
onAction((record) => update((s) => ({ actions: [record, ...s.actions].slice(0, MAX_ACTIONS_SHOWN) })));

const root = document.getElementById('app');
if (root) render(<App />, root);
void resumeSession();
