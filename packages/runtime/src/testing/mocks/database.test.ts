import { describe, expect, it } from "vitest";
import { DatabaseError, SqlUsageError } from "../../connectors/database/index.ts";
import { databaseMockSchema } from "../test-file.ts";
import { mockDatabase } from "./database.ts";
import { Recorder } from "./recorder.ts";

const rules = (list: unknown[]) => list.map((r) => databaseMockSchema.parse(r));

describe("mocked database", () => {
  it("answers by statement (whitespace aside) and args, and records every statement", async () => {
    const recorder = new Recorder();
    const db = mockDatabase(
      "db",
      "sqlite",
      rules([
        { statement: "SELECT * FROM orders WHERE id = ?", args: [1], rows: [{ id: 1, item: "lamp" }] },
        { statementPattern: "^SELECT \\* FROM orders WHERE id", rows: [] },
      ]),
      recorder,
    );
    expect(await db.query("SELECT *\n  FROM orders WHERE id = ?", [1])).toEqual([{ id: 1, item: "lamp" }]);
    expect(await db.query("SELECT * FROM orders WHERE id = ?", [2])).toEqual([]);
    expect(recorder.database).toEqual([
      { connector: "db", statement: "SELECT *\n  FROM orders WHERE id = ?", args: [1], kind: "query" },
      { connector: "db", statement: "SELECT * FROM orders WHERE id = ?", args: [2], kind: "query" },
    ]);
  });

  it("rows are copies: a flow changing them never changes the mock", async () => {
    const db = mockDatabase(
      "db",
      "sqlite",
      rules([{ statement: "SELECT 1", rows: [{ a: 1 }] }]),
      new Recorder(),
    );
    const first = await db.query("SELECT 1", []);
    (first[0] as { a: number }).a = 99;
    expect(await db.query("SELECT 1", [])).toEqual([{ a: 1 }]);
  });

  it("exec gives rowsAffected (from affected, else the rows' count) and lastInsertId", async () => {
    const db = mockDatabase(
      "db",
      "postgres",
      rules([
        { statement: "DELETE FROM t WHERE id = ?", affected: 3 },
        { statement: "INSERT INTO t (a) VALUES (?)", rows: [{}], lastInsertId: 12 },
      ]),
      new Recorder(),
    );
    expect(await db.exec("DELETE FROM t WHERE id = ?", [1])).toEqual({ rowsAffected: 3 });
    expect(await db.exec("INSERT INTO t (a) VALUES (?)", ["x"])).toEqual({
      rowsAffected: 1,
      lastInsertId: 12,
    });
  });

  it("error: fails the statement; an unmocked statement fails and is recorded", async () => {
    const recorder = new Recorder();
    const db = mockDatabase(
      "db",
      "sqlite",
      rules([{ statementPattern: "^INSERT", error: "UNIQUE constraint failed" }]),
      recorder,
    );
    await expect(db.query("INSERT INTO t VALUES (?)", [1])).rejects.toThrow(
      new DatabaseError("UNIQUE constraint failed"),
    );
    await expect(db.query("SELECT * FROM t WHERE a = ?", ["x"])).rejects.toThrow(
      'no mock answers "SELECT * FROM t WHERE a = ?" with args ["x"]; add one under mocks.database',
    );
    expect(recorder.unmocked).toEqual(['database db: SELECT * FROM t WHERE a = ? with args ["x"]']);
  });

  it("placeholders are counted against args, as the drivers do, before any mock is asked", async () => {
    const recorder = new Recorder();
    const db = mockDatabase("db", "sqlite", rules([{ statementPattern: ".", rows: [] }]), recorder);
    await expect(db.query("SELECT * FROM t WHERE a = ? AND b = ?", [1])).rejects.toThrow(SqlUsageError);
    expect(recorder.database).toEqual([]);
  });

  it("a rule for another connector is not this one's; a closed database refuses", async () => {
    const db = mockDatabase(
      "db",
      "sqlite",
      rules([{ connector: "other", statement: "SELECT 1", rows: [] }]),
      new Recorder(),
    );
    await expect(db.query("SELECT 1", [])).rejects.toThrow(/no mock answers/);
    await db.close();
    await expect(db.query("SELECT 1", [])).rejects.toThrow("connector db is closed");
  });
});
