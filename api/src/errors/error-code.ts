/**
 * The `code` a library puts on its errors: Neo4j's `ServiceUnavailable`, opossum's `EOPENBREAKER`,
 * Node's `ETIMEDOUT`. Read in one typed place, so a thrown string or null is simply "no code".
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}
