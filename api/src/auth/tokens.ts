/**
 * Access tokens: JWT signed with HS256.
 *
 * Issuing (once per login) goes through hono/jwt. Verifying runs on every request, so it uses
 * node:crypto's HMAC with a key object made once: hono/jwt's verify, and jose's, go through
 * WebCrypto, which imports the key again on every call (several times slower: bench/README.md,
 * "Token checks"). Every check stays: the algorithm is pinned (alg=none and
 * every other algorithm are refused before the signature is looked at), the signature is
 * compared in constant time, and exp, iss and aud are required and checked.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { sign } from 'hono/jwt';
import { MAX_ID } from '../http/strict-input.ts';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export class InvalidTokenError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'InvalidTokenError';
  }
}

const invalid = (why: string) => new InvalidTokenError('The access token is invalid', { cause: new Error(why) });

/** A base64url JSON object, or undefined: arrays, strings and bad JSON are not a JOSE header or claims set. */
function decodeObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of a correctly signed HS256 token, checked for time, issuer and audience. */
export function verifyHs256(
  token: string,
  key: KeyObject,
  expected: { issuer: string; audience: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('not three parts');
  const [encodedHeader = '', encodedPayload = '', signature = ''] = parts;
  const header = decodeObject(encodedHeader);
  // The algorithm is the server's choice, never the token's: anything but HS256 is refused.
  if (header?.alg !== 'HS256') throw invalid('alg is not HS256');
  // RFC 7515 4.1.11: an extension the verifier does not understand must be refused.
  if (header.crit !== undefined) throw invalid('crit header');
  // Compared as base64url text: Buffer's lenient decoding would accept other spellings of one signature.
  const computed = Buffer.from(
    createHmac('sha256', key).update(`${encodedHeader}.${encodedPayload}`).digest('base64url'),
  );
  const given = Buffer.from(signature);
  if (given.length !== computed.length || !timingSafeEqual(given, computed)) throw invalid('bad signature');

  const claims = decodeObject(encodedPayload);
  if (!claims) throw invalid('claims are not a JSON object');
  if (typeof claims.exp !== 'number') throw new InvalidTokenError('The access token has no expiry');
  if (claims.exp <= nowSeconds) throw new InvalidTokenError('The access token expired');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds))
    throw invalid('not yet valid');
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > nowSeconds))
    throw invalid('issued in the future');
  if (claims.iss !== expected.issuer) throw invalid('wrong issuer');
  const audience = claims.aud;
  if (audience !== expected.audience && !(Array.isArray(audience) && audience.includes(expected.audience)))
    throw invalid('wrong audience');
  return claims;
}

export function createTokenIssuer(settings: TokenSettings) {
  // Made once: the per-request cost is the HMAC itself.
  const key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
  const expected = { issuer: settings.issuer, audience: settings.audience };
  return {
    async issue(userId: number, now = new Date()): Promise<AccessToken> {
      const iat = Math.floor(now.getTime() / 1000);
      const accessToken = await sign(
        { sub: String(userId), iss: settings.issuer, aud: settings.audience, iat, exp: iat + settings.ttlSeconds },
        settings.secret,
        'HS256',
      );
      return { accessToken, tokenType: 'Bearer', expiresIn: settings.ttlSeconds };
    },

    /** Returns the user id the token was issued to, or throws InvalidTokenError. Synchronous work, no I/O. */
    async verify(token: string): Promise<number> {
      const payload = verifyHs256(token, key, expected);
      // Plain decimal within PostgreSQL's integer only: Number() would read "0x1", "1e0" and " 1" as 1,
      // and an id beyond int4 would reach the database as an out-of-range error (a 500).
      const sub = payload.sub;
      if (typeof sub !== 'string' || !/^[1-9][0-9]{0,9}$/.test(sub) || Number(sub) > MAX_ID)
        throw new InvalidTokenError('The access token has no valid subject');
      return Number(sub);
    },
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
