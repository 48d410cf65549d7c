import { z } from "zod";
import { duration, durationMs } from "../../dsl/fields.ts";

// The database connector's settings: the config reference for `database`.

export const DATABASE_LABEL = "Database";
export const DATABASE_DESCRIPTION =
  "A connection pool to PostgreSQL (postgres.js) or a SQLite file (node:sqlite), used by sql blocks. " +
  "Queries take `?` placeholders whose values are always bound, never spliced into the SQL.";

export const DRIVERS = ["postgres", "sqlite"] as const;
export type Driver = (typeof DRIVERS)[number];

/** Why a dsn cannot work with its driver, or undefined. Never echoes the dsn: it may hold a password. */
export function dsnProblem(driver: Driver, dsn: string): { message: string; hint: string } | undefined {
  if (driver === "postgres") {
    let url: URL | undefined;
    try {
      url = new URL(dsn);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== "postgres:" && url?.protocol !== "postgresql:") {
      return {
        message: "a postgres dsn must be a postgres:// URL",
        hint: `e.g. postgres://user:\${DB_PASSWORD}@db.example.com:5432/orders?sslmode=require`,
      };
    }
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dsn) || dsn.startsWith("file:")) {
    return {
      message: "a sqlite dsn is a file path or :memory:, not a URL",
      hint: "e.g. data/orders.db (relative to the working directory) or :memory:",
    };
  }
  return undefined;
}

export const databaseConnectorSettings = z
  .strictObject({
    driver: z.enum(DRIVERS).meta({ description: "which database: postgres or sqlite" }),
    dsn: z
      .string()
      .min(1)
      .meta({
        description:
          "postgres: a postgres:// URL (query parameters such as sslmode=require are honoured); " +
          'sqlite: a file path (relative to the working directory) or ":memory:". ' +
          `Put passwords in a secret env var: \${DB_DSN}`,
      }),
    maxOpenConns: z.int().min(1).default(10).meta({
      description: "postgres: most connections open at once (the pool size); sqlite uses one connection",
    }),
    maxIdleConns: z
      .int()
      .min(0)
      .optional()
      .meta({
        description:
          "postgres: 0 closes each connection as soon as it is idle; otherwise idle connections " +
          "stay open (up to maxOpenConns) until connMaxIdleTime",
      }),
    connMaxLifetime: duration(
      'postgres: a connection is replaced after this long; "0" never (default: 30-60 minutes, randomised)',
    ).optional(),
    connMaxIdleTime: duration(
      'postgres: an idle connection is closed after this long; "0" never (the default)',
    ).optional(),
    connectTimeout: duration(
      "postgres: a query fails when no connection could be made within this time",
    ).default("10s"),
  })
  .superRefine((settings, ctx) => {
    const problem = dsnProblem(settings.driver, settings.dsn);
    if (problem) {
      ctx.addIssue({ code: "custom", path: ["dsn"], message: `${problem.message} (${problem.hint})` });
    }
    // Without a connect timeout a database that never answers would hang every query.
    if (durationMs(settings.connectTimeout) <= 0) {
      ctx.addIssue({
        code: "custom",
        path: ["connectTimeout"],
        message: 'connectTimeout must be longer than 0, e.g. "10s"',
      });
    }
  });

export type DatabaseSettings = z.infer<typeof databaseConnectorSettings>;
