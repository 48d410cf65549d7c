import { deployments, integrations, runs } from "@octo/db";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { procedure, router } from "../../api/trpc.ts";
import { undeploy } from "../deployments/service.ts";
import { constrained, notFound } from "../errors.ts";
import { definition, id, name } from "../fields.ts";
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

  update: procedure("write", { kind: "integration", field: "id" })
    .input(z.object({ id, name: name.optional(), definition: definition.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { id: target, ...changes } = input;
      const [row] = await constrained(
        () =>
          ctx.services.db
            .update(integrations)
            .set({ ...changes, lastUpdated: new Date() })
            .where(eq(integrations.id, target))
            .returning(),
        { onUnique: NAME_TAKEN },
      );
      if (!row) throw notFound("integration");
      return row;
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
      return { id: input.id, undeployed: live.length };
    }),
});
