// The db-orders sample, run the way a person runs it: the real `octo run` CLI in a child process,
// against a SQLite file built by build-db.mjs and against a throwaway PostgreSQL cluster. What
// the HTTP answers claim is checked in the database itself.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type Postgres from "../../packages/runtime/node_modules/postgres/types/index.js";
import { startPostgres, type ThrowawayPostgres } from "../../packages/runtime/test/postgres.ts";
import { freePort, killAll, ROOT, runSample, sample } from "../test/octo-process.ts";

// Samples do not depend on the postgres client themselves: borrow the runtime's copy.
const postgres = createRequire(join(ROOT, "packages/runtime/package.json"))("postgres") as typeof Postgres;

afterEach(killAll);

interface Order {
  id: number;
  customer: string;
  item: string;
  quantity: number;
  status: string;
  created_at: string;
}

/** What the HTTP answer and the database hold for one order, minus created_at (checked apart). */
type OrderFields = Omit<Order, "created_at">;

const ADA: OrderFields = { id: 1, customer: "ada", item: "keyboard", quantity: 1, status: "shipped" };
const GRACE: OrderFields = { id: 2, customer: "grace", item: "monitor", quantity: 2, status: "new" };
const SEEDED = [ADA, GRACE];
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const withTimestamp = (o: OrderFields) => ({ ...o, created_at: expect.stringMatching(ISO_UTC) });

interface Orders {
  url(path: string): string;
  /** Everything the sample wrote to stdout and stderr. */
  output(): string;
}

async function startOrders(env: Record<string, string>): Promise<Orders> {
  const port = await freePort();
  const octo = await runSample(sample("db-orders"), { HTTP_PORT: String(port), ...env });
  return { url: (path) => `http://127.0.0.1:${port}${path}`, output: () => octo.output() };
}

/** One HTTP call; the body parsed as JSON (undefined when empty). */
async function call(url: string, method = "GET", body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
}

/** The `error` of a JSON error answer. */
const errorOf = (answer: { body: unknown }) => (answer.body as { error?: unknown } | undefined)?.error;

/** The rows as the database holds them, read past the sample. */
type ReadRows = () => Promise<Order[]>;

async function crudRound(orders: Orders, stored: ReadRows): Promise<void> {
  const list = await call(orders.url("/orders"));
  expect(list.status).toBe(200);
  expect(list.body).toEqual(SEEDED.map(withTimestamp));

  expect((await call(orders.url("/orders?status=new"))).body).toEqual([withTimestamp(GRACE)]);
  expect((await call(orders.url("/orders?status=shipped"))).body).toEqual([withTimestamp(ADA)]);
  expect(await call(orders.url("/orders?status=lost"))).toEqual({ status: 200, body: [] });

  const created = await call(orders.url("/orders"), "POST", { customer: "lin", item: "mouse", quantity: 3 });
  expect(created.status).toBe(201);
  // RETURNING * hands back what the database filled in: the id, the default status, created_at.
  expect(created.body).toEqual(
    withTimestamp({ id: 3, customer: "lin", item: "mouse", quantity: 3, status: "new" }),
  );
  expect((await stored()).find((o) => o.id === 3)).toEqual(created.body);

  expect(await call(orders.url("/orders/3"))).toEqual({ status: 200, body: created.body });
  expect(await call(orders.url("/orders/99"))).toEqual({ status: 404, body: { error: "no order 99" } });

  const updated = await call(orders.url("/orders/3"), "PUT", { status: "shipped" });
  expect(updated).toEqual({ status: 200, body: { ...(created.body as Order), status: "shipped" } });
  expect((await stored()).find((o) => o.id === 3)?.status).toBe("shipped");
  expect(await call(orders.url("/orders/98"), "PUT", { status: "shipped" })).toEqual({
    status: 404,
    body: { error: "no order 98" },
  });

  expect(await call(orders.url("/orders/3"), "DELETE")).toEqual({ status: 200, body: { deleted: 1 } });
  expect(await call(orders.url("/orders/3"), "DELETE")).toEqual({ status: 404, body: { deleted: 0 } });
  expect((await call(orders.url("/orders/3"))).status).toBe(404);
  expect((await stored()).map((o) => o.id)).toEqual([1, 2]);
}

async function injectionRound(orders: Orders, stored: ReadRows): Promise<void> {
  const hostile = {
    customer: "x'); DROP TABLE orders; --",
    item: "mouse' OR '1'='1",
    quantity: 1,
  };
  const created = await call(orders.url("/orders"), "POST", hostile);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: 3, ...hostile });
  // A quote in a filter value is data too: it matches no status instead of every row.
  const filter = encodeURIComponent("' OR '1'='1");
  expect(await call(orders.url(`/orders?status=${filter}`))).toEqual({ status: 200, body: [] });

  const rows = await stored();
  expect(rows.map((o) => o.id)).toEqual([1, 2, 3]);
  expect(rows[2]).toMatchObject(hostile);
}

