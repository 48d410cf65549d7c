import { integrations, runs } from "@octo/db";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Services } from "../../api/services.ts";
import { procedure, router } from "../../api/trpc.ts";
import { definitionFacts } from "../deployments/env-rules.ts";
import { badRequest, notFound } from "../errors.ts";
import { id } from "../fields.ts";
import { logStream } from "../log-stream.ts";
import { invokeFlow } from "./invoke.ts";
import { applyRun } from "./service.ts";

/**
 * Local RUNs from the editor: the integration's current (unsaved-to-a-version) definition,
 * started once with a dev env through the deployment driver, its logs streamed, test requests
 * proxied to it, stopped by hand.
 */

const MAX_BODY = 1_048_576;

async function runRow(services: Services, runId: string) {
  const [row] = await services.db.select().from(runs).where(eq(runs.id, runId));
  if (!row) throw notFound("run");
  return row;
}

function runView(row: typeof runs.$inferSelect, services: Services) {
  const live = services.driver.status(row.id);
  return {
    id: row.id,
    integrationId: row.integrationId,
    status: live ? live.phase : row.status,
    url: live?.url,
    reason: live?.lastFailure,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
  };
}

export const runsRouter = router({
  list: procedure("read")
    .input(z.object({ integrationId: id }))
    .query(async ({ ctx, input }) =>
      (
        await ctx.services.db
          .select()
          .from(runs)
          .where(eq(runs.integrationId, input.integrationId))
          .orderBy(desc(runs.startedAt))
      ).map((r) => runView(r, ctx.services)),
    ),

  start: procedure("write", { kind: "integration", field: "integrationId" })
    .input(
      z.object({
        integrationId: id,
        /** Dev values for the declared env vars (the editor's .env); never stored. */
        env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(65_536)).default({}),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const [integration] = await db
        .select()
        .from(integrations)
        .where(eq(integrations.id, input.integrationId));
      if (!integration) throw notFound("integration");
      try {
        definitionFacts(integration.definition);
      } catch (e) {
        throw badRequest((e as Error).message);
      }
      const [row] = await db.insert(runs).values({ integrationId: integration.id }).returning();
      const run = row as typeof runs.$inferSelect;
      const status = await applyRun(ctx.services, run, integration.definition, input.env);
      await db.update(runs).set({ status: status.phase }).where(eq(runs.id, run.id));
      return runView({ ...run, status: status.phase }, ctx.services);
    }),

  stop: procedure("write", { kind: "run", field: "id" })
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await runRow(ctx.services, input.id);
      await ctx.services.driver.remove(input.id);
      ctx.services.runEnv.delete(input.id);
      const [row] = await ctx.services.db
        .update(runs)
        .set({ status: "stopped", endedAt: new Date() })
        .where(eq(runs.id, input.id))
        .returning();
      return runView(row as typeof runs.$inferSelect, ctx.services);
    }),

  /** Sends one HTTP request to a running run (the editor's test-request panel). */
  request: procedure("write", { kind: "run", field: "id" })
    .input(
      z.object({
        id,
        method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).default("GET"),
        path: z
          .string()
          .regex(/^\/[^\s]*$/, "must start with / and have no spaces")
          .max(2048),
        headers: z.record(z.string(), z.string()).default({}),
        body: z.string().max(MAX_BODY).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await runRow(ctx.services, input.id);
      const url = ctx.services.driver.status(input.id)?.url;
      if (!url) throw badRequest("the run is not serving HTTP (stopped, or no HTTP_PORT declared)");
      const started = performance.now();
      const res = await fetch(new URL(input.path, url), {
        method: input.method,
        headers: input.headers,
        ...(input.body !== undefined && input.method !== "GET" && input.method !== "HEAD"
          ? { body: input.body }
          : {}),
        signal: AbortSignal.timeout(30_000),
      }).catch((e: Error) => {
        throw badRequest(`the run did not answer: ${e.message}`);
      });
      const text = await res.text();
      return {
        status: res.status,
        headers: Object.fromEntries(res.headers),
        body: text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}…` : text,
        durationMs: Math.round(performance.now() - started),
      };
    }),

  /**
   * Runs one flow of the integration's saved definition once with JSON input (the editor's
   * invoke panel): output or the runtime's error, its log lines, how long it took and, with
   * `trace`, the trace of every step.
   */
  invoke: procedure("write", { kind: "integration", field: "integrationId" })
    .input(
      z.object({
        integrationId: id,
        flow: z.string().min(1).max(200),
        data: z.unknown(),
        /** Dev values for the declared env vars (the editor's .env); never stored. */
        env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(65_536)).default({}),
        /** Also answer the run's trace: every step's input, output, duration and error. */
        trace: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const [integration] = await ctx.services.db
        .select({ definition: integrations.definition })
        .from(integrations)
        .where(eq(integrations.id, input.integrationId));
      if (!integration) throw notFound("integration");
      return invokeFlow({
        definition: integration.definition,
        flow: input.flow,
        data: input.data,
        env: input.env,
        trace: input.trace,
      });
    }),

  logs: procedure("read")
    .input(z.object({ id, lastEventId: z.string().nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      await runRow(ctx.services, input.id);
      yield* logStream(ctx.services.driver, input.id, input.lastEventId, signal);
    }),
});
