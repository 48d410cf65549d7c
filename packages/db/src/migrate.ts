// Applies the checked-in drizzle-kit migrations (../migrations) with drizzle's own migrator. It records
// applied migrations in drizzle.__drizzle_migrations and skips those already there, so running it on
// every start is idempotent. The report is computed around the migrator, which reports nothing itself.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { type MigrationMeta, readMigrationFiles } from "drizzle-orm/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { Sql } from "postgres";

/** Absolute path of the migrations folder shipped with this package. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../migrations", import.meta.url));

export interface MigrationReport {
  /** Tags (e.g. "0000_init") applied by this call, in order. */
  applied: string[];
  /** Number of migrations the package ships. */
  total: number;
}

/** What migrate() needs: the driver-specific drizzle instance (drizzle's migrators are per driver). */
export type MigrationTarget =
  // biome-ignore lint/suspicious/noExplicitAny: the migrator does not care about the schema type
  | { kind: "pglite"; db: PgliteDatabase<any> }
  // biome-ignore lint/suspicious/noExplicitAny: the migrator does not care about the schema type
  | { kind: "postgres"; db: PostgresJsDatabase<any>; client: Sql };

// Arbitrary constant: serialises concurrent migrators (e.g. several replicas starting at once).
const MIGRATION_LOCK_ID = 0x0c70_db;

interface JournalEntry {
  tag: string;
  when: number;
}

/** The migration's file tag ("0000_init") from drizzle-kit's journal, by its timestamp. */
function tagOf(folderMillis: number): string {
  const raw = readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, "utf8");
  const entries = (JSON.parse(raw) as { entries: JournalEntry[] }).entries;
  return entries.find((e) => e.when === folderMillis)?.tag ?? String(folderMillis);
}

/** created_at (the migration's folderMillis) of the newest applied migration, or undefined. */
async function lastApplied(db: PgDatabase<PgQueryResultHKT>): Promise<number | undefined> {
  const exists = await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`);
  if (rowsOf<{ t: string | null }>(exists)[0]?.t == null) return undefined;
  const last = await db.execute(sql`select max(created_at) as created_at from drizzle.__drizzle_migrations`);
  const value = rowsOf<{ created_at: string | number | null }>(last)[0]?.created_at;
  return value == null ? undefined : Number(value);
}

/** postgres.js returns the rows array itself, PGlite an object with `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

/**
 * drizzle's migrator only applies migrations newer than the newest applied one (by journal
 * timestamp), so a migration generated on a machine with a lagging clock would be skipped silently.
 * Fail loudly instead.
 */
async function assertAllApplied(
  db: PgDatabase<PgQueryResultHKT>,
  migrations: MigrationMeta[],
): Promise<void> {
  const result = await db.execute(sql`select hash from drizzle.__drizzle_migrations`);
  const applied = new Set(rowsOf<{ hash: string }>(result).map((r) => r.hash));
  const missing = migrations.filter((m) => !applied.has(m.hash));
  if (missing.length > 0) {
    const tags = missing.map((m) => tagOf(m.folderMillis)).join(", ");
    throw new Error(
      `migrations not applied (changed after being applied, or older than the newest applied one): ${tags}`,
    );
  }
}

export async function migrate(target: MigrationTarget): Promise<MigrationReport> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  const migrations = readMigrationFiles(config);
  const run = async (): Promise<MigrationReport> => {
    const db = target.db as unknown as PgDatabase<PgQueryResultHKT>;
    const before = await lastApplied(db);
    if (target.kind === "pglite") await migratePglite(target.db, config);
    else await migratePostgres(target.db, config);
    // Same rule as drizzle's migrator: everything newer than the newest applied one.
    const applied = migrations
      .filter((m) => before === undefined || m.folderMillis > before)
      .map((m) => tagOf(m.folderMillis));
    await assertAllApplied(db, migrations);
    return { applied, total: migrations.length };
  };
  if (target.kind === "pglite") return run(); // single connection, single process: nothing to race
  // A session-level advisory lock must be taken and released on one connection: reserve it.
  const lockConnection = await target.client.reserve();
  try {
    await lockConnection`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    return await run();
  } finally {
    await lockConnection`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
    lockConnection.release();
  }
}
