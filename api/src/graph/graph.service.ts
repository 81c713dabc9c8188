/**
 * The graph's read features: related todos, similar users, graph statistics.
 * They need Neo4j; without it they answer 503 naming the dependency, never 500.
 */
import { errorCode } from '../errors/error-code.ts';
import { ProblemError } from '../errors/problem.ts';
import type { OutboxRepository } from '../outbox/outbox.repository.ts';
import type { TodoService } from '../todos/todos.service.ts';
import { type GraphBreaker, isGraphOutage } from './breaker.ts';
import type { GraphClient } from './neo4j.ts';

const RELATED = `
MATCH (:User {id: $userId})-[:OWNS]->(t:Todo {id: $todoId})-[:BELONGS_TO]->(c:Category)<-[:BELONGS_TO]-(other:Todo)<-[:OWNS]-(:User {id: $userId})
WHERE other <> t
WITH other, collect(c.name) AS shared
RETURN other.id AS id, other.title AS title, other.completed AS completed, shared AS sharedCategories
ORDER BY size(shared) DESC, id DESC
LIMIT toInteger($limit)`;

// Categories belong to one user each, so users are compared by category *name* (case-insensitive).
// The score is the Jaccard index of the two users' sets of category names.
const SIMILAR = `
MATCH (me:User {id: $userId})-[:OWNS]->(:Todo)-[:BELONGS_TO]->(mine:Category)
WITH me, collect(DISTINCT mine.key) AS myKeys
MATCH (other:User)-[:OWNS]->(:Todo)-[:BELONGS_TO]->(theirs:Category)
WHERE other <> me
WITH myKeys, other, collect(DISTINCT theirs.key) AS theirKeys
WITH other, [k IN theirKeys WHERE k IN myKeys] AS shared, size(myKeys) + size([k IN theirKeys WHERE NOT k IN myKeys]) AS union
WHERE size(shared) > 0
RETURN other.id AS userId, shared AS sharedCategories, toFloat(size(shared)) / union AS score
ORDER BY score DESC, userId
LIMIT toInteger($limit)`;

const STATS = `
CALL () { MATCH (u:User) RETURN count(u) AS users }
CALL () { MATCH (t:Todo) RETURN count(t) AS todos }
CALL () { MATCH (c:Category) RETURN count(c) AS categories }
CALL () { MATCH ()-[r:OWNS]->() RETURN count(r) AS owns }
CALL () { MATCH ()-[r:BELONGS_TO]->() RETURN count(r) AS belongsTo }
RETURN users, todos, categories, owns, belongsTo`;

export interface RelatedTodo {
  id: number;
  title: string;
  completed: boolean;
  sharedCategories: string[];
}

export interface SimilarUser {
  userId: number;
  sharedCategories: string[];
  score: number;
}

export function graphUnavailable(reason: string, cause?: unknown): ProblemError {
  return new ProblemError('dependency-unavailable', {
    detail: `The graph (Neo4j) is unavailable: ${reason}.`,
    extensions: { dependency: 'neo4j' },
    headers: { 'Retry-After': '10' },
    cause,
  });
}

export function createGraphService(deps: {
  graph?: GraphClient;
  breaker?: GraphBreaker;
  todos: TodoService;
  outbox: OutboxRepository;
}) {
  async function read<T extends Record<string, unknown>>(
    cypher: string,
    params: Record<string, unknown>,
    operation: string,
  ) {
    const { graph, breaker } = deps;
    if (!graph || !breaker) throw graphUnavailable('graph disabled (NEO4J_URI is not set)');
    try {
      return await breaker.fire(() => graph.run<T>(cypher, params, { operation, mode: 'read' }));
    } catch (error) {
      // Only an outage is a 503; a query Neo4j refuses is a bug, and stays a 500.
      if (!isGraphOutage(error)) throw error;
      throw graphUnavailable(
        errorCode(error) === 'EOPENBREAKER' ? 'the circuit breaker is open' : 'it did not answer',
        error,
      );
    }
  }

  return {
    async related(userId: number, todoId: number, limit = 20): Promise<RelatedTodo[]> {
      // The todo must be the user's (404 otherwise), whatever the graph says.
      await deps.todos.get(userId, todoId);
      return read<RelatedTodo & Record<string, unknown>>(RELATED, { userId, todoId, limit }, 'related todos');
    },

    async similar(userId: number, limit = 10): Promise<SimilarUser[]> {
      return read<SimilarUser & Record<string, unknown>>(SIMILAR, { userId, limit }, 'similar users');
    },

    async stats() {
      const [row] = await read<Record<string, number>>(STATS, {}, 'graph stats');
      return {
        nodes: { users: row?.users ?? 0, todos: row?.todos ?? 0, categories: row?.categories ?? 0 },
        relationships: { owns: row?.owns ?? 0, belongsTo: row?.belongsTo ?? 0 },
        outbox: await deps.outbox.backlog(),
        breaker: deps.breaker?.state() ?? 'closed',
      };
    },
  };
}

export type GraphService = ReturnType<typeof createGraphService>;
