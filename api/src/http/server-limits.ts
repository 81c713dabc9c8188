/**
 * The HTTP server's own limits, from the config: how long a client may take to send its headers
 * and its whole request, how long an idle keep-alive connection stays, and how many connections
 * are kept at once. Without them a connection that never sends a byte stays open for ever.
 *
 * Node's headersTimeout starts with the first byte, so a connection that sends none is ended here,
 * after the same time. It also keeps a list of the open connections and whether each is serving a request, because
 * Node's closeIdleConnections() does not count a connection that never sent a request as idle:
 * on shutdown those would hold the exit until the deadline.
 *
 * Draining (on SIGTERM): every answer from then on says `Connection: close`, so a keep-alive client
 * sends nothing more on that connection and Node closes it once the answer is out. An idle
 * keep-alive connection is not closed at once: a request the client sent just before the signal
 * may still be in the socket's buffer, and closing then would reset it (a create whose fate the
 * client cannot know). It gets DRAIN_GRACE_MS to arrive; what is still idle after that is closed.
 */
import type { Server, ServerResponse } from 'node:http';
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

/** How long an idle keep-alive connection may still deliver a request sent before the signal. */
export const DRAIN_GRACE_MS = 500;

export interface ConnectionControl {
  /** Ends every connection not serving a request. */
  closeIdle(): void;
  /** From now on, every answer (those in flight included) closes its connection. */
  drain(): void;
}

/** Applies the connection cap; closeIdle() and drain() serve the graceful shutdown. */
export function limitConnections(server: Server, config: LimitsConfig): ConnectionControl {
  server.maxConnections = config.SERVER_MAX_CONNECTIONS;
  const inFlight = new Map<Socket, number>();
  const answering = new Set<ServerResponse>();
  let draining = false;
  const closeAfter = (response: ServerResponse) => {
    // Before the headers go out, Node turns this into `Connection: close` and ends the socket after.
    if (!response.headersSent) response.setHeader('Connection', 'close');
  };
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
  // First among the request listeners: Hono may write a synchronous answer's headers in its own.
  server.prependListener('request', (request, response) => {
    const socket = request.socket;
    if (draining) closeAfter(response);
    answering.add(response);
    // From the first request on, Node's own header, request and keep-alive timeouts apply.
    clearTimeout(silent.get(socket));
    silent.delete(socket);
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once('close', () => {
      answering.delete(response);
      if (inFlight.has(socket)) inFlight.set(socket, Math.max(0, (inFlight.get(socket) ?? 1) - 1));
    });
  });
  return {
    closeIdle() {
      for (const [socket, requests] of inFlight) if (requests === 0) socket.destroy();
    },
    drain() {
      draining = true;
      for (const response of answering) closeAfter(response);
    },
  };
}
