/**
 * Connections a careless (or hostile) client opens and never uses: they are closed after the
 * header timeout, the number of connections is capped, and they do not hold a shutdown.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../helpers/start-server.ts';

/** A TCP connection that sends nothing; `closed` resolves with the milliseconds it stayed open. */
function silentConnection(port: number): { socket: Socket; closed: Promise<number> } {
  const opened = Date.now();
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  return { socket, closed };
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms))]);

describe('connections that never send a byte', () => {
  const servers: StartedServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('are closed after SERVER_HEADERS_TIMEOUT_MS, and no more than SERVER_MAX_CONNECTIONS are kept', async () => {
    const server = await startServer({ SERVER_HEADERS_TIMEOUT_MS: '1500', SERVER_MAX_CONNECTIONS: '4' });
    servers.push(server);
    const connections = Array.from({ length: 7 }, () => silentConnection(server.port));
    // Over the cap, a connection is dropped at once (the test runner may hold one keep-alive of its own).
    const early = await Promise.all(connections.map((c) => within(c.closed, 700)));
    expect(early.filter((c) => c !== 'still open').length).toBeGreaterThanOrEqual(3);
    // The rest are closed once the header timeout has passed, not kept for ever.
    const late = await Promise.all(connections.map((c) => within(c.closed, 5000)));
    expect(late.filter((c) => c === 'still open')).toEqual([]);
    // A real request still gets through afterwards.
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
  }, 60_000);

  it('do not hold the shutdown: SIGTERM exits long before SHUTDOWN_TIMEOUT_MS', async () => {
    const server = await startServer({ SHUTDOWN_TIMEOUT_MS: '20000', SERVER_HEADERS_TIMEOUT_MS: '30000' });
    servers.push(server);
    const connections = Array.from({ length: 3 }, () => silentConnection(server.port));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    for (const c of connections) c.socket.destroy();
  }, 60_000);
});
