/**
 * How the lab's views ask a service they read (Jaeger, VictoriaLogs, Prometheus), the same way for
 * each: with a deadline, following no redirect (one could point anywhere: another host, a cloud
 * metadata address), reading at most `maxBytes` of the answer. Each way it can fail becomes the
 * problem a learner reads, in the caller's words: no answer at all (503 dependency-unavailable,
 * with Retry-After), none in time (504 dependency-timeout), one too large (502 dependency-failed).
 */
import { ProblemError } from '../errors/problem.ts';

export interface DependencyRequest {
  url: URL;
  headers?: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  /** The problem's `dependency` member: jaeger, victorialogs, prometheus. */
  dependency: string;
  /** The caller's words for each failure: the problem's detail. */
  unavailable: string;
  timedOut: string;
  tooLarge: string;
}

/** The answer's status and text (a redirect is an answer: the caller says why it is not followed). */
export async function askDependency(request: DependencyRequest): Promise<{ status: number; text: string }> {
  const extensions = { dependency: request.dependency };
  const timedOut = (cause: unknown) =>
    new ProblemError('dependency-timeout', { detail: request.timedOut, extensions, cause });
  let response: Response;
  try {
    response = await fetch(request.url, {
      signal: AbortSignal.timeout(request.timeoutMs),
      headers: request.headers,
      redirect: 'manual',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') throw timedOut(error);
    throw new ProblemError('dependency-unavailable', {
      detail: request.unavailable,
      extensions,
      headers: { 'Retry-After': '5' },
      cause: error,
    });
  }
  try {
    const text = await readBounded(
      response,
      request.maxBytes,
      () => new ProblemError('dependency-failed', { detail: request.tooLarge, extensions }),
    );
    return { status: response.status, text };
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    // The deadline passed while the answer was still arriving.
    throw timedOut(error);
  }
}

/** Reads an answer up to `maxBytes`, then stops: a huge answer is refused, not buffered. */
async function readBounded(response: Response, maxBytes: number, tooLarge: () => ProblemError): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw tooLarge();
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
