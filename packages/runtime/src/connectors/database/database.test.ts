// The database connector with the sql block on real databases: SQLite (:memory: and a file) and
// PostgreSQL (a throwaway cluster started once for this file).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../../test/helpers.ts";
import { startPostgres, type ThrowawayPostgres } from "../../../test/postgres.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources, type Runtime } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import { standaloneServices } from "../../services/standalone.ts";
import { DatabaseError, databaseConnector } from "./index.ts";
import { databaseConnectorSettings } from "./spec.ts";

/** A loaded, started runtime whose connector errors are recorded as "connector/kind". */
async function start(yaml: string, osEnv: Record<string, string> = {}) {
  const logger = memoryLogger();
  const counted: string[] = [];
  const r = loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], {
    registry: defaultRegistry(),
    osEnv,
    logger,
    observer: { connectorError: (connector, kind) => counted.push(`${connector}/${kind}`) },
  });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  await r.runtime.start({ sources: false });
  return { runtime: r.runtime, logger, counted };
}

function loadErrors(yaml: string): string[] {
  const r = loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], {
    registry: defaultRegistry(),
    osEnv: {},
    logger: memoryLogger(),
  });
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
}

/** Runs a flow that must complete and returns its body. */
async function body(runtime: Runtime, flow: string, input: unknown = null): Promise<unknown> {
  const outcome = await runtime.invoke(flow, input);
  if (outcome.status !== "completed") throw new Error(`${flow}: ${JSON.stringify(outcome)}`);
  return outcome.message.body;
}

/** Runs a flow that must fail and returns its error. */
async function failure(runtime: Runtime, flow: string, input: unknown = null) {
  const outcome = await runtime.invoke(flow, input);
  if (outcome.status !== "failed") throw new Error(`${flow} did not fail: ${JSON.stringify(outcome)}`);
  return outcome.error;
}

const connectorYaml = (driver: string, dsn: string, extra = "") => `
connectors:
  - name: db
    type: database
    settings: { driver: ${driver}, dsn: "${dsn}"${extra} }
`;

/** The same flows on every driver; only the table's DDL differs. */
const crudFlows = (ddl: string) => `
flows:
  - name: reset
    process:
      - { type: sql, settings: { connector: db, query: "DROP TABLE IF EXISTS items", exec: true } }
      - { type: sql, settings: { connector: db, query: "${ddl}", exec: true } }
  - name: insert
    process:
      - type: sql
        settings:
          connector: db
          query: INSERT INTO items (name, qty) VALUES (?, ?) RETURNING *
          args: [body.name, body.qty]
  - name: insert-one
    process:
      - type: sql
        settings:
          connector: db
          query: INSERT INTO items (name, qty) VALUES (?, ?) RETURNING id, name
          args: "[body.name, body.qty]"
          single: true
  - name: list
    process:
      - { type: sql, settings: { connector: db, query: "SELECT id, name, qty FROM items ORDER BY id" } }
  - name: get
    process:
      - type: sql
        settings:
          connector: db
          query: SELECT id, name, qty FROM items WHERE id = ?
          args: [body.id]
          single: true
  - name: restock
    process:
      - type: sql
        settings:
          connector: db
          query: UPDATE items SET qty = qty + ? WHERE qty < ?
          args: [body.add, body.below]
          exec: true
  - name: remove
    process:
      - type: sql
        settings: { connector: db, query: "DELETE FROM items WHERE name = ?", args: [body.name], exec: true }
  - name: literal
    process:
      - type: sql
        settings:
          connector: db
          query: "SELECT 'why?' AS q, ? AS a -- or why not?"
          args: [body.a]
          single: true
  - name: find
    process:
      - type: sql
        settings: { connector: db, query: "SELECT name FROM items WHERE name = ?", args: [body.name] }
  - name: broken
    process:
      - { type: sql, name: bad-sql, settings: { connector: db, query: "SELEC name FROM items" } }
  - name: missing-table
    process:
      - { type: sql, settings: { connector: db, query: "SELECT * FROM no_such_table" } }
  - name: wrong-arg-count
    process:
      - { type: sql, settings: { connector: db, query: "SELECT ? AS a", args: "[1, 2]" } }
  - name: not-a-list
    process:
      - { type: sql, settings: { connector: db, query: "SELECT ? AS a", args: "body" } }
`;

const SQLITE_DDL = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL)";
const POSTGRES_DDL = "CREATE TABLE items (id SERIAL PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL)";

