/**
 * The todo business rules that need no I/O, kept pure so they are unit-tested alone.
 * (The rules that need the database, duplicate titles and the rate limit, are enforced by
 * a unique index and by the rate limiter, ratelimit/; see todos.service.ts.)
 */

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 2000;
export const MAX_CATEGORIES_PER_TODO = 20;

/** Completing sets completedAt (keeping the first completion time); reopening clears it. */
export function applyCompletion(
  current: { completed: boolean; completedAt: Date | null },
  requested: boolean | undefined,
  now: Date,
): { completed: boolean; completedAt: Date | null } {
  if (requested === undefined || requested === current.completed) {
    return { completed: current.completed, completedAt: current.completedAt };
  }
  return requested ? { completed: true, completedAt: now } : { completed: false, completedAt: null };
}

/** What an update means for the graph and the metrics: the most telling of the changes. */
export function changeKind(before: { completed: boolean }, after: { completed: boolean }) {
  if (!before.completed && after.completed) return 'todo.completed' as const;
  if (before.completed && !after.completed) return 'todo.reopened' as const;
  return 'todo.updated' as const;
}

/**
 * The list cursor: opaque to clients, it carries the id of the last todo of the page (the list
 * is ordered by id, newest first, so it is stable under inserts). It is that id as 4 bytes,
 * big-endian, in base64url: always 6 characters. CURSOR_PATTERN matches exactly the encodings
 * of 0 to 2^31 - 1 (the first character holds the sign bit, the last only 2 bits), so every
 * string the OpenAPI document allows is a cursor this API can read: 0 simply means "nothing older".
 */
export const CURSOR_PATTERN = /^[A-Za-f][A-Za-z0-9_-]{4}[AQgw]$/;

export function encodeCursor(lastId: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(lastId);
  return bytes.toString('base64url');
}

/** Returns the id inside a cursor, or undefined when the cursor is not one encodeCursor makes. */
export function decodeCursor(cursor: string): number | undefined {
  // Node's base64url decoder skips characters it does not know, so the shape is checked first.
  if (!CURSOR_PATTERN.test(cursor)) return undefined;
  return Buffer.from(cursor, 'base64url').readUInt32BE(0);
}

/** Escapes LIKE's wildcards so that a search for "50%" finds "50%", not "50 anything". */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
