import { context, INVALID_SPAN_CONTEXT, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { AlwaysOnSampler, ParentBasedSampler, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { labSampler } from '../../src/telemetry/sampler.ts';

const traceId = 'a'.repeat(32);
const decide = (sampler: ReturnType<typeof labSampler>, parent = ROOT_CONTEXT) =>
  sampler.shouldSample(parent, traceId, 'GET /todos', SpanKind.SERVER, {}, []).decision;

describe('the lab sampler', () => {
  it('traces every new request when TRACES_PER_SECOND is 0 (the default)', () => {
    const sampler = labSampler(0);
    const decisions = Array.from({ length: 500 }, () => decide(sampler));
    expect(new Set(decisions)).toEqual(new Set([SamplingDecision.RECORD_AND_SAMPLED]));
  });

  it('starts at most the cap of new traces in a burst, and leaves the rest out', () => {
    const sampler = labSampler(3);
    const decisions = Array.from({ length: 10 }, () => decide(sampler));
    expect(decisions.filter((d) => d === SamplingDecision.RECORD_AND_SAMPLED)).toHaveLength(3);
    expect(decisions.slice(3)).toEqual(Array(7).fill(SamplingDecision.NOT_RECORD));
  });

  it('always follows a caller whose traceparent says sampled, past the cap too', () => {
    const sampler = labSampler(1);
    decide(sampler);
    const parent = trace.setSpanContext(context.active(), {
      traceId,
      spanId: 'b'.repeat(16),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(decide(sampler, parent)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});

describe('the lab sampler, against the SDK parent-based sampler it stands for', () => {
  it('decides as ParentBasedSampler does for every kind of parent', () => {
    const reference = new ParentBasedSampler({ root: new AlwaysOnSampler() });
    const sampler = labSampler(0);
    const parents = [
      ROOT_CONTEXT,
      ...[TraceFlags.SAMPLED, TraceFlags.NONE].flatMap((traceFlags) =>
        [true, false].map((isRemote) =>
          trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b'.repeat(16), traceFlags, isRemote }),
        ),
      ),
      trace.setSpanContext(ROOT_CONTEXT, INVALID_SPAN_CONTEXT),
    ];
    for (const parent of parents) {
      expect(decide(sampler, parent)).toBe(
        reference.shouldSample(parent, traceId, 'GET /todos', SpanKind.SERVER, {}, []).decision,
      );
    }
  });
});
