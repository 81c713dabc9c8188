/**
 * The HTTP server's own limits, from the config: how long a client may take to send its headers
 * and its whole request, how long an idle keep-alive connection stays, and how many connections
 * are kept at once. Without them a connection that never sends a byte stays open for ever.
 *
 * Node's headersTimeout starts with the first byte, so a connection that sends none is ended here,
 * after the same time. It also keeps a list of the open connections and whether each is serving a request, because
 * Node's closeIdleConnections() does not count a connection that never sent a request as idle:
 * on shutdown those would hold the exit until the deadline.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config.ts';

type LimitsConfig = Pick<
  Config,
  'SERVER_HEADERS_TIMEOUT_MS' | 'SERVER_REQUEST_TIMEOUT_MS' | 'SERVER_KEEP_ALIVE_TIMEOUT_MS' | 'SERVER_MAX_CONNECTIONS'
>;

/** Options for http.createServer (through @hono/node-server's serverOptions). */
export function serverOptions(config: LimitsConfig) {
  return {
    headersTimeout: config.SERVER_HEADERS_TIMEOUT_MS,
    requestTimeout: config.SERVER_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.SERVER_KEEP_ALIVE_TIMEOUT_MS,
    // How often Node looks for connections past those timeouts (its default is 30 s).
    connectionsCheckingInterval: Math.min(1000, config.SERVER_HEADERS_TIMEOUT_MS),
  };
}

/** Applies the connection cap and returns closeIdle(): ends every connection not serving a request. */
export function limitConnections(server: Server, config: LimitsConfig): { closeIdle(): void } {
  server.maxConnections = config.SERVER_MAX_CONNECTIONS;
  const inFlight = new Map<Socket, number>();
  const silent = new Map<Socket, NodeJS.Timeout>();
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    const timer = setTimeout(() => socket.destroy(), config.SERVER_HEADERS_TIMEOUT_MS);
    timer.unref();
    silent.set(socket, timer);
    socket.once('close', () => {
      inFlight.delete(socket);
      clearTimeout(silent.get(socket));
      silent.delete(socket);
    });
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    // From the first request on, Node's own header, request and keep-alive timeouts apply.
    clearTimeout(silent.get(socket));
    silent.delete(socket);
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once('close', () => {
      if (inFlight.has(socket)) inFlight.set(socket, Math.max(0, (inFlight.get(socket) ?? 1) - 1));
    });
  });
  return {
    closeIdle() {
      for (const [socket, requests] of inFlight) if (requests === 0) socket.destroy();
    },
  };
}