/** A constraint the database enforces comes back as a 500 naming it, never with the DSN. */
async function constraintRound(orders: Orders, dsn: string, notNull: RegExp): Promise<void> {
  const nullQuantity = await call(orders.url("/orders"), "POST", {
    customer: "lin",
    item: "mouse",
    quantity: null,
  });
  expect(nullQuantity.status).toBe(500);
  expect(errorOf(nullQuantity)).toMatch(/^sql on connector db failed: /);
  expect(errorOf(nullQuantity)).toMatch(notNull);

  const zero = await call(orders.url("/orders"), "POST", { customer: "lin", item: "mouse", quantity: 0 });
  expect(zero.status).toBe(500);
  expect(errorOf(zero)).toMatch(/check constraint/i);

  // A field missing from the request fails before the database is asked, naming the field.
  const missing = await call(orders.url("/orders"), "POST", { customer: "lin", item: "mouse" });
  expect(missing).toEqual({ status: 500, body: { error: "no such key: quantity" } });

  for (const answer of [nullQuantity, zero, missing]) expect(JSON.stringify(answer.body)).not.toContain(dsn);
  expect(orders.output()).not.toContain(dsn);
}

describe("samples/db-orders on SQLite", () => {
  let dir = "";
  let file = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "octo-db-orders-"));
    file = join(dir, "orders.db");
    // The way the header comment says to build it.
    const built = execFileSync(process.execPath, [sample("db-orders", "build-db.mjs"), file], {
      encoding: "utf8",
    });
    expect(built).toBe(`built ${file}\n`);
  });
  afterEach(() => {
    killAll(); // before the file goes, so no sample is left writing to it
    rmSync(dir, { recursive: true, force: true });
  });

  /** Read with node:sqlite straight from the file: what another program would see. */
  const stored: ReadRows = async () => {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      return db
        .prepare("SELECT * FROM orders ORDER BY id")
        .all()
        .map((row) => ({ ...row }) as unknown as Order);
    } finally {
      db.close();
    }
  };

  it("lists, filters, creates (201, RETURNING *), reads, updates and deletes orders in the file", async () => {
    await crudRound(await startOrders({ DB_DSN: file }), stored);
  }, 30_000);

  it("stores SQL in a field verbatim, as data", async () => {
    await injectionRound(await startOrders({ DB_DSN: file }), stored);
  }, 30_000);

  it("a constraint violation answers 500 with the database's reason and without the DSN", async () => {
    const orders = await startOrders({ DB_DSN: file });
    await constraintRound(orders, file, /NOT NULL constraint failed: orders\.quantity/);
    expect((await stored()).map((o) => o.id)).toEqual([1, 2]);
  }, 30_000);

  it("a database that cannot be opened answers 500 with the path redacted", async () => {
    const missing = join(dir, "no-such-dir", "orders.db");
    const orders = await startOrders({ DB_DSN: missing });
    const res = await call(orders.url("/orders"));
    expect(res).toEqual({
      status: 500,
      body: {
        error:
          "sql on connector db failed: cannot open sqlite database [redacted]: unable to open database file",
      },
    });
    expect(orders.output()).toContain("cannot open sqlite database [redacted]");
    expect(orders.output()).not.toContain(missing);
  }, 30_000);
});

describe("samples/db-orders on PostgreSQL", () => {
  let pg: ThrowawayPostgres | undefined;
  let admin: Postgres.Sql | undefined;
  const schema = readFileSync(sample("db-orders", "schema.postgres.sql"), "utf8");

  beforeAll(async () => {
    pg = await startPostgres();
    admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await pg?.stop();
  }, 60_000);

  const db = () => {
    if (!pg || !admin) throw new Error("postgres did not start");
    return { url: pg.url, sql: admin };
  };
  // Each test starts from the schema's two rows, as a person following the header comment would.
  beforeEach(async () => {
    await db().sql.unsafe(`DROP TABLE IF EXISTS orders; ${schema}`);
  });

  const stored: ReadRows = async () => [...(await db().sql<Order[]>`SELECT * FROM orders ORDER BY id`)];
  const startOnPostgres = () => startOrders({ DB_DRIVER: "postgres", DB_DSN: db().url });

  it("lists, filters, creates (201, RETURNING *), reads, updates and deletes orders in the table", async () => {
    await crudRound(await startOnPostgres(), stored);
  }, 30_000);

  it("stores SQL in a field verbatim, as data", async () => {
    await injectionRound(await startOnPostgres(), stored);
  }, 30_000);

  it("a constraint violation answers 500 with the database's reason and without the DSN", async () => {
    const orders = await startOnPostgres();
    await constraintRound(orders, db().url, /violates not-null constraint \(SQLSTATE 23502\)/);
    expect((await stored()).map((o) => o.id)).toEqual([1, 2]);
  }, 30_000);

  it("an unreachable server answers 500 without the DSN or its password", async () => {
    const password = "pw-5ecret-7781";
    const dsn = `postgres://octo:${password}@127.0.0.1:${await freePort()}/orders`;
    const orders = await startOrders({ DB_DRIVER: "postgres", DB_DSN: dsn });
    const res = await call(orders.url("/orders"));
    expect(res.status).toBe(500);
    expect(errorOf(res)).toMatch(/^sql on connector db failed: cannot reach the database: /);
    for (const text of [JSON.stringify(res.body), orders.output()]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(dsn);
    }
  }, 30_000);
});
