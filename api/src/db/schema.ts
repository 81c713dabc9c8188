/**
 * The PostgreSQL schema: the source of truth for users, todos and categories,
 * plus the outbox that carries every change to the graph (Neo4j) later.
 *
 * drizzle-kit reads this file to generate the SQL migrations in ../../drizzle.
 * It must stay free of relative imports so that drizzle-kit can load it alone.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * A timestamptz a client chooses (a due date), read back through ISO 8601. drizzle hands
 * PostgreSQL's text ("0099-12-31 00:00:00+00") to Date(), whose legacy parser reads a year
 * below 100 as 19xx, or not at all; the same text in ISO form ("0099-12-31T00:00:00+00:00") is
 * read exactly. The column type is unchanged, so no migration.
 */
const clientTimestamp = customType<{ data: Date; driverData: string | Date }>({
  dataType: () => 'timestamp with time zone',
  toDriver: (value) => value.toISOString(),
  fromDriver: (value) =>
    value instanceof Date ? value : new Date(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')),
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    // Stored lower-cased by the service; the unique index makes "already registered" race-free.
    email: text('email').notNull(),
    name: text('name'),
    passwordHash: text('password_hash').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    // Raised by every change to the account's state (in the same UPDATE, so the row lock orders
    // them): the account-state cache only ever replaces an older version with a newer one.
    stateVersion: integer('state_version').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_unique').on(t.email)],
);

export const todos = pgTable(
  'todos',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description'),
    completed: boolean('completed').notNull().default(false),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    dueAt: clientTimestamp('due_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The duplicate-title rule lives here, not in a read before the write:
    // eight parallel identical creates must give one 201 and seven 409.
    uniqueIndex('todos_user_title_unique').on(t.userId, sql`lower(${t.title})`),
    // Listing walks a user's todos newest first by id (the cursor is the id).
    index('todos_user_id_idx').on(t.userId, t.id),
    // The create rate limit counts a user's recent creations.
    index('todos_user_created_at_idx').on(t.userId, t.createdAt),
  ],
);

export const categories = pgTable(
  'categories',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('categories_user_name_unique').on(t.userId, sql`lower(${t.name})`)],
);

export const todoCategories = pgTable(
  'todo_categories',
  {
    todoId: integer('todo_id')
      .notNull()
      .references(() => todos.id, { onDelete: 'cascade' }),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.todoId, t.categoryId] }), index('todo_categories_category_idx').on(t.categoryId)],
);

/**
 * The transactional outbox: every change to a todo or a category writes a row here
 * in the same transaction as the change itself, so no event is lost when the graph
 * is down. The sync worker (outbox/outbox-worker.ts) claims pending rows with FOR UPDATE SKIP LOCKED.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    aggregateType: text('aggregate_type').notNull(),
    aggregateId: text('aggregate_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').notNull(),
    // W3C trace context of the request that produced the event, so the worker's
    // span can link back to it (telemetry issue).
    traceContext: jsonb('trace_context'),
    status: text('status', { enum: ['pending', 'done', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    // A worker's claim on the row: until this time no other worker (or request) may apply it.
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_pending_idx').on(t.availableAt, t.id).where(sql`${t.status} = 'pending'`),
    index('outbox_aggregate_idx').on(t.aggregateType, t.aggregateId, t.id),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type TodoRow = typeof todos.$inferSelect;
export type CategoryRow = typeof categories.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
