/**
 * SIGTERM with clients on keep-alive connections: every request sent before the signal is
 * answered (a reset there is a create the client cannot know the fate of), and the answers given
 * while draining say `Connection: close`, so the clients open no further request on them.
 * Measured as the issue found it: 20 keep-alive clients sending creates back to back.
 */
import { execFileSync } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { serverOnPostgres } from '../helpers/server-on-postgres.ts';

interface Outcome {
  sentAt: number;
  status?: number;
  connection?: string;
  error?: string;
}

function send(agent: Agent, port: number, token: string, title: string): Promise<Outcome> {
  const body = JSON.stringify({ title });
  const sentAt = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/todos',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ sentAt, status: res.statusCode, connection: String(res.headers.connection ?? 'keep-alive') }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ sentAt, error: error.code ?? error.message }));
    req.end(body);
  });
}

describe('shutdown with keep-alive clients', () => {
  const server = serverOnPostgres({ TODO_CREATE_LIMIT: '100000', SHUTDOWN_TIMEOUT_MS: '8000' });

  it('answers every request sent before SIGTERM, closing the connections with Connection: close', async () => {
    const json = { 'Content-Type': 'application/json' };
    const credentials = JSON.stringify({ email: 'drain@example.com', password: 'keep alive please' });
    await fetch(`${server().base}/auth/register`, { method: 'POST', headers: json, body: credentials });
    const login = await fetch(`${server().base}/auth/login`, { method: 'POST', headers: json, body: credentials });
    const { accessToken } = (await login.json()) as { accessToken: string };

    let signalledAt = Number.POSITIVE_INFINITY;
    const outcomes: Outcome[] = [];
    const client = async (n: number) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; ; i++) {
        const outcome = await send(agent, server().port, accessToken, `client ${n} todo ${i}`);
        outcomes.push(outcome);
        if (outcome.error || outcome.connection === 'close') break;
      }
      agent.destroy();
    };
    const clients = Array.from({ length: 20 }, (_, n) => client(n));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // To node itself, not through npm: the signal lands while requests are on the wire.
    const node = Number(
      execFileSync('pgrep', ['-P', String(server().child.pid)])
        .toString()
        .trim(),
    );
    signalledAt = performance.now();
    process.kill(node, 'SIGTERM');
    await Promise.all(clients);

    const before = outcomes.filter((o) => o.sentAt < signalledAt);
    const resets = before.filter((o) => o.error);
    console.info(
      `${before.length} requests sent before SIGTERM, ${resets.length} reset (${[...new Set(resets.map((o) => o.error))].join(', ')}); ` +
        `${outcomes.length - before.length} sent after, ${outcomes.filter((o) => o.error).length - resets.length} of them reset`,
    );
    expect(before.length).toBeGreaterThan(20);
    expect(resets).toEqual([]);
    expect(before.filter((o) => o.status !== 201)).toEqual([]);
    // Each client's last answer told it to close the connection.
    expect(outcomes.filter((o) => o.connection === 'close').length).toBeGreaterThanOrEqual(1);
    expect((await server().exited).code).toBe(0);
  }, 60_000);
});
