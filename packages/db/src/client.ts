// openDatabase(): one entry point for both deployment shapes — an embedded PGlite (standalone/local
// edition, tests) or a PostgreSQL server via postgres.js. Both drizzle instances are exposed as the
// common PgDatabase type, so repositories are written once against `Database`.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { type MigrationReport, type MigrationTarget, migrate } from "./migrate.ts";
import * as schema from "./schema.ts";

export type Schema = typeof schema;

/** The drizzle instance repositories use, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle (`db.transaction(async (tx) => …)`); repositories may accept either. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export type DatabaseKind = "pglite" | "postgres";

export interface OpenDatabaseOptions {
  /** postgres://… — use a PostgreSQL server. Takes precedence over dataDir. */
  url?: string | undefined;
  /** Embedded PGlite data directory (its cluster lives in `<dataDir>/pgdata`); ":memory:" for tests. */
  dataDir?: string | undefined;
  /** Apply pending migrations while opening (default true). */
  migrate?: boolean | undefined;
  /** postgres.js pool size (default 10, at least 2). */
  maxConnections?: number | undefined;
}

export interface OpenedDatabase {
  db: Database;
  kind: DatabaseKind;
  /** What the migration step at open did; undefined when opened with `migrate: false`. */
  migrations: MigrationReport | undefined;
  /** Apply pending migrations now (idempotent). */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}

export const MEMORY = ":memory:";

/** Where PGlite keeps its cluster inside the data dir (leaves room for encryption.key beside it). */
export function pgliteDir(dataDir: string): string {
  return join(resolve(dataDir), "pgdata");
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  const { url, dataDir } = options;
  let db: Database;
  let target: MigrationTarget;
  let close: () => Promise<void>;
  let kind: DatabaseKind;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error("database url must start with postgres:// or postgresql://");
    }
    const client = postgres(url, {
      // ≥ 2: migrate() holds its advisory lock on one reserved connection while migrating on another.
      max: Math.max(2, options.maxConnections ?? 10),
      onnotice: () => {}, // "schema already exists, skipping" etc. from idempotent DDL
    });
    const postgresDb = drizzlePostgres({ client, schema });
    db = postgresDb;
    target = { kind: "postgres", db: postgresDb, client };
    close = () => client.end({ timeout: 5 });
    kind = "postgres";
  } else {
    if (!dataDir) throw new Error('openDatabase needs a url (postgres://…) or a dataDir (or ":memory:")');
    let client: PGlite;
    if (dataDir === MEMORY) {
      client = new PGlite();
    } else {
      const dir = pgliteDir(dataDir);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      client = new PGlite(dir);
    }
    await client.waitReady;
    const pgliteDb = drizzlePglite({ client, schema });
    db = pgliteDb;
    target = { kind: "pglite", db: pgliteDb };
    close = () => client.close();
    kind = "pglite";
  }
  try {
    const migrations = options.migrate === false ? undefined : await migrate(target);
    let closed = false;
    return {
      db,
      kind,
      migrations,
      migrate: () => migrate(target),
      async close() {
        if (closed) return;
        closed = true;
        await close();
      },
    };
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
}