let pg: ThrowawayPostgres | undefined;
let sqliteDir = "";

beforeAll(async () => {
  sqliteDir = mkdtempSync(join(tmpdir(), "octo-sqlite-"));
  pg = await startPostgres();
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  rmSync(sqliteDir, { recursive: true, force: true });
}, 60_000);

const pgUrl = () => {
  if (!pg) throw new Error("postgres did not start");
  return pg.url;
};

/** A path to a file in the temp dir, written relative to the working directory. */
const relativeSqliteFile = (name: string) => relative(process.cwd(), join(sqliteDir, name));

const drivers = [
  { name: "sqlite :memory:", driver: "sqlite", dsn: () => ":memory:", ddl: SQLITE_DDL },
  { name: "sqlite file", driver: "sqlite", dsn: () => relativeSqliteFile("crud.db"), ddl: SQLITE_DDL },
  { name: "postgres", driver: "postgres", dsn: pgUrl, ddl: POSTGRES_DDL },
] as const;

describe.each(drivers)("sql on $name", ({ driver, dsn, ddl }) => {
  let runtime: Runtime;
  let counted: string[];

  beforeAll(async () => {
    ({ runtime, counted } = await start(connectorYaml(driver, dsn()) + crudFlows(ddl)));
  });
  afterAll(async () => {
    await runtime?.stop();
  });
  beforeEach(async () => {
    await body(runtime, "reset");
    counted.length = 0;
  });

  it("inserts with RETURNING * and lists rows", async () => {
    expect(await body(runtime, "insert", { name: "apple", qty: 3 })).toEqual([
      { id: 1, name: "apple", qty: 3 },
    ]);
    expect(await body(runtime, "insert", { name: "pear", qty: 10 })).toEqual([
      { id: 2, name: "pear", qty: 10 },
    ]);
    expect(await body(runtime, "list")).toEqual([
      { id: 1, name: "apple", qty: 3 },
      { id: 2, name: "pear", qty: 10 },
    ]);
  });

  it("single gives the first row, or null when there is none", async () => {
    await body(runtime, "insert", { name: "apple", qty: 3 });
    expect(await body(runtime, "get", { id: 1 })).toEqual({ id: 1, name: "apple", qty: 3 });
    expect(await body(runtime, "get", { id: 99 })).toBeNull();
  });

  it("takes args as one CEL expression that yields a list", async () => {
    expect(await body(runtime, "insert-one", { name: "fig", qty: 1 })).toEqual({ id: 1, name: "fig" });
  });

  it("exec gives rowsAffected for update and delete", async () => {
    await body(runtime, "insert", { name: "apple", qty: 3 });
    await body(runtime, "insert", { name: "pear", qty: 10 });
    await body(runtime, "insert", { name: "plum", qty: 1 });
    expect(await body(runtime, "restock", { add: 5, below: 5 })).toMatchObject({ rowsAffected: 2 });
    expect(await body(runtime, "remove", { name: "pear" })).toMatchObject({ rowsAffected: 1 });
    expect(await body(runtime, "remove", { name: "pear" })).toMatchObject({ rowsAffected: 0 });
    expect(await body(runtime, "list")).toEqual([
      { id: 1, name: "apple", qty: 8 },
      { id: 3, name: "plum", qty: 6 },
    ]);
  });

  it("does not take a ? inside a string literal or a comment for a placeholder", async () => {
    expect(await body(runtime, "literal", { a: "bound" })).toEqual({ q: "why?", a: "bound" });
  });

  it("stores an injection attempt verbatim: values are bound, never spliced", async () => {
    const evil = "x'); DROP TABLE items; --";
    await body(runtime, "insert", { name: evil, qty: 1 });
    expect(await body(runtime, "find", { name: evil })).toEqual([{ name: evil }]);
    expect(await body(runtime, "list")).toEqual([{ id: 1, name: evil, qty: 1 }]);
  });

  it("fails a syntax error with a clear FlowError and counts it", async () => {
    const error = await failure(runtime, "broken");
    expect(error.flow).toBe("broken");
    expect(error.block).toBe("bad-sql");
    expect(error.message).toMatch(/^sql on connector db failed: .*syntax error/);
    expect(counted).toEqual(["db/query"]);
  });

  it("fails a query on a missing table with a clear FlowError and counts it", async () => {
    const error = await failure(runtime, "missing-table");
    expect(error.block).toBe("sql");
    expect(error.message).toMatch(/^sql on connector db failed: .*no_such_table/);
    expect(counted).toEqual(["db/query"]);
  });

  it("fails when an args list has the wrong length, without blaming the database", async () => {
    const error = await failure(runtime, "wrong-arg-count");
    expect(error.message).toBe(
      "sql on connector db failed: the query has 1 placeholder (?) but args gave 2 values; " +
        "give one value per ?, in order",
    );
    expect(counted).toEqual([]);
  });

  it("fails when args does not yield a list", async () => {
    const error = await failure(runtime, "not-a-list", { a: 1 });
    expect(error.message).toBe("sql args must be a list, got object");
    expect(counted).toEqual([]);
  });
});

