import postgres from "postgres";
import { durationMs } from "../../dsl/fields.ts";
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
import { jsonText, type Row, rowToJson } from "./values.ts";

const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/;

/** A timestamp (with time zone) as ISO 8601 in UTC; "infinity" and BC dates stay as postgres prints them. */
function timestampToIso(text: string, assumeUtc: boolean): string {
  const d = new Date(assumeUtc && TIMESTAMP.test(text) ? `${text.replace(" ", "T")}Z` : text);
  return Number.isNaN(d.getTime()) || text.endsWith(" BC") ? text : d.toISOString();
}

function int8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/**
 * Type handlers replacing postgres.js's defaults where they do not fit JSON in, JSON out.
 * Every parameter is sent untyped, so the server picks its type from the statement; these
 * serializers then turn the JSON value into that type's text form. Parsers give JSON-native
 * values: int8 → number when safe else string, date → "YYYY-MM-DD", timestamps → ISO in UTC
 * (timestamp without time zone is read as UTC, not the host's zone).
 */
const PG_TYPES = {
  octoText: { to: 25, from: [25, 1042, 1043], serialize: jsonText, parse: (x: string) => x },
  octoInt8: { to: 20, from: [20], serialize: jsonText, parse: int8 },
  // A string is JSON text already (as pgx treats it); other values are encoded.
  octoJson: {
    to: 3802,
    from: [114, 3802],
    serialize: (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v)),
    parse: (x: string): unknown => JSON.parse(x),
  },
  octoBool: {
    to: 16,
    from: [16],
    // Strings such as "true", "yes" or "1" are left for the server to read.
    serialize: (v: unknown) => (v === true ? "t" : v === false ? "f" : jsonText(v)),
    parse: (x: string) => x === "t",
  },
  octoDate: { to: 1082, from: [1082], serialize: jsonText, parse: (x: string) => x },
  octoTimestamp: {
    to: 1114,
    from: [1114],
    serialize: jsonText,
    parse: (x: string) => timestampToIso(x, true),
  },
  octoTimestamptz: {
    to: 1184,
    from: [1184],
    serialize: jsonText,
    parse: (x: string) => timestampToIso(x, false),
  },
};

/** A CEL value ready to bind: lists stay lists (for arrays and `= ANY(?)`), maps become JSON. */
function pgArg(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === "object" && !Array.isArray(v)) return JSON.stringify(v);
  return v;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
]);

export function openPostgres(settings: DatabaseSettings, ctx: ConnectorContext): Database {
  const redact = redactor(settings.dsn, ctx.secrets);
  const seconds = (d: string | undefined) => (d === undefined ? undefined : durationMs(d) / 1000);
  const idle = settings.maxIdleConns === 0 ? 0.001 : seconds(settings.connMaxIdleTime);
  const lifetime = seconds(settings.connMaxLifetime);
  const sql = postgres(settings.dsn, {
    max: settings.maxOpenConns,
    connect_timeout: seconds(settings.connectTimeout) ?? 10,
    ...(idle === undefined ? {} : { idle_timeout: idle }),
    ...(lifetime === undefined ? {} : { max_lifetime: lifetime }),
    types: PG_TYPES,
    // postgres.js prints notices to the console by default.
    onnotice: (notice) =>
      ctx.logger.log("debug", redact(`database ${ctx.name}: ${String(notice.message)}`), {
        connector: ctx.name,
      }),
    connection: { application_name: `octo:${ctx.name}` },
  });
  const scan = queryScanner("postgres");
  let closed = false;

  const explain = (e: unknown): DatabaseError => {
    if (e instanceof postgres.PostgresError)
      return databaseError(e, redact, { suffix: ` (SQLSTATE ${e.code})` });
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === "string" && CONNECTION_CODES.has(code)) {
      return databaseError(e, redact, { prefix: "cannot reach the database: " });
    }
    return databaseError(e, redact);
  };

  const run = async (text: string, args: readonly unknown[]) => {
    if (closed) throw new DatabaseError(`connector ${ctx.name} is closed`);
    const scanned = scan(text, args);
    try {
      // Untyped parameters: the server infers each one's type from where it is used.
      const params = args.map((a) => sql.typed(pgArg(a) as never, 0));
      return await sql.unsafe(scanned.text, params as never[], { prepare: true });
    } catch (e) {
      throw explain(e);
    }
  };

  return {
    driver: "postgres",
    async query(text, args): Promise<Row[]> {
      const result = await run(text, args);
      return result.map((row) => rowToJson(row));
    },
    async exec(text, args): Promise<ExecResult> {
      const result = await run(text, args);
      return { rowsAffected: result.count ?? 0 };
    },
    async close() {
      if (closed) return;
      closed = true;
      // In-flight queries get a few seconds to finish; the runtime drains flows first anyway.
      await sql.end({ timeout: 5 });
    },
  };
}
