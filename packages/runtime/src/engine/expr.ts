import { compile, RUNTIME_VARIABLES } from "../cel/index.ts";
import type { Expr } from "../plugin/types.ts";
import type { Message } from "./message.ts";

export type ExprResult =
  | { ok: true; expr: Expr }
  | { ok: false; errors: { message: string; offset?: number }[] };

/**
 * Compiles a CEL setting against the runtime's variables (plus a scope's extra ones) and
 * binds it to the resolved env. Parsing and type-checking happen here, once, at load.
 */
export function compileExpr(
  source: string,
  env: Readonly<Record<string, string>>,
  extraVariables: Record<string, string> = {},
): ExprResult {
  const result = compile(source, { variables: { ...RUNTIME_VARIABLES, ...extraVariables } });
  if (!result.ok) return result;
  const compiled = result.expr;
  // Only an expression that reads `now` pays for the clock.
  const usesNow = compiled.reads("now");
  // Results share structure with their inputs (no deep copies), so an expression that may return
  // vars itself (`set-variable x = vars`, `{"all": vars}`) gets a shallow copy: vars must never
  // contain itself. Reading `vars.x`, `vars["x"]` or `has(vars.x)` cannot return vars.
  const copyVars = compiled.readsWhole("vars");
  const fill = (activation: Record<string, unknown>, msg: Message) => {
    activation.body = msg.body;
    activation.vars = copyVars ? { ...msg.vars } : msg.vars;
    activation.eventID = msg.eventID;
    activation.correlationID = msg.correlationID;
    activation.now = msg.now ?? (usesNow ? new Date() : null);
    return activation;
  };
  // One activation per expression, refilled for each evaluation instead of allocated (a foreach
  // evaluates its body's expressions once per element). Safe because evaluation is synchronous
  // and never re-enters an expression; emptied afterwards so it keeps no message alive.
  const shared: Record<string, unknown> = {
    body: null,
    vars: null,
    eventID: "",
    correlationID: "",
    env,
    now: null,
  };
  return {
    ok: true,
    expr: {
      source,
      evaluate(msg: Message, extra?: Record<string, unknown>) {
        if (extra) return compiled.evaluate(Object.assign(fill({ env }, msg), extra));
        try {
          return compiled.evaluate(fill(shared, msg));
        } finally {
          shared.body = null;
          shared.vars = null;
        }
      },
    },
  };
}