describe.each(drivers)("the $name connector instance", ({ driver, dsn }) => {
  it("close() ends the connection: a later query fails cleanly", async () => {
    const settings = databaseConnectorSettings.parse({ driver, dsn: dsn() });
    const logger = memoryLogger();
    const db = await databaseConnector.create(settings, {
      name: "direct",
      logger,
      services: standaloneServices(),
      secrets: [],
    });
    expect(await db.query("SELECT 1 AS one", [])).toEqual([{ one: 1 }]);
    await databaseConnector.close?.(db);
    await expect(db.query("SELECT 1 AS one", [])).rejects.toThrow(
      new DatabaseError("connector direct is closed"),
    );
    await expect(db.exec("SELECT 1", [])).rejects.toBeInstanceOf(DatabaseError);
    await db.close(); // closing twice is harmless
  });
});

describe("sqlite specifics", () => {
  it("exec gives lastInsertId, and rows land in the file the relative dsn names", async () => {
    const dsn = relativeSqliteFile("specifics.db");
    const { runtime } = await start(
      `${connectorYaml("sqlite", dsn)}
flows:
  - name: init
    process:
      - { type: sql, settings: { connector: db, query: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", exec: true } }
  - name: add
    process:
      - { type: sql, settings: { connector: db, query: "INSERT INTO t (v) VALUES (?)", args: [body], exec: true } }
`,
    );
    try {
      await body(runtime, "init");
      expect(await body(runtime, "add", "a")).toEqual({ rowsAffected: 1, lastInsertId: 1 });
      expect(await body(runtime, "add", "b")).toEqual({ rowsAffected: 1, lastInsertId: 2 });
    } finally {
      await runtime.stop();
    }
    const file = new DatabaseSync(join(sqliteDir, "specifics.db"));
    try {
      expect(
        file
          .prepare("SELECT v FROM t ORDER BY id")
          .all()
          .map((r) => r.v),
      ).toEqual(["a", "b"]);
    } finally {
      file.close();
    }
  });

  it("returns JSON-native values and binds booleans, maps and lists", async () => {
    const { runtime } = await start(
      `${connectorYaml("sqlite", ":memory:")}
flows:
  - name: values
    process:
      - type: sql
        settings:
          connector: db
          query: "SELECT 9007199254740993 AS big, 42 AS small, 1.5 AS real, x'0102' AS b, NULL AS absent, ? AS yes, ? AS no, ? AS m, ? AS l, ? AS whole"
          args: ["true", "false", '{"a": [1]}', "[1, 'x']", "2.0"]
          single: true
`,
    );
    try {
      expect(await body(runtime, "values")).toEqual({
        big: "9007199254740993",
        small: 42,
        real: 1.5,
        b: "AQI=",
        absent: null,
        yes: 1,
        no: 0,
        m: '{"a":[1]}',
        l: '[1,"x"]',
        whole: 2,
      });
    } finally {
      await runtime.stop();
    }
  });

  it("starts when the file cannot be opened, and its queries fail clearly", async () => {
    const { runtime, logger, counted } = await start(
      `${connectorYaml("sqlite", "/nonexistent-octo-dir/x.db")}
flows:
  - name: q
    process:
      - { type: sql, settings: { connector: db, query: "SELECT 1" } }
`,
    );
    try {
      expect(logger.lines.some((l) => l.level === "warn" && l.message.includes("cannot open sqlite"))).toBe(
        true,
      );
      const error = await failure(runtime, "q");
      expect(error.message).toBe(
        "sql on connector db failed: cannot open sqlite database /nonexistent-octo-dir/x.db: unable to open database file",
      );
      expect(counted).toEqual(["db/query"]);
    } finally {
      await runtime.stop();
    }
  });
});

