/**
 * Span trees without a process of their own: the app runs in the test's process and its spans
 * go to an InMemorySpanExporter. The real `npm start` (test/telemetry/traces.test.ts) proves the
 * ESM instrumentation loads and that pg, ioredis and http make their spans; what the app itself
 * makes (the SERVER span's name and route, the step spans, their attributes) is asserted here,
 * faster and with no server to start.
 *
 * The app makes its SERVER span itself (telemetry/server-spans.ts, switched on here as the
 * instrumentation module does): `traced()` sends a request under a sampled remote parent, as a
 * `traceparent` header would, so the app's spans join a trace whose id the test knows.
 */
import { randomBytes } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { serverSpans } from '../../src/telemetry/server-spans.ts';
import { serverTimings } from '../../src/telemetry/server-timing.ts';
import { flattenSpans } from '../../src/trace-views/span-tree.ts';

export interface MemorySpan {
  name: string;
  kind: string;
  spanId: string;
  parentSpanId?: string;
  status: 'unset' | 'ok' | 'error';
  attributes: Record<string, unknown>;
  /** Milliseconds on the span's clock: start, end. */
  start: number;
  end: number;
  children: MemorySpan[];
}

function toNode(span: ReadableSpan): MemorySpan {
  return {
    name: span.name,
    kind: SpanKind[span.kind],
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    status:
      span.status.code === SpanStatusCode.ERROR ? 'error' : span.status.code === SpanStatusCode.OK ? 'ok' : 'unset',
    attributes: { ...span.attributes },
    start: hrTimeToMilliseconds(span.startTime),
    end: hrTimeToMilliseconds(span.endTime),
    children: [],
  };
}

/** Registers a tracer provider for this test file's process, exporting to memory. */
export function inMemorySpans() {
  const exporter = new InMemorySpanExporter();
  // Server-Timing sums the CLIENT spans as they end, as it does in the real process.
  const provider = new NodeTracerProvider({ spanProcessors: [serverTimings, new SimpleSpanProcessor(exporter)] });
  provider.register();
  serverSpans.enable();

  /** Sends a request under a remote parent span, sampled or not; returns the response and its trace id. */
  async function underParent<R>(traceFlags: TraceFlags, send: () => Promise<R>) {
    const traceId = randomBytes(16).toString('hex');
    const parent = trace.wrapSpanContext({
      traceId,
      spanId: randomBytes(8).toString('hex'),
      traceFlags,
      isRemote: true,
    });
    const response = await context.with(trace.setSpan(context.active(), parent), send);
    return { response, traceId };
  }

  return {
    /** Sends a request in a sampled trace; returns the response and its trace id. */
    async traced<R extends { status: number }>(send: () => Promise<R>) {
      const { response, traceId } = await underParent(TraceFlags.SAMPLED, send);
      return { ...response, traceId };
    },

    /** Sends a request as one the sampler left out: its SERVER span records nothing. */
    async unsampled<R extends { status: number }>(send: () => Promise<R>) {
      const { response, traceId } = await underParent(TraceFlags.NONE, send);
      return {
        ...response,
        traceId,
        spans: exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId),
      };
    },

    /** Every span of one trace, as ended. */
    spansOf(traceId: string): MemorySpan[] {
      return exporter
        .getFinishedSpans()
        .filter((span) => span.spanContext().traceId === traceId)
        .map(toNode);
    },

    /** The span tree of one trace, children in start order. */
    tree(traceId: string): MemorySpan {
      const spans = exporter
        .getFinishedSpans()
        .filter((span) => span.spanContext().traceId === traceId)
        .map(toNode)
        .sort((a, b) => a.start - b.start);
      const byId = new Map(spans.map((span) => [span.spanId, span]));
      const roots = spans.filter((span) => {
        const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
        parent?.children.push(span);
        return !parent;
      });
      if (roots.length !== 1 || !roots[0]) throw new Error(`trace ${traceId} has ${roots.length} roots`);
      return roots[0];
    },

    async shutdown() {
      serverSpans.enable(false);
      await provider.shutdown();
      trace.disable();
    },
  };
}

export function flattenTree(node: MemorySpan): MemorySpan[] {
  return flattenSpans([node]);
}

export function childNamed(node: MemorySpan, name: string): MemorySpan {
  const found = node.children.find((c) => c.name === name);
  if (!found) throw new Error(`"${node.name}" has no child "${name}"; it has: ${node.children.map((c) => c.name)}`);
  return found;
}
