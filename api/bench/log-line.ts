/**
 * `node bench/log-line.ts | cat > /dev/null`: what one request's log line costs the event loop,
 * stdout a pipe, for the choices telemetry/logger.ts made: a synchronous or an asynchronous
 * destination, lines buffered to 4 KiB or not, the redaction pass or not (requestLineLogger);
 * and what sending each line as an OpenTelemetry log record adds (the pino instrumentation, into
 * the recent-logs store): the request line with the SDK loaded (--import the instrumentation
 * module), log sending on, then off (OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino).
 * Figures go to stderr; each variant runs in a fresh process, twice, and the faster run counts.
 */
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { createLogger, requestLineLogger } from '../src/telemetry/logger.ts';

const variants = [
  'sync',
  'async',
  'buffered',
  'async, no redaction',
  'request line, SDK, not sent',
  'request line, SDK, sent',
] as const;
const instrumentation = new URL('../src/telemetry/instrumentation.ts', import.meta.url).pathname;
type Variant = (typeof variants)[number];

const variant = process.argv[2] as Variant | undefined;
if (!variant) {
  for (const name of variants) {
    const runs = [0, 1].map(() => {
      const withSdk = name.includes('SDK');
      const run = spawnSync(
        process.execPath,
        [...(withSdk ? ['--import', instrumentation] : []), new URL(import.meta.url).pathname, name],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          maxBuffer: 1024 ** 3,
          env: {
            ...process.env,
            ...(name.endsWith('not sent') && { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino' }),
          },
        },
      );
      return Number(/([\d.]+) µs/.exec(run.stderr.toString())?.[1]);
    });
    console.error(
      `  ${name.padEnd(28)} ${Math.min(...runs)
        .toFixed(1)
        .padStart(6)} µs a line`,
    );
  }
} else {
  const destination =
    variant === 'sync'
      ? pino.destination({ dest: 1, sync: true })
      : pino.destination({ dest: 1, sync: false, minLength: variant === 'buffered' ? 4096 : 0 });
  const base = createLogger({ level: 'info' }, destination);
  const logger =
    variant === 'async, no redaction' || variant.startsWith('request line') ? requestLineLogger(base) : base;
  const line = { requestId: crypto.randomUUID(), method: 'GET', route: '/todos', path: '/todos', status: 200 };
  const lines = 50_000;
  for (let round = 0; round < 2; round++) {
    let blocked = 0;
    for (let i = 0; i < lines; i++) {
      const started = performance.now();
      logger.info({ ...line, durationMs: i / 100, userId: 1 }, 'request');
      blocked += performance.now() - started;
      // A server yields between requests: that is when asynchronous writes go out.
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (round === 1) process.stderr.write(`${((blocked * 1000) / lines).toFixed(2)} µs\n`);
  }
  logger.flush();
}
