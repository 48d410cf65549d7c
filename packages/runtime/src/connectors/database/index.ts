import type { ConnectorDefinition } from "../../plugin/types.ts";
import type { Database } from "./database.ts";
import {
  DATABASE_DESCRIPTION,
  DATABASE_LABEL,
  type DatabaseSettings,
  databaseConnectorSettings,
} from "./spec.ts";
import { openSqlite } from "./sqlite.ts";

export {
  type Database,
  DatabaseError,
  type ExecResult,
  SqlUsageError,
} from "./database.ts";

/**
 * The `database` connector. Pools are created here and closed on reload and shutdown; neither
 * driver connects eagerly enough to fail the start, so an unreachable database makes queries
 * fail (counted, with a clear error) instead of crashing the process.
 */
export const databaseConnector: ConnectorDefinition<DatabaseSettings, Database> = {
  type: "database",
  label: DATABASE_LABEL,
  description: DATABASE_DESCRIPTION,
  settings: databaseConnectorSettings,
  // postgres.js is loaded only by configs that use it (it costs every `octo invoke` otherwise).
  create: async (settings, ctx) =>
    settings.driver === "postgres"
      ? (await import("./postgres.ts")).openPostgres(settings, ctx)
      : openSqlite(settings, ctx),
  close: (db) => db.close(),
};
