/**
 * What Node's HTTP server answers by itself, before any route runs, in the one problem shape:
 * headers too large (431), a request that took too long (408), bytes that are not HTTP (400).
 * Node's default is a bare status line with an empty body. Each of these closes the connection
 * (the parser cannot go on), and says so with `Connection: close`.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProblemError, type ProblemSlug, toProblemBody } from '../errors/problem.ts';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function slugFor(code: string | undefined): ProblemSlug {
  if (code === 'HPE_HEADER_OVERFLOW') return 'headers-too-large';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request-timeout';
  return 'bad-request';
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection the client reset, or one whose answer has begun (as Node's own handler checks), gets no answer.
    const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    const problem = new ProblemError(slugFor(error.code));
    const body = JSON.stringify(toProblemBody(problem, { instance: '', requestId: randomUUID() }));
    socket.end(
      `HTTP/1.1 ${problem.status} ${REASONS[problem.status]}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