describe("postgres specifics", () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it("returns JSON-native values for postgres types", async () => {
    ({ runtime } = await start(
      `${connectorYaml("postgres", pgUrl())}
flows:
  - name: values
    process:
      - type: sql
        settings:
          connector: db
          single: true
          query: >-
            SELECT 9007199254740993::int8 AS big, 42::int8 AS small, 7::int4 AS int, 1.10::numeric AS num,
            2.5::float8 AS float, 'NaN'::float8 AS nan, '2024-01-02'::date AS d,
            '2024-01-02 10:00:00.123'::timestamp AS ts, '2024-01-02 12:00:00+02'::timestamptz AS tz,
            'infinity'::timestamptz AS inf, '\\x0102'::bytea AS b, '{"a": [1]}'::jsonb AS j,
            true AS flag, ARRAY[1, 9007199254740993]::int8[] AS arr, NULL AS nothing
`,
    ));
    expect(await body(runtime, "values")).toEqual({
      big: "9007199254740993",
      small: 42,
      int: 7,
      num: "1.10",
      float: 2.5,
      nan: "NaN",
      d: "2024-01-02",
      ts: "2024-01-02T10:00:00.123Z",
      tz: "2024-01-02T10:00:00.000Z",
      inf: "infinity",
      b: "AQI=",
      j: { a: [1] },
      flag: true,
      arr: [1, "9007199254740993"],
      nothing: null,
    });
  });

  it("binds maps to jsonb, booleans to bool, lists to arrays and = ANY(?)", async () => {
    ({ runtime } = await start(
      `${connectorYaml("postgres", pgUrl())}
flows:
  - name: setup
    process:
      - { type: sql, settings: { connector: db, query: "DROP TABLE IF EXISTS docs", exec: true } }
      - { type: sql, settings: { connector: db, query: "CREATE TABLE docs (id int, data jsonb, ok bool, tags text[], note text)", exec: true } }
  - name: add
    process:
      - type: sql
        settings:
          connector: db
          query: INSERT INTO docs (id, data, ok, tags, note) VALUES (?, ?, ?, ?, ?) RETURNING *
          args: [body.id, '{"a": body.a}', body.ok, body.tags, body.note]
          single: true
  - name: some
    process:
      - type: sql
        settings:
          connector: db
          query: SELECT id FROM docs WHERE id = ANY(?) AND data ?? 'a' ORDER BY id
          args: [body]
`,
    ));
    await body(runtime, "setup");
    expect(
      await body(runtime, "add", { id: 1, a: "x", ok: true, tags: ["t1", "t2"], note: { n: 1 } }),
    ).toEqual({ id: 1, data: { a: "x" }, ok: true, tags: ["t1", "t2"], note: '{"n":1}' });
    await body(runtime, "add", { id: 2, a: "y", ok: false, tags: [], note: null });
    await body(runtime, "add", { id: 3, a: "z", ok: true, tags: ["t3"], note: "plain" });
    expect(await body(runtime, "some", [1, 3, 4])).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it("keeps the dsn password and secret values out of errors and logs", async () => {
    const url = new URL(pgUrl());
    url.password = "Pa55-word";
    const { runtime: rt, logger } = await start(
      `
env:
  - { name: DB_DSN, secret: true }
  - { name: TOKEN, secret: true }
connectors:
  - name: db
    type: database
    settings: { driver: postgres, dsn: "\${DB_DSN}" }
flows:
  - name: leak-password
    process:
      - { type: sql, settings: { connector: db, query: "SELECT ?::int AS n", args: [body] } }
  - name: leak-token
    process:
      - { type: sql, settings: { connector: db, query: "SELECT ?::int AS n", args: [env.TOKEN] } }
`,
      { DB_DSN: url.toString(), TOKEN: "tok-hunter2" },
    );
    runtime = rt;
    const password = await failure(rt, "leak-password", "Pa55-word");
    expect(password.message).toBe(
      'sql on connector db failed: invalid input syntax for type integer: "[redacted]" (SQLSTATE 22P02)',
    );
    const token = await failure(rt, "leak-token");
    expect(token.message).toContain('"[redacted]"');
    expect(token.message).not.toContain("hunter2");
    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toContain("Pa55-word");
    expect(logged).not.toContain("hunter2");
  });

  it("fails cleanly, and counts it, when nothing listens on the port", async () => {
    const port = await closedPort();
    const started = await start(
      `${connectorYaml("postgres", `postgres://app:s3cret-pw@127.0.0.1:${port}/orders`)}
flows:
  - name: q
    process:
      - { type: sql, settings: { connector: db, query: "SELECT 1" } }
`,
    );
    runtime = started.runtime;
    const error = await failure(runtime, "q");
    expect(error.message).toBe(
      `sql on connector db failed: cannot reach the database: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(JSON.stringify(started.logger.lines)).not.toContain("s3cret-pw");
    expect(started.counted).toEqual(["db/query"]);
  });

  it("gives up after connectTimeout when the server never answers, instead of hanging", async () => {
    const silent = await silentServer();
    try {
      const { runtime: rt, counted } = await start(
        `${connectorYaml("postgres", `postgres://app@127.0.0.1:${silent.port}/orders`, ", connectTimeout: 200ms")}
flows:
  - name: q
    process:
      - { type: sql, settings: { connector: db, query: "SELECT 1" } }
`,
      );
      runtime = rt;
      const error = await failure(rt, "q");
      expect(error.message).toBe(
        `sql on connector db failed: cannot reach the database: write CONNECT_TIMEOUT 127.0.0.1:${silent.port}`,
      );
      expect(counted).toEqual(["db/query"]);
    } finally {
      await runtime?.stop();
      runtime = undefined;
      await silent.close();
    }
  });

  it("closes every connection of the pool when the runtime stops", async () => {
    const { runtime: rt } = await start(
      `${connectorYaml("postgres", pgUrl(), ", maxOpenConns: 3")}
flows:
  - name: q
    process:
      - { type: sql, settings: { connector: db, query: "SELECT pg_sleep(0.05) AS slept" } }
`,
    );
    const admin = postgres(pgUrl(), { max: 1, onnotice: () => {} });
    const open = async () =>
      (await admin`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'octo:db'`)[0]
        ?.n as number;
    try {
      await Promise.all([1, 2, 3].map(() => body(rt, "q")));
      expect(await open()).toBeGreaterThan(0);
      await rt.stop();
      // The server notices a closed connection asynchronously: poll, bounded.
      for (let i = 0; i < 100 && (await open()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await open()).toBe(0);
    } finally {
      await rt.stop();
      await admin.end();
    }
  });
});

describe("database connector settings", () => {
  const flows = `
flows:
  - name: q
    process:
      - { type: sql, settings: { connector: db, query: "SELECT 1" } }
`;

  it("rejects an unknown driver", () => {
    const errors = loadErrors(connectorYaml("mysql", "x") + flows);
    expect(errors.join("\n")).toMatch(/t\.yaml:5:\d+: .*"driver" must be one of "postgres", "sqlite"/);
  });

  it("requires a dsn", () => {
    const errors = loadErrors(
      `
connectors:
  - { name: db, type: database, settings: { driver: sqlite } }
${flows}`,
    );
    expect(errors.join("\n")).toMatch(/t\.yaml:3:\d+: .*"dsn" is required/);
  });

  it("rejects a postgres dsn that is not a postgres:// URL, without echoing it", () => {
    const errors = loadErrors(connectorYaml("postgres", "host=db password=hunter2") + flows);
    const [message = ""] = (errors[0] ?? "").split("\n");
    expect(message).toMatch(/^t\.yaml:5:\d+: .*a postgres dsn must be a postgres:\/\/ URL/);
    // Only the excerpt of the file (what the author wrote there) shows the value.
    expect(message).not.toContain("hunter2");
  });

  it("rejects a URL as a sqlite dsn", () => {
    const errors = loadErrors(connectorYaml("sqlite", "file:orders.db?cache=shared") + flows);
    expect(errors.join("\n")).toMatch(/a sqlite dsn is a file path or :memory:, not a URL/);
  });

  it("rejects pool sizes and durations that cannot work", () => {
    const errors = loadErrors(
      connectorYaml(
        "postgres",
        "postgres://db/x",
        ", maxOpenConns: 0, maxIdleConns: -1, connMaxLifetime: soon, connectTimeout: '0'",
      ) + flows,
    ).join("\n");
    expect(errors).toMatch(/"maxOpenConns"/);
    expect(errors).toMatch(/"maxIdleConns"/);
    expect(errors).toMatch(/"connMaxLifetime".*duration/);
    expect(errors).toMatch(/connectTimeout must be longer than 0/);
  });
});

/** A port nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A server that accepts connections and never says a word, as a wedged database would. */
function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
