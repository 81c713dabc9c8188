/**
 * Synchronous HTTP for the shim, as k6 has it: a worker thread runs fetch() while the calling thread
 * blocks on Atomics.wait, then takes the answer from the message port without returning to its event loop.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

export interface SyncRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
}

export interface SyncResponse {
  status: number;
  headers: [string, string][];
  body: string;
  waitingMs: number;
  durationMs: number;
  error?: string;
}

const workerSource = `
const { workerData } = require('node:worker_threads');
const { port, signal } = workerData;
const flag = new Int32Array(signal);
port.on('message', async (request) => {
  const started = performance.now();
  let answer;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? undefined,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const waitingMs = performance.now() - started;
    const body = await response.text();
    answer = { status: response.status, headers: [...response.headers], body, waitingMs, durationMs: performance.now() - started };
  } catch (error) {
    const reason = (error && error.cause && error.cause.message) || (error && error.message) || String(error);
    answer = { status: 0, headers: [], body: '', waitingMs: 0, durationMs: performance.now() - started, error: reason };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let channel: MessageChannel | undefined;
let flag: Int32Array | undefined;

function connection(): { channel: MessageChannel; flag: Int32Array } {
  if (!channel || !flag) {
    channel = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    flag = new Int32Array(signal);
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { port: channel.port2, signal },
      transferList: [channel.port2],
    });
    // The worker never keeps the test process alive.
    worker.unref();
  }
  return { channel, flag };
}

export function syncFetch(request: SyncRequest): SyncResponse {
  const { channel, flag } = connection();
  Atomics.store(flag, 0, 0);
  channel.port1.postMessage(request);
  if (Atomics.wait(flag, 0, 0, request.timeoutMs + 5000) === 'timed-out') {
    throw new Error(`the shim's HTTP worker did not answer ${request.method} ${request.url}`);
  }
  const message = receiveMessageOnPort(channel.port1);
  if (!message) throw new Error(`no answer on the shim's port for ${request.method} ${request.url}`);
  return message.message as SyncResponse;
}

/** k6's sleep blocks the VU; so does this one. */
export function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
