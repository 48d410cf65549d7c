// The database of a test: statements answered from the case's mocks. Placeholders are still
// counted against the args (as the real drivers do), so a statement that would fail there fails here.

import { queryScanner } from "../../connectors/database/database.ts";
import { type Database, DatabaseError, type ExecResult } from "../../connectors/database/index.ts";
import type { Driver } from "../../connectors/database/spec.ts";
import { jsonEqual, preview, statementMatches } from "../matchers.ts";
import type { DatabaseMock } from "../test-file.ts";
import type { Recorder } from "./recorder.ts";

export function mockDatabase(
  name: string,
  driver: Driver,
  rules: readonly DatabaseMock[],
  recorder: Recorder,
): Database {
  const mine = rules.filter((r) => r.connector === undefined || r.connector === name);
  const scan = queryScanner(driver === "postgres" ? "postgres" : "sqlite");
  let closed = false;

  const answer = (sql: string, args: readonly unknown[], kind: "query" | "exec"): DatabaseMock => {
    if (closed) throw new DatabaseError(`connector ${name} is closed`);
    scan(sql, args);
    recorder.database.push({ connector: name, statement: sql, args: [...args], kind });
    const rule = recorder.pick(
      mine,
      (r) => statementMatches(r, sql) && (r.args === undefined || jsonEqual(r.args, args)),
    );
    if (!rule) {
      const line = `database ${name}: ${sql.replace(/\s+/g, " ").trim()} with args ${preview(args)}`;
      recorder.unmocked.push(line);
      throw new DatabaseError(
        `no mock answers ${preview(sql.replace(/\s+/g, " ").trim(), 120)} with args ${preview(args)}; ` +
          "add one under mocks.database",
      );
    }
    if (rule.error !== undefined) throw new DatabaseError(rule.error);
    return rule;
  };

  return {
    driver,
    async query(sql, args) {
      return structuredClone(answer(sql, args, "query").rows ?? []);
    },
    async exec(sql, args): Promise<ExecResult> {
      const rule = answer(sql, args, "exec");
      const result: ExecResult = { rowsAffected: rule.affected ?? rule.rows?.length ?? 0 };
      if (rule.lastInsertId !== undefined) result.lastInsertId = rule.lastInsertId;
      return result;
    },
    async close() {
      closed = true;
    },
  };
}
