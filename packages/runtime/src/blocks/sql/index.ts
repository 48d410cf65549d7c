import { z } from "zod";
import { type Database, SqlUsageError } from "../../connectors/database/index.ts";
import { scanQuery } from "../../connectors/database/placeholders.ts";
import { cel, connectorRef } from "../../dsl/fields.ts";
import type { Message } from "../../engine/message.ts";
import { FlowError } from "../../errors/diagnostic.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import { expectList } from "../checks.ts";

const fields = z.strictObject({
  connector: connectorRef("a database connector", ["database"]),
  query: z
    .string()
    .min(1)
    .meta({
      description:
        "one SQL statement; `?` marks each parameter (not inside quotes or comments). " +
        "On postgres `??` is a literal ? (jsonb operators)",
    }),
  args: z
    .union([z.array(cel("the value of one ?")), cel("a list with the value of each ?, in order")])
    .optional()
    .meta({
      description:
        "the values bound to the ?s, in order: a list of CEL expressions (one per ?) or one CEL " +
        "expression that yields a list. Values are bound, never spliced into the SQL",
    }),
  exec: z.boolean().default(false).meta({
    description: 'run for the effect: the body becomes {"rowsAffected": n} (+ lastInsertId on sqlite)',
  }),
  single: z.boolean().default(false).meta({
    description: "the body becomes the first row (or null when there is none) instead of the list of rows",
  }),
});

type Settings = z.infer<typeof fields>;

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const sql: BlockDefinition<{ name?: string; settings: Settings }> = {
  type: "sql",
  label: "SQL",
  category: "processor",
  description:
    "Runs one SQL statement on a database connector with bound ? parameters; the rows " +
    "(or the first row, or the rows affected) become the body.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const { connector, query, exec: forEffect, single } = node.settings;
    const block = node.name ?? "sql";
    ctx.connector("connector", connector, { type: "database" });
    if (forEffect && single) {
      ctx.error(
        "single",
        "sql-exec-single",
        "exec and single cannot both be true",
        'exec returns {"rowsAffected": n}, single returns one row: keep one of them',
      );
    }
    // The connector's driver is only known at run time: check what both dialects agree on.
    const scans = [scanQuery(query, "postgres"), scanQuery(query, "sqlite")];
    const statements = Math.min(...scans.map((s) => s.statements));
    const placeholders = scans[0]?.placeholders ?? 0;
    const fits = (n: number) => scans.some((s) => s.placeholders === n);
    if (statements === 0) ctx.error("query", "sql-empty-query", "query holds no SQL statement");
    if (statements > 1) {
      ctx.error(
        "query",
        "sql-multiple-statements",
        `query holds ${statements} statements; a sql block runs one`,
        "use one sql block per statement",
      );
    }
    const countHint =
      "give one args value per ?, in order; a ? inside quotes or a comment is not a placeholder";
    let args: (msg: Message) => unknown[];
    const written = node.settings.args;
    if (written === undefined) {
      if (!fits(0)) {
        ctx.error(
          "query",
          "sql-args-count",
          `query has ${count(placeholders, "placeholder")} (?) but no args`,
          countHint,
        );
      }
      args = () => [];
    } else if (Array.isArray(written)) {
      const exprs = written.map((source, i) => ctx.expr(["args", i], source));
      if (!fits(exprs.length)) {
        ctx.error(
          "args",
          "sql-args-count",
          `query has ${count(placeholders, "placeholder")} (?) but args lists ${count(exprs.length, "value")}`,
          countHint,
        );
      }
      args = (msg) => exprs.map((e) => e.evaluate(msg));
    } else {
      const expr = ctx.expr("args", written);
      args = (msg) => expectList(expr.evaluate(msg), "sql args");
    }

    return async (msg, exec) => {
      const values = args(msg);
      const db = exec.runtime.connector<Database>(connector);
      try {
        if (forEffect) {
          msg.body = await db.exec(query, values);
        } else {
          const rows = await db.query(query, values);
          msg.body = single ? (rows[0] ?? null) : rows;
        }
      } catch (e) {
        // A database failure is the connector's; a query that does not fit its args is the flow's.
        if (!(e instanceof SqlUsageError)) exec.runtime.connectorError(connector, "query");
        const reason = e instanceof Error ? e.message : String(e);
        throw new FlowError(`sql on connector ${connector} failed: ${reason}`, exec.flow, block);
      }
    };
  },
};
