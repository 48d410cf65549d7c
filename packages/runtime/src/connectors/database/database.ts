import { type Dialect, type ScannedQuery, scanQuery } from "./placeholders.ts";
import type { Driver } from "./spec.ts";
import type { Row } from "./values.ts";

/** What `exec: true` returns; lastInsertId is SQLite's rowid of the last insert. */
export interface ExecResult {
  rowsAffected: number;
  lastInsertId?: number | string;
}

/** A database connector instance: what sql blocks (and plugins) run statements on. */
export interface Database {
  readonly driver: Driver;
  /** Runs one statement with `?` placeholders bound to `args`; its rows as JSON-native objects. */
  query(sql: string, args: readonly unknown[]): Promise<Row[]>;
  /** Runs one statement for its effect: how many rows it changed. */
  exec(sql: string, args: readonly unknown[]): Promise<ExecResult>;
  /** Closes every connection; later calls fail with a DatabaseError. */
  close(): Promise<void>;
}

/** The statement and its args do not fit together: a bug in the flow, not a database failure. */
export class SqlUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SqlUsageError";
  }
}

/** The database refused or failed a statement (or could not be reached); secrets are redacted. */
export class DatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseError";
  }
}

export const REDACTED = "[redacted]";

/**
 * Removes secrets from driver messages: the secret env values and the dsn's password (a driver
 * may echo a bound value, such as a secret passed as an arg, in a type error).
 */
export function redactor(dsn: string, secrets: readonly string[]): (text: string) => string {
  const hidden = new Set(secrets.filter((s) => s.length > 0));
  try {
    const password = decodeURIComponent(new URL(dsn).password);
    if (password) hidden.add(password);
  } catch {
    // not a URL (a sqlite path): nothing more to hide
  }
  // Longest first, so a secret that contains another is hidden whole.
  const ordered = [...hidden].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((t, secret) => t.split(secret).join(REDACTED), text);
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The message of a driver error, redacted, as a DatabaseError. */
export function databaseError(
  e: unknown,
  redact: (text: string) => string,
  around: { prefix?: string; suffix?: string } = {},
): DatabaseError {
  return new DatabaseError(redact(`${around.prefix ?? ""}${errorText(e)}${around.suffix ?? ""}`));
}

/** Scans queries once each: a bounded cache, as a flow runs the same few statements over and over. */
export function queryScanner(
  dialect: Dialect,
  max = 256,
): (sql: string, args: readonly unknown[]) => ScannedQuery {
  const cache = new Map<string, ScannedQuery>();
  return (sql, args) => {
    let scanned = cache.get(sql);
    if (!scanned) {
      scanned = scanQuery(sql, dialect);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(sql, scanned);
    }
    if (scanned.statements > 1) {
      throw new SqlUsageError(`the query holds ${scanned.statements} statements; run one per sql block`);
    }
    if (scanned.placeholders !== args.length) {
      throw new SqlUsageError(
        `the query has ${plural(scanned.placeholders, "placeholder")} (?) but args gave ` +
          `${plural(args.length, "value")}; give one value per ?, in order`,
      );
    }
    return scanned;
  };
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
