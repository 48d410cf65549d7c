import { deploymentEnv, deployments, secrets } from "@octo/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { procedure, router } from "../../api/trpc.ts";
import { conflict, notFound } from "../errors.ts";
import { userOf } from "../users/service.ts";

/** A valid env var name and Kubernetes Secret key. */
const secretName = z
  .string()
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Z_][A-Z0-9_]*$/, "must be UPPER_SNAKE_CASE (A-Z, 0-9, _; not starting with a digit)");
const SECRET = { kind: "secret", field: "name" } as const;

const summary = { name: secrets.name, createdAt: secrets.createdAt, lastUpdated: secrets.lastUpdated };

/**
 * Cluster secrets: names and timestamps are listed, values are write-only. A value goes to the
 * driver's secret store (local: encrypted in the database; Kubernetes: the Secret `octo-secrets`)
 * and is never returned, logged or audited.
 */
export const secretsRouter = router({
  /** Each secret with the deployments that bind it (what a delete would leave without it). */
  list: procedure("read").query(async ({ ctx }) => {
    const { db } = ctx.services;
    const rows = await db.select(summary).from(secrets).orderBy(asc(secrets.name));
    const bindings = await db
      .selectDistinct({ secret: deploymentEnv.secretName, id: deployments.id, name: deployments.name })
      .from(deploymentEnv)
      .innerJoin(deployments, eq(deployments.id, deploymentEnv.deploymentId))
      .where(eq(deploymentEnv.kind, "secret"))
      .orderBy(asc(deployments.name));
    return rows.map((row) => ({
      ...row,
      usedBy: bindings.filter((b) => b.secret === row.name).map(({ id, name }) => ({ id, name })),
    }));
  }),

  /** Creates or overwrites a secret (metadata and encrypted value in one transaction). */
  set: procedure("admin", SECRET)
    .input(z.object({ name: secretName, value: z.string().max(1_048_576, "must be at most 1 MiB") }))
    .mutation(async ({ ctx, input }) => {
      const { db, driver } = ctx.services;
      const updatedBy = (await userOf(db, ctx.identity))?.id ?? null;
      const [row] = await db
        .insert(secrets)
        .values({ name: input.name, updatedBy })
        .onConflictDoUpdate({ target: secrets.name, set: { lastUpdated: sql`now()`, updatedBy } })
        .returning(summary);
      // The value goes only to the driver's store (the database's, encrypted, or the cluster's).
      await driver.secrets.set(input.name, input.value);
      return row as NonNullable<typeof row>;
    }),

  /**
   * Refused (CONFLICT) while a deployment binds the secret, unless `force`: a forced delete
   * leaves those deployments running, but their next rollout fails until it is set again.
   */
  delete: procedure("admin", SECRET)
    .input(z.object({ name: secretName, force: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const deleted = await db.transaction(async (tx) => {
        const [row] = await tx
          .select(summary)
          .from(secrets)
          .where(eq(secrets.name, input.name))
          .for("update");
        if (!row) throw notFound("secret");
        const users = await tx
          .selectDistinct({ id: deploymentEnv.deploymentId })
          .from(deploymentEnv)
          .where(and(eq(deploymentEnv.kind, "secret"), eq(deploymentEnv.secretName, input.name)));
        if (users.length > 0 && !input.force)
          throw conflict(`secret is in use by a deployment: ${users.map((u) => u.id).join(", ")}`);
        await tx.delete(secrets).where(eq(secrets.name, input.name));
        return { name: input.name, stillBoundBy: users.map((u) => u.id) };
      });
      // After the transaction (PGlite has one connection): the value leaves its store too.
      await ctx.services.driver.secrets.delete(input.name);
      return deleted;
    }),
});
