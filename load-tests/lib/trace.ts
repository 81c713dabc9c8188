/**
 * W3C Trace Context for every request k6 sends: a fresh trace id and parent span id each time, so the
 * API continues k6's trace and any one request of a run can be found in Jaeger by the id k6 printed.
 */
import { randomBytes } from 'k6/crypto';

function hex(bytes: ArrayBuffer): string {
  let out = '';
  for (const byte of new Uint8Array(bytes)) out += (byte < 16 ? '0' : '') + byte.toString(16);
  return out;
}

export interface TraceContext {
  traceId: string;
  traceparent: string;
}

export function newTraceContext(): TraceContext {
  const traceId = hex(randomBytes(16));
  const parentId = hex(randomBytes(8));
  // version 00, sampled (01): the API's parent-based sampler keeps what k6 asks it to keep.
  return { traceId, traceparent: `00-${traceId}-${parentId}-01` };
}
