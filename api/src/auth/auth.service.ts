/**
 * Registration, login and the current user. Business decisions only: hashing lives
 * in password.ts, tokens in tokens.ts, SQL in users.repository.ts.
 */
import { isUniqueViolation } from '../db/errors.ts';
import type { UserRow } from '../db/schema.ts';
import { ProblemError } from '../errors/problem.ts';
import { hashPassword, type ScryptCost, verifyPassword } from './password.ts';
import type { AccessToken, TokenIssuer } from './tokens.ts';
import type { UsersRepository } from './users.repository.ts';

export interface PublicUser {
  id: number;
  email: string;
  name: string | null;
  isActive: boolean;
  createdAt: string;
}

export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    isActive: row.isActive,
    createdAt: row.createdAt.toISOString(),
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createAuthService(deps: { users: UsersRepository; tokens: TokenIssuer; scrypt: ScryptCost }) {
  const { users, tokens, scrypt } = deps;
  // Verifying against this when the email is unknown makes both failures take the same time,
  // so response timing does not reveal which emails are registered.
  const decoyHash = hashPassword('flowlab-decoy-password', scrypt);

  return {
    async register(input: { email: string; password: string; name?: string }): Promise<PublicUser> {
      const passwordHash = await hashPassword(input.password, scrypt);
      try {
        const row = await users.insert({ email: normalizeEmail(input.email), name: input.name ?? null, passwordHash });
        return toPublicUser(row);
      } catch (error) {
        if (isUniqueViolation(error, 'users_email_unique')) {
          throw new ProblemError('email-taken', { detail: 'An account with this email already exists.' });
        }
        throw error;
      }
    },

    async login(input: { email: string; password: string }): Promise<AccessToken> {
      const user = await users.findByEmail(normalizeEmail(input.email));
      const matches = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash));
      if (!user || !matches) throw new ProblemError('invalid-credentials');
      if (!user.isActive) throw new ProblemError('account-inactive', { detail: 'This account is deactivated.' });
      return tokens.issue(user.id);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
