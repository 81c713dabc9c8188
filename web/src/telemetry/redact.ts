/**
 * What leaves the page in a span: no query strings (a search text is the person's own words) and
 * no user agent. The API's receiver drops these too; this covers the collector path, where the
 * browser's spans go straight to the collector and on to Jaeger.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

const URL_KEYS = ['url.full', 'http.url'];
const DROPPED = /user_agent|useragent/i;

export function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/, '');
}

/** A span processor that rewrites an ended span's attributes in place, before any exporter sees them. */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    // The SDK hands each processor the span's own attribute object: edits here are what exporters see.
    const attributes = span.attributes as Record<string, unknown>;
    for (const key of Object.keys(attributes)) {
      if (DROPPED.test(key)) delete attributes[key];
      else if (URL_KEYS.includes(key) && typeof attributes[key] === 'string')
        attributes[key] = withoutQuery(attributes[key]);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
