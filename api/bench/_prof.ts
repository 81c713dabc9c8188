import autocannon from 'autocannon';
import { startServer } from '../test/helpers/start-server.ts';

const on = process.env.PROF_ON !== '0';
const server = await startServer({
  DATABASE_URL: 'postgres://flowlab:flowlab@127.0.0.1:5432/flowlab',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: `prof:${Date.now()}:`,
  TODO_CREATE_LIMIT: '100000000',
  LOG_LEVEL: 'warn',
  NODE_OPTIONS: '--cpu-prof --cpu-prof-dir=/tmp/prof',
  ...(on ? {} : { OTEL_SDK_DISABLED: 'true' }),
});
const json = { 'Content-Type': 'application/json' };
const email = `prof${Date.now()}@example.com`;
const credentials = JSON.stringify({ email, password: 'measure twice' });
await fetch(`${server.base}/auth/register`, { method: 'POST', headers: json, body: credentials });
const login = await fetch(`${server.base}/auth/login`, { method: 'POST', headers: json, body: credentials });
const { accessToken } = (await login.json()) as { accessToken: string };
const headers = { ...json, Authorization: `Bearer ${accessToken}` };
for (let i = 0; i < 20; i++)
  await fetch(`${server.base}/todos`, { method: 'POST', headers, body: JSON.stringify({ title: `seed ${i}` }) });
await autocannon({ url: `${server.base}/todos`, headers, duration: 2, connections: 10 });
const r = await autocannon({
  url: `${server.base}/todos`,
  headers,
  duration: Number(process.env.S ?? 10),
  connections: 10,
});
console.log('rps', r.requests.average);
await server.stop();
