/**
 * Input rules that keep what a client sends inside what PostgreSQL and the lab can hold:
 * no NUL character in text (PostgreSQL's text cannot store U+0000: it would be a 500), only
 * well-formed Unicode (a lone surrogate is stored as U+FFFD, so two different passwords would
 * become one, and a title would silently change), no title
 * made only of invisible characters, dates inside PostgreSQL's (and ISO 8601's four-digit) years,
 * and ids written as plain decimal, nothing JavaScript's Number() would kindly read ("1e3", "0x1").
 * Each refinement runs only when the field has no issue yet, so a 422 lists a field once.
 */
import { z } from '@hono/zod-openapi';

const cleanSoFar = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

/** The largest value of PostgreSQL's integer (int4), the type of every id column. */
export const MAX_ID = 2_147_483_647;

export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

export const UNICODE_MESSAGE = 'must be well-formed Unicode (a lone surrogate such as \\ud800 is not a character)';

/** Refuses lone surrogates: every string field a request carries goes through this. */
export function wellFormed<T extends z.ZodType<string, string>>(schema: T): T {
  return schema.refine((value) => value.isWellFormed(), { message: UNICODE_MESSAGE, ...cleanSoFar }) as T;
}

/** Refuses U+0000, which PostgreSQL text cannot hold, and text that is not well-formed Unicode. */
export function withoutNul<T extends z.ZodType<string, string>>(schema: T): T {
  return schema
    .refine((value) => value.isWellFormed(), { message: UNICODE_MESSAGE, ...cleanSoFar })
    .refine((value) => !value.includes('\u0000'), { message: NUL_MESSAGE, ...cleanSoFar }) as T;
}

// Format characters (zero-width space, joiners, BOM, word joiner), combining marks alone,
// controls, spaces, and the blank letters that render as nothing (Hangul fillers, braille blank).
const invisible = /[\p{Cf}\p{M}\p{Cc}\p{White_Space}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** True when the text shows at least one character. */
export const isVisible = (value: string) => value.replace(invisible, '') !== '';

/** Trimmed text of 1 to `max` characters, with something to see and no NUL. */
export function visibleText(max: number, tooLong = `must be at most ${max} characters`) {
  return withoutNul(z.string('must be a string').trim().min(1, 'must not be empty').max(max, tooLong)).refine(
    isVisible,
    { message: 'must not be empty (invisible characters alone do not count)', ...cleanSoFar },
  );
}

/**
 * PostgreSQL's timestamptz reaches far wider, but a year outside 1..9999 is neither a four-digit
 * ISO 8601 year nor something JSON round-trips: year 0 is refused by PostgreSQL, year 10000 by our own
 * serialisation ("+010000-..."). An offset can push a date over the edge: 9999-12-31T23:59:59-01:00 is 10000.
 */
export const EARLIEST_DATE = new Date('0001-01-01T00:00:00.000Z');
export const LATEST_DATE = new Date('9999-12-31T23:59:59.999Z');
export const DATE_RANGE_MESSAGE = `must be between ${EARLIEST_DATE.toISOString().replace('.000', '')} and ${LATEST_DATE.toISOString()} (in UTC)`;

export function dateTimeInRange(message: string) {
  return z.iso
    .datetime({ offset: true, message })
    .transform((value) => new Date(value))
    .refine((date) => date >= EARLIEST_DATE && date <= LATEST_DATE, { message: DATE_RANGE_MESSAGE, ...cleanSoFar });
}

/** A positive integer id, written in plain decimal without sign, leading zero or exponent. */
export function plainId(message = 'must be a positive integer') {
  return z.string(message).transform((value, ctx) => {
    if (!/^[1-9][0-9]*$/.test(value)) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    const id = Number(value);
    if (id > MAX_ID) {
      ctx.addIssue({ code: 'custom', message: `is too large (at most ${MAX_ID})` });
      return z.NEVER;
    }
    return id;
  });
}
