/**
 * The lab's telemetry views, as the API says at run time (GET /debug/views): whether it reads a
 * Jaeger, where Jaeger's own UI is (only where there is one: Docker Compose), where Prometheus is.
 * Asked once per page; undefined when the API does not answer.
 */
import { apiBase } from './lab.ts';

export interface LabViews {
  jaeger: { search: boolean; ui: string | null };
  prometheus: { ui: string };
  /** Whether the API reads VictoriaLogs (VICTORIALOGS_URL): GET /debug/logs?source=victorialogs. */
  logs?: { victoriaLogs: boolean };
}

let pending: Promise<LabViews | undefined> | undefined;

export function labViews(): Promise<LabViews | undefined> {
  pending ??= fetch(`${apiBase}/debug/views`)
    .then((response) => (response.ok ? (response.json() as Promise<LabViews>) : undefined))
    .catch(() => undefined);
  return pending;
}
