/**
 * Access tokens: JWT signed with HS256 through hono/jwt.
 * The algorithm is pinned on verification (alg=none and every other algorithm are
 * refused), and exp, iss and aud are required and checked.
 */
import { sign, verify } from 'hono/jwt';
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

export function createTokenIssuer(settings: TokenSettings) {
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

    /** Returns the user id the token was issued to, or throws InvalidTokenError. */
    async verify(token: string): Promise<number> {
      let payload: Record<string, unknown>;
      try {
        payload = await verify(token, settings.secret, {
          alg: 'HS256',
          iss: settings.issuer,
          aud: settings.audience,
        });
      } catch (error) {
        const expired = error instanceof Error && error.name === 'JwtTokenExpired';
        throw new InvalidTokenError(expired ? 'The access token expired' : 'The access token is invalid', {
          cause: error,
        });
      }
      // hono/jwt checks exp only when present; an access token without one is refused here.
      if (typeof payload.exp !== 'number') throw new InvalidTokenError('The access token has no expiry');
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
