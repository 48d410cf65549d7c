import { resolve } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { ConnectorContext } from "../../plugin/types.ts";
import {
  type Database,
  DatabaseError,
  databaseError,
  type ExecResult,
  queryScanner,
  redactor,
} from "./database.ts";
import type { DatabaseSettings } from "./spec.ts";
import { bigintToJson, type Row, rowToJson } from "./values.ts";

/** Prepared statements kept per connection: a flow runs the same few statements over and over. */
const STATEMENT_CACHE = 128;

/** Where a sqlite dsn points: ":memory:" or an absolute path (relative ones from the working directory). */
export function sqlitePath(dsn: string): string {
  return dsn === ":memory:" ? dsn : resolve(dsn);
}

/** A CEL value ready to bind: integers as INTEGER (not REAL), booleans as 1/0, lists and maps as JSON. */
export function sqliteArg(v: unknown): SQLInputValue {
  if (v === undefined || v === null) return null;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "number") return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (typeof v === "string" || typeof v === "bigint") return v;
  return JSON.stringify(v);
}

/**
 * One synchronous connection (node:sqlite): statements run one at a time, in order, so every
 * flow sees the same database (also for ":memory:"). Opening is retried on each query until it
 * works, so a missing directory is an error of the queries, not a crash at start.
 */
export function openSqlite(settings: DatabaseSettings, ctx: ConnectorContext): Database {
  const redact = redactor(settings.dsn, ctx.secrets);
  const path = sqlitePath(settings.dsn);
  const scan = queryScanner("sqlite");
  const statements = new Map<string, StatementSync>();
  let db: DatabaseSync | undefined;
  let closed = false;

  const connect = (): DatabaseSync => {
    if (closed) throw new DatabaseError(`connector ${ctx.name} is closed`);
    if (!db) {
      try {
        // readBigInts: INTEGER columns come back exact; values.ts turns safe ones into numbers.
        db = new DatabaseSync(path, { readBigInts: true });
      } catch (e) {
        throw databaseError(e, redact, { prefix: `cannot open sqlite database ${path}: ` });
      }
    }
    return db;
  };

  try {
    connect();
  } catch (e) {
    ctx.logger.log("warn", `database ${ctx.name}: ${(e as Error).message}; queries will retry`, {
      connector: ctx.name,
    });
  }

  const prepare = (text: string, args: readonly unknown[]) => {
    const scanned = scan(text, args);
    const conn = connect();
    let stmt = statements.get(scanned.text);
    try {
      if (!stmt) {
        stmt = conn.prepare(scanned.text);
        if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value as string);
        statements.set(scanned.text, stmt);
      }
    } catch (e) {
      throw databaseError(e, redact);
    }
    return { stmt, params: args.map(sqliteArg) };
  };

  return {
    driver: "sqlite",
    async query(text, args): Promise<Row[]> {
      const { stmt, params } = prepare(text, args);
      try {
        return stmt.all(...params).map((row) => rowToJson(row as Record<string, unknown>));
      } catch (e) {
        throw databaseError(e, redact);
      }
    },
    async exec(text, args): Promise<ExecResult> {
      const { stmt, params } = prepare(text, args);
      try {
        const { changes, lastInsertRowid } = stmt.run(...params);
        return {
          rowsAffected: Number(changes),
          lastInsertId: bigintToJson(BigInt(lastInsertRowid)),
        };
      } catch (e) {
        throw databaseError(e, redact);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      statements.clear();
      db?.close();
      db = undefined;
    },
  };
}
