/**
 * The HS256 verifier on its own: the edge cases an HTTP test does not reach. Tokens are made
 * with hono/jwt (what the API issues with) or signed by hand with node:crypto.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { createTokenIssuer, InvalidTokenError, verifyHs256 } from '../../src/auth/tokens.ts';

const secret = 'unit-test-secret-0123456789abcdef-0123456789';
const key = createSecretKey(Buffer.from(secret));
const expected = { issuer: 'flowlab', audience: 'flowlab-api' };
const now = 1_800_000_000;
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (overrides: object = {}) => ({
  sub: '7',
  iss: 'flowlab',
  aud: 'flowlab-api',
  iat: now - 10,
  exp: now + 600,
  ...overrides,
});
function handSigned(header: object, payload: object) {
  const unsigned = `${b64url(header)}.${b64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
const refused = (token: string) => () => verifyHs256(token, key, expected, now);

describe('verifyHs256', () => {
  it('accepts what hono/jwt signs, and returns its claims', async () => {
    const token = await sign(claims(), secret, 'HS256');
    expect(verifyHs256(token, key, expected, now)).toMatchObject({ sub: '7', exp: now + 600 });
  });

  it('accepts an audience list that names this API', () => {
    const token = handSigned({ alg: 'HS256' }, claims({ aud: ['other', 'flowlab-api'] }));
    expect(verifyHs256(token, key, expected, now).sub).toBe('7');
  });

  it.each([
    ['an audience list without this API', claims({ aud: ['other'] })],
    ['a token not yet valid (nbf)', claims({ nbf: now + 60 })],
    ['a token issued in the future', claims({ iat: now + 60 })],
    ['an expiry that is not a number', claims({ exp: String(now + 600) })],
    ['no issuer', claims({ iss: undefined })],
  ])('refuses %s', (_name, payload) => {
    expect(refused(handSigned({ alg: 'HS256', typ: 'JWT' }, payload))).toThrow(InvalidTokenError);
  });

  it('says "expired" for an expiry at or before now, and "no expiry" without one', () => {
    expect(refused(handSigned({ alg: 'HS256' }, claims({ exp: now })))).toThrow('The access token expired');
    expect(refused(handSigned({ alg: 'HS256' }, claims({ exp: undefined })))).toThrow('The access token has no expiry');
  });

  it('refuses a header with crit, an array header, and claims that are not an object', () => {
    expect(refused(handSigned({ alg: 'HS256', crit: ['exp'] }, claims()))).toThrow(InvalidTokenError);
    const arrayHeader = `${Buffer.from('["HS256"]').toString('base64url')}.${b64url(claims())}`;
    expect(refused(`${arrayHeader}.${createHmac('sha256', secret).update(arrayHeader).digest('base64url')}`)).toThrow(
      InvalidTokenError,
    );
    const arrayClaims = `${b64url({ alg: 'HS256' })}.${Buffer.from('[1]').toString('base64url')}`;
    expect(refused(`${arrayClaims}.${createHmac('sha256', secret).update(arrayClaims).digest('base64url')}`)).toThrow(
      InvalidTokenError,
    );
  });

  it('refuses another spelling of a valid signature, an empty one, and extra parts', async () => {
    const token = await sign(claims(), secret, 'HS256');
    // Buffer's base64url decoding would read these as the same bytes: the text must match exactly.
    expect(refused(`${token}=`)).toThrow(InvalidTokenError);
    expect(refused(`${token}!`)).toThrow(InvalidTokenError);
    expect(refused(`${token.slice(0, token.lastIndexOf('.'))}.`)).toThrow(InvalidTokenError);
    expect(refused(`${token}.extra`)).toThrow(InvalidTokenError);
  });

  it('refuses alg=none and HS256-signed tokens that claim another algorithm', () => {
    const unsigned = `${b64url({ alg: 'none' })}.${b64url(claims())}.`;
    expect(refused(unsigned)).toThrow(InvalidTokenError);
    expect(refused(handSigned({ alg: 'HS512' }, claims()))).toThrow(InvalidTokenError);
    expect(refused(handSigned({ alg: 'hs256' }, claims()))).toThrow(InvalidTokenError);
  });
});

describe('createTokenIssuer', () => {
  const tokens = createTokenIssuer({ secret, ...expected, ttlSeconds: 60 });

  it('verifies the tokens it issues to the user id', async () => {
    const { accessToken } = await tokens.issue(42);
    expect(await tokens.verify(accessToken)).toBe(42);
  });

  it('refuses a token it issued once it expired', async () => {
    const { accessToken } = await tokens.issue(42, new Date(Date.now() - 61_000));
    await expect(tokens.verify(accessToken)).rejects.toThrow('The access token expired');
  });
});
