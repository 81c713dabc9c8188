/**
 * What the virtual users do, shared by every scenario:
 *   prepareRun()  setup(): register and log in the user pool, seed each user's todos
 *   lifecycle()   a writer's iteration: create, list, read, complete, related, delete (one create)
 *   browse()      a reader's iteration: list, read, related (no create, so no rate limit to meet)
 *   cleanUp()     teardown(): delete the seeded todos
 *
 * Writers pick their user round-robin by the scenario's iteration number, so with an arrival-rate
 * executor every user gets exactly its share of creates (see config.ts); readers keep one user per VU.
 */
import exec from 'k6/execution';
import { SEED_TODOS_PER_USER } from './config.ts';
import {
  completeTodo,
  createCategory,
  createTodo,
  deleteTodo,
  listTodos,
  login,
  readTodo,
  register,
  relatedTodos,
  type Todo,
} from './steps.ts';

export interface LabUser {
  email: string;
  token: string;
  categoryId?: number;
  seedIds: number[];
}

export interface RunData {
  runId: string;
  users: LabUser[];
}

const PASSWORD = 'k6 load test password';

export function prepareRun(options: { users: number; seed?: boolean }): RunData {
  // One id for the whole run, made once here (each VU has its own init code, so not there).
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const users: LabUser[] = [];
  for (let i = 0; i < options.users; i++) {
    const email = `k6-${runId}-${i}@load.flowlab.test`;
    if (!register(email, PASSWORD)) continue;
    const token = login(email, PASSWORD);
    if (!token) continue;
    const user: LabUser = { email, token, seedIds: [] };
    if (options.seed !== false) {
      user.categoryId = createCategory(token, `load ${runId}`);
      for (let n = 0; n < SEED_TODOS_PER_USER; n++) {
        const todo = createTodo(token, `seed ${runId} ${i}.${n}`, user.categoryId ? [user.categoryId] : []);
        if (todo) user.seedIds.push(todo.id);
      }
    }
    users.push(user);
  }
  if (users.length < options.users) {
    exec.test.abort(`setup: only ${users.length} of ${options.users} users could register and log in`);
  }
  return { runId, users };
}

function writerUser(data: RunData): LabUser {
  return data.users[exec.scenario.iterationInTest % data.users.length] as LabUser;
}

function readerUser(data: RunData): LabUser {
  return data.users[(exec.vu.idInTest - 1) % data.users.length] as LabUser;
}

export interface LifecycleOptions {
  /** GET /todos/:id/related, a graph read (default true). */
  related?: boolean;
  /** Sees each created todo, e.g. to count its graph outcome. */
  onCreate?: (todo: Todo) => void;
}

export function lifecycle(data: RunData, options: LifecycleOptions = {}): void {
  const user = writerUser(data);
  const title = `k6 ${data.runId} ${exec.scenario.name} ${exec.scenario.iterationInTest}`;
  const todo = createTodo(user.token, title, user.categoryId ? [user.categoryId] : []);
  listTodos(user.token);
  if (!todo) return;
  options.onCreate?.(todo);
  readTodo(user.token, todo.id);
  completeTodo(user.token, todo.id);
  if (options.related !== false) relatedTodos(user.token, todo.id);
  deleteTodo(user.token, todo.id);
}

export function browse(data: RunData): void {
  const user = readerUser(data);
  listTodos(user.token);
  // A seeded todo, never a writer's: a writer may delete its own between this VU's list and read.
  const id = user.seedIds[exec.vu.iterationInScenario % Math.max(1, user.seedIds.length)];
  if (id === undefined) return;
  readTodo(user.token, id);
  relatedTodos(user.token, id);
}

export function cleanUp(data: RunData): void {
  for (const user of data.users) for (const id of user.seedIds) deleteTodo(user.token, id);
}
