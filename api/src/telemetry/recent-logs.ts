/**
 * The recent-logs store: a log record processor that keeps the last log lines in memory, beside
 * the recent-traces store, so that `npm start` alone shows a trace's log lines under the span that
 * wrote them, and a log search needs no log backend. Each line is the OpenTelemetry log record
 * that pino's line became (the pino instrumentation's log sending, instrumentation.ts): already
 * redacted, with the trace id and span id of the span that was active when it was written.
 *
 * Bounded two ways: at most `maxLines` lines and `maxBytes` bytes, the oldest line goes first.
 * Bytes are counted as V8 holds a line (see `heapBytes`; test/unit/recent-logs.test.ts weighs
 * the store on the heap and holds the count to within a margin of it).
 * Served by GET /debug/traces/:traceId (the lines under their spans) and GET /debug/logs.
 */
import type { Context } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { LogRecordProcessor, SdkLogRecord } from '@opentelemetry/sdk-logs';
import { telemetrySettings } from '../config.ts';

export interface StoredLog {
  /** Milliseconds since the epoch. */
  time: number;
  level: string;
  /** OpenTelemetry's severity number: 9 info, 13 warn, 17 error, 21 fatal. */
  severity: number;
  message: string;
  traceId?: string;
  spanId?: string;
  /** The line's own fields (route, status, requestId, err...), already redacted by pino. */
  fields: Record<string, unknown>;
}

export interface RecentLogsLimits {
  maxLines: number;
  maxBytes: number;
}

export interface LogSearch {
  /** The lowest severity number shown (info 9, warn 13, error 17). */
  minSeverity?: number;
  route?: string;
  status?: number;
  /** Found in the message or a field's value, case-insensitively. */
  text?: string;
  traceId?: string;
  fromMs?: number;
  toMs?: number;
  limit: number;
  /** Whether the viewer may read a trace's lines (undefined: a line outside any trace). */
  visible: (traceId: string | undefined) => boolean;
}

/** The V8 heap a value takes, roughly: strings at 1 byte a character plus their header (2 when not Latin-1). */
function heapBytes(value: unknown): number {
  if (typeof value === 'string') {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a two-byte string is one with a character past U+00FF.
    return 16 + (/[^\u0000-\u00ff]/.test(value) ? value.length * 2 : value.length);
  }
  if (value === null || typeof value !== 'object') return 8;
  // An object: its header and one slot per property, plus what the properties hold.
  let bytes = 32;
  for (const key in value as Record<string, unknown>) {
    bytes += 16 + heapBytes((value as Record<string, unknown>)[key]);
  }
  return bytes;
}

function toStored(record: SdkLogRecord): StoredLog {
  const context = record.spanContext;
  const body = record.body;
  return {
    time: Math.round(hrTimeToMilliseconds(record.hrTime)),
    level: record.severityText ?? 'info',
    severity: record.severityNumber ?? 9,
    message: typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body),
    ...(context && { traceId: context.traceId, spanId: context.spanId }),
    fields: { ...(record.attributes as Record<string, unknown>) },
  };
}

function matches(line: StoredLog, search: LogSearch): boolean {
  if (search.minSeverity !== undefined && line.severity < search.minSeverity) return false;
  if (search.traceId && line.traceId !== search.traceId) return false;
  if (search.route && line.fields.route !== search.route) return false;
  if (search.status !== undefined && line.fields.status !== search.status) return false;
  if (search.fromMs !== undefined && line.time < search.fromMs) return false;
  if (search.toMs !== undefined && line.time > search.toMs) return false;
  if (search.text) {
    const text = search.text.toLowerCase();
    const inFields = () => JSON.stringify(line.fields).toLowerCase().includes(text);
    if (!line.message.toLowerCase().includes(text) && !inFields()) return false;
  }
  return search.visible(line.traceId);
}

type KeptLog = StoredLog & { bytes: number };

export class RecentLogs implements LogRecordProcessor {
  /** Oldest first; `head` is the index of the oldest kept line (the array is compacted now and then). */
  private lines: KeptLog[] = [];
  private head = 0;
  private readonly byTrace = new Map<string, KeptLog[]>();
  private byteCount = 0;
  private limits: RecentLogsLimits;

  constructor(limits: RecentLogsLimits) {
    this.limits = limits;
  }

  /** Set by the instrumentation module from RECENT_LOGS_MAX and RECENT_LOGS_MAX_BYTES (config.ts). */
  configure(limits: RecentLogsLimits): void {
    this.limits = limits;
  }

  /** The logs SDK asks each processor before it makes a record (LogRecordProcessor.enabled). */
  enabled(): boolean {
    return this.limits.maxLines > 0;
  }

  /** What the store holds now: lines and counted bytes (the bench reports them). */
  get size(): { lines: number; bytes: number } {
    return { lines: this.lines.length - this.head, bytes: this.byteCount };
  }

  onEmit(record: SdkLogRecord, _context?: Context): void {
    if (!this.enabled()) return;
    const line = toStored(record);
    // The line, its fields and the per-trace list's slot for it.
    const kept: KeptLog = { ...line, bytes: heapBytes(line) + 16 };
    this.lines.push(kept);
    this.byteCount += kept.bytes;
    if (line.traceId) {
      const list = this.byTrace.get(line.traceId);
      if (list) list.push(kept);
      else this.byTrace.set(line.traceId, [kept]);
    }
    while (this.lines.length - this.head > this.limits.maxLines || this.byteCount > this.limits.maxBytes) {
      this.evictOldest();
    }
  }

  private evictOldest(): void {
    const oldest = this.lines[this.head];
    if (!oldest) return;
    this.lines[this.head] = undefined as never;
    this.head += 1;
    this.byteCount -= oldest.bytes;
    if (oldest.traceId) {
      // A trace's lines arrive in order, so its oldest line is the first of its list.
      const list = this.byTrace.get(oldest.traceId);
      list?.shift();
      if (list && list.length === 0) this.byTrace.delete(oldest.traceId);
    }
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  /** One trace's lines, oldest first (empty when none is kept). */
  ofTrace(traceId: string): StoredLog[] {
    return (this.byTrace.get(traceId) ?? []).map(({ bytes: _bytes, ...line }) => line);
  }

  /** Newest first, the lines that match and that the viewer may read. */
  search(search: LogSearch): StoredLog[] {
    const found: StoredLog[] = [];
    for (let i = this.lines.length - 1; i >= this.head && found.length < search.limit; i -= 1) {
      const line = this.lines[i];
      if (!line || !matches(line, search)) continue;
      const { bytes: _bytes, ...kept } = line;
      found.push(kept);
    }
    return found;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The process-wide store: the instrumentation module adds it to the logger provider, the app
 * serves it. The lab's defaults until the instrumentation module configures it.
 */
export const recentLogs = new RecentLogs(telemetrySettings({}).recentLogs);
