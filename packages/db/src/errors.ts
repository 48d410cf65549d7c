// Postgres SQLSTATE helpers. Drizzle wraps driver errors (DrizzleQueryError with the driver error as
// `cause`), and the drivers differ in shape, so look for `code` along the cause chain.

export const PG_ERROR = {
  UNIQUE_VIOLATION: "23505",
  FOREIGN_KEY_VIOLATION: "23503",
  /** ON DELETE RESTRICT on PostgreSQL 17+; the schema uses NO ACTION (23503) but accept both. */
  RESTRICT_VIOLATION: "23001",
  CHECK_VIOLATION: "23514",
  NOT_NULL_VIOLATION: "23502",
} as const;

/** The driver's error inside drizzle's wrapping: the first in the cause chain with a SQLSTATE. */
function driverError(
  error: unknown,
): { code: string; constraint_name?: unknown; constraint?: unknown } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return current as { code: string };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The SQLSTATE of a database error (through drizzle's wrapping), or undefined. */
export function pgErrorCode(error: unknown): string | undefined {
  return driverError(error)?.code;
}

/** The constraint a write broke (postgres.js says `constraint_name`, PGlite `constraint`). */
export function pgConstraint(error: unknown): string | undefined {
  const e = driverError(error);
  const name = e?.constraint_name ?? e?.constraint;
  return typeof name === "string" ? name : undefined;
}

export const isUniqueViolation = (e: unknown) => pgErrorCode(e) === PG_ERROR.UNIQUE_VIOLATION;
export const isForeignKeyViolation = (e: unknown) => {
  const code = pgErrorCode(e);
  return code === PG_ERROR.FOREIGN_KEY_VIOLATION || code === PG_ERROR.RESTRICT_VIOLATION;
};
export const isCheckViolation = (e: unknown) => pgErrorCode(e) === PG_ERROR.CHECK_VIOLATION;
