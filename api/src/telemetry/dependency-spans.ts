/**
 * Turns the CLIENT spans of PostgreSQL, Neo4j and Redis calls into dependency metrics:
 * one place measures every call, whichever library (or our own Neo4j client) made the span.
 * Operations are reduced to a bounded set of names, so metric labels stay bounded.
 */
import { SpanKind } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_STATEMENT_OLD,
  ATTR_DB_SYSTEM_NAME,
  ATTR_DB_SYSTEM_OLD,
} from './attributes.ts';

export interface DependencyCall {
  system: 'postgresql' | 'neo4j' | 'redis';
  operation: string;
  seconds: number;
}

const SQL_OPERATIONS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'WITH',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'CREATE',
  'ALTER',
]);

const FIRST_WORD = /^\s*(\S{1,40})/;

function operationOf(system: DependencyCall['system'], span: ReadableSpan): string {
  const named = span.attributes[ATTR_DB_OPERATION_NAME];
  if (typeof named === 'string' && named.length <= 40) return system === 'redis' ? named.toLowerCase() : named;
  const text = span.attributes[ATTR_DB_QUERY_TEXT] ?? span.attributes[ATTR_DB_STATEMENT_OLD];
  // The first word only: an anchored match reads a few characters, not the whole statement.
  const first = typeof text === 'string' ? (FIRST_WORD.exec(text)?.[1] ?? '') : '';
  if (system === 'postgresql') {
    const verb = first.toUpperCase();
    return SQL_OPERATIONS.has(verb) ? verb : 'other';
  }
  if (system === 'redis') return /^[a-z]{2,20}$/i.test(first) ? first.toLowerCase() : 'other';
  return 'other';
}

export class DependencySpans implements SpanProcessor {
  private readonly listeners = new Set<(call: DependencyCall) => void>();

  /** Returns a function that stops listening. */
  listen(listener: (call: DependencyCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    if (span.kind !== SpanKind.CLIENT || this.listeners.size === 0) return;
    const system = span.attributes[ATTR_DB_SYSTEM_NAME] ?? span.attributes[ATTR_DB_SYSTEM_OLD];
    if (system !== 'postgresql' && system !== 'neo4j' && system !== 'redis') return;
    const call = {
      system,
      operation: operationOf(system, span),
      seconds: hrTimeToMilliseconds(span.duration) / 1000,
    } as const;
    for (const listener of this.listeners) listener(call);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export const dependencySpans = new DependencySpans();
