import { integrations, versions } from "@octo/db";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { procedure, router } from "../../api/trpc.ts";
import { constrained, notFound } from "../errors.ts";
import { id, tag } from "../fields.ts";
import { actingUserId } from "../users/service.ts";

const summary = {
  id: versions.id,
  integrationId: versions.integrationId,
  tag: versions.tag,
  createdAt: versions.createdAt,
};

/** Versions are immutable tags: a frozen copy of the integration's definition at tagging time. */
export const versionsRouter = router({
  list: procedure("read")
    .input(z.object({ integrationId: id }))
    .query(({ ctx, input }) =>
      ctx.services.db
        .select(summary)
        .from(versions)
        .where(eq(versions.integrationId, input.integrationId))
        .orderBy(desc(versions.createdAt)),
    ),

  /** The frozen definition of one version (what a deploy of it runs). */
  get: procedure("read")
    .input(z.object({ id }))
    .query(async ({ ctx, input }) => {
      const [row] = await ctx.services.db.select().from(versions).where(eq(versions.id, input.id));
      if (!row) throw notFound("version");
      return row;
    }),

  create: procedure("write", { kind: "integration", field: "integrationId" })
    .input(z.object({ integrationId: id, tag }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const [integration] = await db
        .select({ definition: integrations.definition })
        .from(integrations)
        .where(eq(integrations.id, input.integrationId));
      if (!integration) throw notFound("integration");
      const createdBy = await actingUserId(db, ctx.identity);
      const [row] = await constrained(
        () =>
          db
            .insert(versions)
            .values({
              integrationId: input.integrationId,
              tag: input.tag,
              definition: integration.definition,
              createdBy,
            })
            .returning(summary),
        { onUnique: `the tag ${input.tag} already exists for this integration (tags are immutable)` },
      );
      return row as NonNullable<typeof row>;
    }),

  delete: procedure("write", { kind: "version", field: "id" })
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      const [row] = await constrained(
        () =>
          ctx.services.db.delete(versions).where(eq(versions.id, input.id)).returning({ id: versions.id }),
        {
          onForeignKey:
            "this version is deployed; undeploy it or roll its deployments to another version first",
        },
      );
      if (!row) throw notFound("version");
      return row;
    }),
});
