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
  // Only an expression that names `now` pays for reading the clock.
  const usesNow = /\bnow\b/.test(source);
  return {
    ok: true,
    expr: {
      source,
      evaluate(msg: Message, extra?: Record<string, unknown>) {
        const activation: Record<string, unknown> = {
          body: msg.body,
          // Results share structure with their inputs (no deep copies), so `vars` is a shallow
          // copy: `set-variable x = vars` must not make vars contain itself.
          vars: { ...msg.vars },
          eventID: msg.eventID,
          correlationID: msg.correlationID,
          env,
          now: msg.now ?? (usesNow ? new Date() : null),
        };
        if (extra) Object.assign(activation, extra);
        return compiled.evaluate(activation);
      },
    },
  };
}
