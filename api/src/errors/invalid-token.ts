/**
 * A 401 (invalid-token) with its RFC 6750 challenge. The realm says which token the endpoint wants
 * (a user's access token, the admin token, the metrics scrape token); `error` is set only when
 * the request carried a token, or the server cannot accept any (section 3: none when the
 * request simply had no credentials), and then error_description repeats the detail.
 */
import { ProblemError } from './problem.ts';

export function invalidToken(
  detail: string,
  challenge: { realm: string; error?: 'invalid_request' | 'invalid_token' },
): ProblemError {
  const header = challenge.error
    ? `Bearer realm="${challenge.realm}", error="${challenge.error}", error_description="${detail}"`
    : `Bearer realm="${challenge.realm}"`;
  return new ProblemError('invalid-token', { detail, headers: { 'WWW-Authenticate': header } });
}
