/**
 * The smoke test: the real `npm start`, on PGlite, on a free port, driven over real HTTP,
 * then stopped with SIGTERM while a request is still in flight.
 */
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDescendant, memoryOf } from '../../bench/lib/process-tree.ts';
import { type StartedServer, startServer } from '../helpers/start-server.ts';

describe('npm start (the embedded default)', () => {
  let server: StartedServer;
  let base: string;
  let port: number;

  beforeAll(async () => {
    server = await startServer();
    ({ base, port } = server);
  }, 60_000);

  afterAll(async () => server?.stop());

  it('prints the URLs it serves', () => {
    expect(server.output()).toContain(`http://localhost:${port}/reference`);
    expect(server.output()).toContain(`http://localhost:${port}/openapi.json`);
    expect(server.output()).toContain('pglite');
  });

  // The same port on another interface of this machine must not answer; a machine with loopback
  // only has nothing else to try, and says so as a skip rather than a pass.
  const otherAddress = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  const onlyLoopback = otherAddress ? '' : ' (skipped: this machine has no interface but loopback)';
  it.skipIf(!otherAddress)(`listens on 127.0.0.1 only, by default${onlyLoopback}`, async () => {
    const other = otherAddress as string;
    const reached = await fetch(`http://${other}:${port}/healthz`).then(
      () => true,
      () => false,
    );
    expect(reached).toBe(false);
  });

  it('generates an admin token in development, prints it on stderr only, and turns lab mode on', async () => {
    const token = /Admin token\s+(\S+)/.exec(server.output())?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(server.stdout()).not.toContain(token);
    const faults = await fetch(`${base}/lab/faults`, { headers: { Authorization: `Bearer ${token}` } });
    expect(faults.status).toBe(200);
    // The JSON logs warn that the fault switches are reachable.
    const warning = server
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string })
      .find((line) => /lab mode on/.test(line.msg));
    expect(warning?.level).toBe('warn');
  });

  it('runs register, login, create, list, complete and delete over HTTP', async () => {
    const json = { 'Content-Type': 'application/json' };
    const credentials = { email: 'smoke@example.com', password: 'smoke test password' };
    const registered = await fetch(`${base}/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(credentials),
    });
    expect(registered.status).toBe(201);
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(credentials),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const auth = { ...json, Authorization: `Bearer ${accessToken}` };

    const created = await fetch(`${base}/todos`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'Smoke' }),
    });
    expect(created.status).toBe(201);
    const todo = (await created.json()) as { id: number };
    const list = (await (await fetch(`${base}/todos`, { headers: auth })).json()) as { items: { id: number }[] };
    expect(list.items.map((t) => t.id)).toEqual([todo.id]);
    const completed = await fetch(`${base}/todos/${todo.id}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ completed: true }),
    });
    expect(((await completed.json()) as { completed: boolean }).completed).toBe(true);
    expect((await fetch(`${base}/todos/${todo.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await fetch(`${base}/todos/${todo.id}`, { headers: auth })).status).toBe(404);
  });

  // Issue 25's bound on the embedded default. Without `npm start`'s --liftoff-only, V8's optimizing
  // compiler took about 600 MiB for one of PGlite's WebAssembly functions, in the background soon
  // after start-up, and the process peaked near 900 MiB (api/bench/README.md, "Lean (issue 25)").
  it.skipIf(process.platform !== 'linux')('peaks at 500 MiB of resident memory at most (VmHWM)', async () => {
    const pid = await findDescendant(server.child.pid as number, 'src/server.ts');
    // The WebAssembly compilation that made the peak ran in the background after the first queries.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { rssMiB, peakMiB } = await memoryOf(pid);
    console.info(`npm start (PGlite): RSS ${rssMiB.toFixed(0)} MiB, peak ${peakMiB.toFixed(0)} MiB`);
    expect(peakMiB).toBeLessThanOrEqual(500);
  });

  it('finishes an in-flight request after SIGTERM, then exits 0 within 10 s', async () => {
    // Half a request: the headers and part of the body are on the wire when the signal arrives.
    const body = JSON.stringify({ email: 'late@example.com', password: 'arrived before the signal' });
    let resolveResponse: (value: { status: number; body: string }) => void = () => {};
    const response = new Promise<{ status: number; body: string }>((resolve) => (resolveResponse = resolve));
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/auth/register',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: text }));
      },
    );
    // Once answered, the server closes the connection as it shuts down; a reset after the
    // response is expected and must not surface as an unhandled error.
    const socketErrors: Error[] = [];
    req.on('error', (error) => socketErrors.push(error));
    req.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    req.end(body.slice(10));

    const answered = await Promise.race([
      response,
      new Promise<never>((_, reject) =>
        req.once('error', (error) => reject(new Error(`no response: ${error.message}`))),
      ),
    ]);
    expect(answered.status).toBe(201);
    expect(JSON.parse(answered.body)).toMatchObject({ email: 'late@example.com' });

    const { code } = await server.exited;
    expect(code).toBe(0);
    const stoppedInMs = Date.now() - signalledAt;
    expect(stoppedInMs).toBeLessThan(10_000);
    console.info(`npm start stopped ${stoppedInMs} ms after SIGTERM`);
    expect(server.output()).toContain('"msg":"stopped"');
    // And it no longer accepts connections.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 20_000);
});
