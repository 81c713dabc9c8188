/**
 * The lab's sampler: every request a person makes is traced whole and, when TRACES_PER_SECOND is
 * set, a load test does not pay for thousands of traces a second that nobody will read. Unset (0),
 * every request is traced: the dependency metrics are made from spans (dependency-spans.ts), so a
 * cap also caps what they count.
 *
 * Parent-based, like OpenTelemetry's default: a request whose traceparent says "sampled" (the web
 * client's clicks, the walkthrough's Run it, your own curl with -H traceparent) is always traced,
 * and one that says "not sampled" never is. A request that starts a trace is traced while fewer
 * than `perSecond` have started in the last second (a token bucket with a second's worth of
 * burst), and beyond that it is not: it still has its metrics and its log line, and its
 * `traceresponse` says `-00` (not sampled). `perSecond` 0 traces every request.
 */
import {
  type Attributes,
  type Context,
  INVALID_TRACEID,
  type Link,
  type SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { AlwaysOnSampler, type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace-base';

export class RootRateSampler implements Sampler {
  private readonly perSecond: number;
  private tokens: number;
  private last = performance.now();

  constructor(perSecond: number) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
  }

  shouldSample(
    _context: Context,
    _traceId: string,
    _name: string,
    _kind: SpanKind,
    _attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    const now = performance.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return { decision: SamplingDecision.NOT_RECORD };
    this.tokens -= 1;
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }

  toString(): string {
    return `RootRateSampler{${this.perSecond}/s}`;
  }
}

const SAMPLED: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED };
const LEFT_OUT: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

/**
 * Parent-based, as the SDK's ParentBasedSampler with its defaults (a parent's flag is followed,
 * remote or local), without its second check of the parent's ids: every span pays for that check
 * (two regular expressions) and the SDK's tracer has already made it, as has the traceparent
 * propagator for a remote parent (bench/README.md, "Lean").
 */
export class LabSampler implements Sampler {
  private readonly root: Sampler;

  constructor(root: Sampler) {
    this.root = root;
  }

  shouldSample(
    context: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (!parent || parent.traceId === INVALID_TRACEID)
      return this.root.shouldSample(context, traceId, name, kind, attributes, links);
    return parent.traceFlags & TraceFlags.SAMPLED ? SAMPLED : LEFT_OUT;
  }

  toString(): string {
    return `LabSampler{root=${this.root.toString()}}`;
  }
}

/** Parent-based; a new trace is sampled up to `perSecond` a second (0: always). */
export function labSampler(perSecond: number): Sampler {
  return new LabSampler(perSecond > 0 ? new RootRateSampler(perSecond) : new AlwaysOnSampler());
}
