import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/auth/password.ts';

const cheap = { logN: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery', cheap);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  });

  it('salts every hash, and records its own cost', async () => {
    const a = await hashPassword('same password', cheap);
    const b = await hashPassword('same password', cheap);
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$10$8$1$')).toBe(true);
  });

  it('verifies with the cost stored in the hash, not the current one', async () => {
    const old = await hashPassword('long-lived', { logN: 11, r: 8, p: 2 });
    expect(await verifyPassword('long-lived', old)).toBe(true);
  });

  it('treats the OWASP production cost as usable (N=2^15, r=8, p=3)', async () => {
    const hash = await hashPassword('production cost', { logN: 15, r: 8, p: 3 });
    expect(await verifyPassword('production cost', hash)).toBe(true);
  });

  it.each(['', 'bcrypt$x', 'scrypt$a$b$c$d$e', 'scrypt$10$8$1$$'])(
    'never matches a malformed stored hash %j',
    async (stored) => {
      expect(await verifyPassword('anything', stored)).toBe(false);
    },
  );
});
