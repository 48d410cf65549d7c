// @octo/db — the control plane's persistence layer:
//   schema.ts  Drizzle tables (every uniqueness rule is a DB constraint; see the comments there)
//   client.ts  openDatabase(): embedded PGlite (data dir or ":memory:") or PostgreSQL via postgres.js,
//              both typed as one `Database` so repositories are written once
//   migrate.ts drizzle-kit migrations from ../migrations, applied idempotently at open
//   crypto.ts  AES-256-GCM with per-row associated data, and the key loader (env or key file)
//   errors.ts  Postgres error-code helpers (23505 unique → CONFLICT, 23503 FK, 23514 CHECK)
// Schema change: edit schema.ts, run `pnpm --filter @octo/db generate`, check in migrations/.
export {
  type Database,
  type DatabaseKind,
  MEMORY,
  type OpenDatabaseOptions,
  type OpenedDatabase,
  openDatabase,
  pgliteDir,
  type Schema,
  type Transaction,
} from "./client.ts";
export {
  aad,
  Cipher,
  DecryptionError,
  decodeKey,
  ENCRYPTION_KEY_ENV,
  KEY_FILE_NAME,
  type LoadedKey,
  type LoadKeyOptions,
  loadOrCreateKey,
} from "./crypto.ts";
export {
  isCheckViolation,
  isForeignKeyViolation,
  isUniqueViolation,
  PG_ERROR,
  pgConstraint,
  pgErrorCode,
} from "./errors.ts";
export { MIGRATIONS_FOLDER, type MigrationReport } from "./migrate.ts";
export * from "./schema.ts";
