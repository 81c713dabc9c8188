import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { RedactingSpanProcessor } from '../../src/telemetry/redact.ts';

describe('RedactingSpanProcessor', () => {
  it('drops the user agent and the query strings before an exporter sees the span', () => {
    const attributes: Record<string, unknown> = {
      'url.full': 'http://localhost:8000/todos?q=my%20plans&limit=8',
      'http.url': 'http://localhost:8000/app/#top',
      'user_agent.original': 'Mozilla/5.0',
      'http.user_agent': 'Mozilla/5.0',
      'http.response.status_code': 200,
    };
    new RedactingSpanProcessor().onEnd({ attributes } as unknown as ReadableSpan);
    expect(attributes).toEqual({
      'url.full': 'http://localhost:8000/todos',
      'http.url': 'http://localhost:8000/app/',
      'http.response.status_code': 200,
    });
  });
});
