/**
 * What the HTTP server itself answers, before any route runs: a request whose headers are too
 * large (431), one that is not HTTP (Node's own 400), one that takes too long (408), a body over
 * the limit (413). Each is the one problem shape, and says `Connection: close` when it closes.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serverOnPostgres } from '../helpers/server-on-postgres.ts';

/** Sends raw bytes, reads until the server closes (or `ms` pass), and splits the answer. */
function raw(port: number, bytes: string, ms = 8000): Promise<{ head: string; body: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const done = () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ head, body, closed });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, ms);
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      done();
    });
    socket.write(bytes);
  });
}

const problemType = (body: string) => (JSON.parse(body) as { type: string }).type;

describe('answers the server makes itself', () => {
  const server = serverOnPostgres({ SERVER_REQUEST_TIMEOUT_MS: '1500', SERVER_HEADERS_TIMEOUT_MS: '1500' });

  it('answers headers too large with a 431 problem, and closes', async () => {
    const answer = await raw(server().port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer.head).toMatch(/^HTTP\/1\.1 431/);
    expect(answer.head).toMatch(/content-type: application\/problem\+json/i);
    expect(answer.head).toMatch(/connection: close/i);
    expect(problemType(answer.body)).toBe('/problems/headers-too-large');
  });

  it("answers what is not HTTP with Node's 400 as a problem, and closes", async () => {
    const answer = await raw(server().port, 'HELLO THERE\r\n\r\n');
    expect(answer.head).toMatch(/^HTTP\/1\.1 400/);
    expect(answer.head).toMatch(/content-type: application\/problem\+json/i);
    expect(problemType(answer.body)).toBe('/problems/bad-request');
    expect(answer.closed).toBe(true);
  });

  it('answers a request that never finishes with a 408 problem', async () => {
    const answer = await raw(
      server().port,
      'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em',
    );
    expect(answer.head).toMatch(/^HTTP\/1\.1 408/);
    expect(problemType(answer.body)).toBe('/problems/request-timeout');
  });

  it('says Connection: close on a 413, since it closes the connection after it', async () => {
    const body = 'x'.repeat(200_000);
    const answer = await raw(
      server().port,
      `POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(answer.head).toMatch(/^HTTP\/1\.1 413/);
    expect(answer.head).toMatch(/connection: close/i);
    expect(problemType(answer.body)).toBe('/problems/payload-too-large');
  });
});
