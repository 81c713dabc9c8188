/**
 * The runtime config the API serves at /app/config.json: where the browser's spans go and which
 * trace views exist. Runtime, not build time, so one build works embedded, native and in Docker.
 */

export interface WebConfig {
  /** The API's origin when it is not this page's; empty means same origin (the API serves /app/). */
  apiBase: string;
  traces: {
    /** OTLP/HTTP JSON traces endpoint: the API's own receiver, or the collector; null sends nothing. */
    exportUrl: string | null;
    /** Trace view URL templates with `{traceId}`: debug (always), docs and jaeger when present. */
    views: { debug: string; docs?: string; jaeger?: string };
  };
}

export const fallbackConfig: WebConfig = {
  apiBase: '',
  traces: { exportUrl: null, views: { debug: '/debug/traces/{traceId}' } },
};

const isTemplate = (value: unknown): value is string => typeof value === 'string' && value.includes('{traceId}');

/** Reads the config; a missing or malformed one means "no export", never a broken page. */
export async function loadConfig(): Promise<WebConfig> {
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { headers: { Accept: 'application/json' } });
    if (!response.ok) return fallbackConfig;
    const body = (await response.json()) as Partial<WebConfig> | null;
    const traces = body?.traces;
    const views = traces?.views;
    return {
      apiBase: typeof body?.apiBase === 'string' ? body.apiBase : '',
      traces: {
        exportUrl: typeof traces?.exportUrl === 'string' ? traces.exportUrl : null,
        views: {
          debug: isTemplate(views?.debug) ? views.debug : fallbackConfig.traces.views.debug,
          docs: isTemplate(views?.docs) ? views.docs : undefined,
          jaeger: isTemplate(views?.jaeger) ? views.jaeger : undefined,
        },
      },
    };
  } catch {
    return fallbackConfig;
  }
}
