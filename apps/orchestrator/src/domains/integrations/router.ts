import { deployments, integrations, runs } from "@octo/db";
import { tracked } from "@trpc/server";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { procedure, router } from "../../api/trpc.ts";
import { undeploy } from "../deployments/service.ts";
import { conflict, constrained, notFound } from "../errors.ts";
import { definition, id, name } from "../fields.ts";
import { reloadRuns } from "../runs/service.ts";
import { actingUserId } from "../users/service.ts";

const summary = {
  id: integrations.id,
  name: integrations.name,
  createdAt: integrations.createdAt,
  lastUpdated: integrations.lastUpdated,
};
const NAME_TAKEN = "an integration with this name already exists";

export const integrationsRouter = router({
  /** Every integration without its definition (lists stay small; `get` has it). */
  list: procedure("read").query(({ ctx }) =>
    ctx.services.db.select(summary).from(integrations).orderBy(asc(integrations.name)),
  ),

  get: procedure("read")
    .input(z.object({ id }))
    .query(async ({ ctx, input }) => {
      const [row] = await ctx.services.db.select().from(integrations).where(eq(integrations.id, input.id));
      if (!row) throw notFound("integration");
      return row;
    }),

  create: procedure("write", { kind: "integration", field: "name" })
    .input(z.object({ name, definition: definition.default("") }))
    .mutation(async ({ ctx, input }) => {
      const createdBy = await actingUserId(ctx.services.db, ctx.identity);
      const [row] = await constrained(
        () =>
          ctx.services.db
            .insert(integrations)
            .values({ ...input, createdBy })
            .returning(),
        {
          onUnique: NAME_TAKEN,
        },
      );
      return row as typeof integrations.$inferSelect;
    }),

  /**
   * Renames and/or saves a definition. With `expectedLastUpdated` (the `lastUpdated` the caller
   * loaded) a save over someone else's change is refused (CONFLICT) instead of overwriting it.
   * A new definition hot-reloads the integration's live editor runs.
   */
  update: procedure("write", { kind: "integration", field: "id" })
    .input(
      z.object({
        id,
        name: name.optional(),
        definition: definition.optional(),
        expectedLastUpdated: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { id: target, expectedLastUpdated, ...changes } = input;
      const { db } = ctx.services;
      // Timestamps are compared at the millisecond precision JSON carries.
      const unchanged = expectedLastUpdated
        ? sql`date_trunc('milliseconds', ${integrations.lastUpdated}) = ${new Date(expectedLastUpdated).toISOString()}::timestamptz`
        : undefined;
      const [row] = await constrained(
        () =>
          db
            .update(integrations)
            .set({ ...changes, lastUpdated: new Date() })
            .where(and(eq(integrations.id, target), unchanged))
            .returning(),
        { onUnique: NAME_TAKEN },
      );
      if (!row) {
        const [exists] = await db
          .select({ id: integrations.id })
          .from(integrations)
          .where(eq(integrations.id, target));
        if (!exists) throw notFound("integration");
        throw conflict("the integration was changed elsewhere since you loaded it; reload it first");
      }
      ctx.services.changes.emit({
        id: row.id,
        kind: "updated",
        name: row.name,
        lastUpdated: row.lastUpdated,
      });
      if (changes.definition !== undefined) await reloadRuns(ctx.services, row.id, row.definition);
      return row;
    }),

  /**
   * Changes to one integration as they happen (another tab, an API client): first its current
   * name and `lastUpdated`, then one event per update or delete.
   */
  watch: procedure("read")
    .input(z.object({ id, lastEventId: z.string().nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const [row] = await ctx.services.db
        .select(summary)
        .from(integrations)
        .where(eq(integrations.id, input.id));
      if (!row) throw notFound("integration");
      let seq = Number(input.lastEventId ?? 0) || 0;
      // Listening before the first snapshot: no change falls in between.
      const changes = ctx.services.changes.of(input.id, signal);
      yield tracked(String(++seq), {
        id: row.id,
        kind: "current" as const,
        name: row.name,
        lastUpdated: row.lastUpdated,
      });
      for await (const change of changes) yield tracked(String(++seq), change);
    }),

  /** Undeploys every deployment (and stops every run) of the integration first: nothing keeps running orphaned. */
  delete: procedure("write", { kind: "integration", field: "id" })
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const [row] = await db
        .select({ id: integrations.id })
        .from(integrations)
        .where(eq(integrations.id, input.id));
      if (!row) throw notFound("integration");
      const live = await db
        .select({ id: deployments.id })
        .from(deployments)
        .where(eq(deployments.integrationId, input.id));
      for (const d of live) await undeploy(ctx.services, d.id);
      // Runs started from the editor stop too (their rows cascade with the integration).
      const started = await db.select({ id: runs.id }).from(runs).where(eq(runs.integrationId, input.id));
      for (const r of started) await ctx.services.driver.remove(r.id);
      await db.delete(integrations).where(eq(integrations.id, input.id));
      ctx.services.changes.emit({ id: input.id, kind: "deleted" });
      return { id: input.id, undeployed: live.length };
    }),
});
