import { configJsonSchema } from "@octo/runtime";
import { compile, RUNTIME_VARIABLES } from "@octo/runtime/cel";
import { z } from "zod";
import { procedure, router } from "../../api/trpc.ts";
import { definitionProblems } from "../deployments/validate.ts";
import { definition } from "../fields.ts";
import { runtimeRegistry } from "./runtime-registry.ts";

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier");

/**
 * The flow language as the runtime defines it, for editors and assistants: its JSON Schema, the
 * runtime's own validation of a definition, and its CEL compiler's check of one expression.
 */
export const dslRouter = router({
  /** The JSON Schema of a config file for the blocks and connectors deployments get. */
  schema: procedure("read").query(async () => configJsonSchema(await runtimeRegistry())),

  /**
   * Loads a definition as `octo run` would (with `env` as its environment) without starting it:
   * every problem with the runtime's message, code and line:col.
   */
  validate: procedure("read")
    .input(z.object({ definition, env: z.record(envName, z.string().max(65_536)).default({}) }))
    .query(async ({ input }) => {
      const problems = (await definitionProblems(input.definition, input.env)).map((d) => ({
        code: d.code,
        message: d.message,
        ...(d.hint ? { hint: d.hint } : {}),
        ...(d.location ? { line: d.location.line, col: d.location.col } : {}),
      }));
      return { ok: problems.length === 0, problems };
    }),

  /**
   * Compiles and type-checks one CEL expression with the runtime's variables (body, vars, env,
   * eventID, correlationID, now) plus `variables` a scope adds (a foreach's item): as-you-type checks.
   */
  checkCel: procedure("read")
    .input(z.object({ expression: z.string().max(16_384), variables: z.array(envName).max(32).default([]) }))
    .query(({ input }) => {
      const extra = Object.fromEntries(input.variables.map((v) => [v, "dyn"]));
      const result = compile(input.expression, { variables: { ...RUNTIME_VARIABLES, ...extra } });
      return result.ok ? { ok: true as const, errors: [] } : { ok: false as const, errors: result.errors };
    }),
});
