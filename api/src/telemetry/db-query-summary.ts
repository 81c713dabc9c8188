/**
 * A database span's name, as the semantic conventions give it: `{db.query.summary}`, which is the
 * operation and the table it acts on (`INSERT todos`, `SELECT users`, `BEGIN`). The same words on
 * PostgreSQL (db/pg-tracing.ts) and on the embedded PGlite (db/pglite-tracing.ts), so the same statement reads the same in either lab, never
 * `pg.query:INSERT todos learner_db` on one and `INSERT pglite` on the other.
 * Only the statement's first words are read (bounded): the SQL drizzle writes names its table there.
 */

/** The db.query.summary attribute (semantic conventions, database spans). */
export const ATTR_DB_QUERY_SUMMARY = 'db.query.summary';

const HEAD = 300;
const OPERATION = /^\s*([a-z]{2,20})\b/i;
const NAME = '"?([a-z_][\\w$]{0,62})"?(?:\\."?([a-z_][\\w$]{0,62})"?)?';
const TARGET: Record<string, RegExp> = {
  INSERT: new RegExp(`^\\s*insert\\s+into\\s+${NAME}`, 'i'),
  UPDATE: new RegExp(`^\\s*update\\s+${NAME}`, 'i'),
  DELETE: new RegExp(`^\\s*delete\\s+from\\s+${NAME}`, 'i'),
  SELECT: new RegExp(`\\bfrom\\s+${NAME}`, 'i'),
};

/** `INSERT todos`, `SELECT users`, `BEGIN`, `COMMIT`; `QUERY` when the text starts with no word. */
export function querySummary(text: string): string {
  const head = text.slice(0, HEAD);
  const operation = OPERATION.exec(head)?.[1]?.toUpperCase() ?? 'QUERY';
  const found = TARGET[operation]?.exec(head);
  // schema.table names the table (its second part); a bare name is the table.
  const table = found ? (found[2] ?? found[1]) : undefined;
  return table ? `${operation} ${table}` : operation;
}
