/**
 * The anchor for "what a span costs": the bare SDK's own floor. A span started and ended through a
 * tracer provider like the API's (the Node provider, a batch processor) with nothing exported, in a
 * tight loop, as the CPU time of this process per span. What the API spends per span beyond this is
 * ours (attributes, processors, context switches, the instrumentations' own work), not the SDK's.
 */
import { context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Drops what it is given: the floor measures the SDK, not an exporter. */
const nowhere: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
};

/**
 * CPU µs a span, the median of `rounds` rounds of `spans` spans each, after a warm-up round. A round
 * stays under the batch processor's queue (2,048 spans): past it, spans are dropped, which is cheaper.
 */
export async function sdkFloorMicros({ spans = 2000, rounds = 25 } = {}): Promise<number> {
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(nowhere)] });
  const tracer = provider.getTracer('sdk-floor');
  const root = context.active();
  const round = () => {
    const before = process.cpuUsage();
    for (let i = 0; i < spans; i++) tracer.startSpan('step', { attributes: { 'flowlab.step': i } }, root).end();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / spans;
  };
  round();
  const results: number[] = [];
  for (let i = 0; i < rounds; i++) {
    results.push(round());
    // Let the batch processor's timer drain the queue between rounds, as it would between requests.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await provider.shutdown();
  trace.disable();
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)] ?? Number.NaN;
}
