import { z } from '@hono/zod-openapi';
import { trimmedText } from '../http/openapi.ts';
import { visibleText, wellFormed, withoutNul } from '../http/strict-input.ts';

const email = withoutNul(z.string().trim().max(254, 'must be at most 254 characters'))
  .pipe(z.email('must be a valid email address'))
  // The document states the very pattern the check uses (zod's), so clients can check first. Not
  // `format: email`: that format means RFC 5321 (a local part of at most 64 characters, quoted
  // strings...), which is not the rule this API applies.
  .openapi({
    pattern: z.regexes.email.source,
    description: 'An email address, as the pattern says; surrounding whitespace is trimmed first',
    example: 'ada@example.com',
  });
// Bounded so that hashing cost per request is bounded too.
const password = wellFormed(
  z.string().min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters'),
);

export const RegisterSchema = z
  .strictObject({
    email,
    password: password.openapi({ example: 'correct horse battery' }),
    name: trimmedText(100, visibleText(100)).openapi({ example: 'Ada' }).optional(),
  })
  .openapi('RegisterRequest');

export const LoginSchema = z
  .strictObject({
    email,
    // On login any length is "wrong", not "invalid": only the bounds that protect the server apply.
    password: wellFormed(z.string().min(1, 'is required').max(128, 'must be at most 128 characters')).openapi({
      example: 'correct horse battery',
    }),
  })
  .openapi('LoginRequest');

export const UserSchema = z
  .object({
    id: z.number().int().openapi({ example: 1 }),
    email: z.string().openapi({ example: 'ada@example.com' }),
    name: z.string().nullable().openapi({ example: 'Ada' }),
    isActive: z.boolean(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('User');

export const AccessTokenSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the token expires', example: 3600 }),
  })
  .openapi('AccessToken');
