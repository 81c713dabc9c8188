import { describe, expect, it } from 'vitest';
import { ApiError, errorFromResponse, parseRetryAfter, userMessage } from '../../src/api/errors.ts';

const headers = (values: Record<string, string> = {}) => ({
  get: (name: string) => values[name] ?? values[name.toLowerCase()] ?? null,
});
const problem = (slug: string, status: number, extra: Record<string, unknown> = {}) => ({
  type: `/problems/${slug}`,
  title: slug,
  status,
  detail: `detail of ${slug}`,
  instance: '/todos',
  requestId: 'req-1',
  ...extra,
});

describe('errorFromResponse: each problem type to its kind and message', () => {
  it('422: each field message is kept under its path', () => {
    const error = errorFromResponse(
      422,
      problem('validation-failed', 422, { errors: [{ path: 'title', message: 'must not be empty' }] }),
      headers(),
    );
    expect(error.kind).toBe('validation');
    expect(error.fieldErrors).toEqual({ title: 'must not be empty' });
    expect(userMessage(error)).toBe('Please correct the fields marked below.');
  });

  it('409: the title exists (or the category name, or the email)', () => {
    expect(userMessage(errorFromResponse(409, problem('duplicate-title', 409), headers()))).toBe(
      'You already have a todo with this title.',
    );
    expect(userMessage(errorFromResponse(409, problem('duplicate-category', 409), headers()), 'category')).toMatch(
      /category with this name/,
    );
    expect(userMessage(errorFromResponse(409, problem('email-taken', 409), headers()), 'account')).toMatch(/email/);
  });

  it('429: Retry-After in seconds becomes the countdown', () => {
    const error = errorFromResponse(429, problem('rate-limited', 429), headers({ 'Retry-After': '42' }));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBe(42);
    expect(userMessage(error)).toBe('Too many requests: try again in 42 s.');
  });

  it('401: invalid credentials on login differ from an ended session', () => {
    expect(errorFromResponse(401, problem('invalid-credentials', 401), headers()).kind).toBe('bad-credentials');
    const ended = errorFromResponse(401, problem('invalid-token', 401), headers());
    expect(ended.kind).toBe('unauthorized');
    expect(userMessage(ended)).toMatch(/Log in again/);
  });

  it('403: the account is deactivated', () => {
    expect(userMessage(errorFromResponse(403, problem('account-inactive', 403), headers()))).toBe(
      'This account is deactivated.',
    );
  });

  it('404: the thing is gone', () => {
    expect(userMessage(errorFromResponse(404, problem('not-found', 404), headers()))).toBe(
      'That todo no longer exists.',
    );
  });

  it('503 from Neo4j: the graph note, not a failure', () => {
    const error = errorFromResponse(503, problem('dependency-unavailable', 503, { dependency: 'neo4j' }), headers());
    expect(error.kind).toBe('graph-unavailable');
  });

  it('5xx: the requestId to quote, from the body or else the header', () => {
    expect(userMessage(errorFromResponse(500, problem('internal-error', 500), headers()))).toContain('req-1');
    const bare = errorFromResponse(502, '<html>bad gateway</html>', headers({ 'X-Request-ID': 'req-header' }));
    expect(bare.kind).toBe('server');
    expect(userMessage(bare)).toContain('req-header');
  });

  it('413 and 415 are refusals with the API detail', () => {
    const error = errorFromResponse(413, problem('payload-too-large', 413), headers());
    expect(error.kind).toBe('refused');
    expect(userMessage(error)).toBe('detail of payload-too-large');
  });

  it('network and invalid-response errors say what happened', () => {
    expect(userMessage(new ApiError('network', 'x'))).toMatch(/cannot be reached.*nothing was retried/);
    expect(userMessage(new ApiError('invalid-response', 'x', { requestId: 'r9' }))).toMatch(/does not understand.*r9/);
    expect(userMessage(new Error('boom'))).toMatch(/Reload/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, an HTTP date, and falls back to a minute', () => {
    expect(parseRetryAfter('5')).toBe(5);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter(null)).toBe(60);
    expect(parseRetryAfter('soon')).toBe(60);
  });
});
