import { EventEmitter, on } from "node:events";
import { deployments, integrations, versions } from "@octo/db";
import { tracked } from "@trpc/server";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Services } from "../../api/services.ts";
import { procedure, router } from "../../api/trpc.ts";
import { badRequest, notFound } from "../errors.ts";
import { id } from "../fields.ts";
import { logStream } from "../log-stream.ts";
import { actingUserId } from "../users/service.ts";
import { definitionFacts, slugify } from "./env-rules.ts";
import { deploy, freeSlug, getDeployment, rollout, scale, undeploy, view } from "./service.ts";

const replicas = z.number().int().min(1, "must be at least 1").max(20, "must be at most 20");
const binding = z
  .object({
    value: z.string().max(65_536).optional(),
    secret: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
  })
  .strict();

/** One integration's deployments, or every deployment (the dashboard) when no id is given. */
async function listFor(services: Services, integrationId: string | undefined) {
  const rows = await services.db
    .select()
    .from(deployments)
    .where(integrationId === undefined ? undefined : eq(deployments.integrationId, integrationId))
    .orderBy(desc(deployments.createdAt));
  return rows.map((r) => view(r, services.driver.status(r.id)));
}

export const deploymentsRouter = router({
  /** What the deploy dialog needs: the env vars a version declares and whether it serves HTTP. */
  options: procedure("read")
    .input(z.object({ integrationId: id, versionId: id.optional(), slug: z.string().max(200).optional() }))
    .query(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const [integration] = await db
        .select()
        .from(integrations)
        .where(eq(integrations.id, input.integrationId));
      if (!integration) throw notFound("integration");
      let text = integration.definition;
      if (input.versionId) {
        const [version] = await db.select().from(versions).where(eq(versions.id, input.versionId));
        if (!version || version.integrationId !== input.integrationId)
          throw badRequest("the selected version was not found");
        text = version.definition;
      }
      let facts: ReturnType<typeof definitionFacts>;
      try {
        facts = definitionFacts(text);
      } catch (e) {
        throw badRequest((e as Error).message);
      }
      const envVars = facts.declared
        .filter((d) => d.name !== "HTTP_PORT" && d.name !== "HTTP_HOST")
        .sort((a, b) => a.name.localeCompare(b.name));
      if (facts.httpPort === undefined) return { networked: false, envVars };
      // The dialog's live slug check: what the slug becomes, and whether it is free.
      const wanted = input.slug === undefined || input.slug === "" ? undefined : slugify(input.slug);
      const slug = wanted ?? (await freeSlug(ctx.services, slugify(integration.name) || "integration"));
      const [taken] = await db
        .select({ id: deployments.id })
        .from(deployments)
        .where(eq(deployments.slug, slug));
      return {
        networked: true,
        envVars,
        slug,
        slugValid: slug !== "",
        slugAvailable: slug !== "" && !taken,
        // Exposed deployments answer at https://<subdomain>.<baseDomain>; null: exposing is off.
        baseDomain: ctx.services.baseDomain ?? null,
      };
    }),

  list: procedure("read")
    .input(z.object({ integrationId: id.optional() }))
    .query(({ ctx, input }) => listFor(ctx.services, input.integrationId)),

  get: procedure("read")
    .input(z.object({ id }))
    .query(async ({ ctx, input }) =>
      view(await getDeployment(ctx.services, input.id), ctx.services.driver.status(input.id)),
    ),

  create: procedure("write", { kind: "integration", field: "integrationId" })
    .input(
      z.object({
        integrationId: id,
        versionId: id,
        replicas: replicas.default(1),
        slug: z.string().max(54).optional(),
        expose: z.boolean().default(false),
        subdomain: z.string().max(63).optional(),
        env: z.record(z.string(), binding).default({}),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      deploy(ctx.services, input, (await actingUserId(ctx.services.db, ctx.identity)) ?? undefined),
    ),

  scale: procedure("write", { kind: "deployment", field: "id" })
    .input(z.object({ id, replicas }))
    .mutation(({ ctx, input }) => scale(ctx.services, input.id, input.replicas)),

  rollout: procedure("write", { kind: "deployment", field: "id" })
    .input(z.object({ id, versionId: id }))
    .mutation(({ ctx, input }) => rollout(ctx.services, input.id, input.versionId)),

  delete: procedure("write", { kind: "deployment", field: "id" })
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await getDeployment(ctx.services, input.id);
      await undeploy(ctx.services, input.id);
      return { id: input.id };
    }),

  /**
   * Live status of an integration's deployments (of all of them without an id): a full
   * snapshot now and after every change.
   * Each snapshot is tracked by a counter, so a reconnecting client gets the current state.
   */
  watch: procedure("read")
    .input(z.object({ integrationId: id.optional(), lastEventId: z.string().nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      let seq = Number(input.lastEventId ?? 0) || 0;
      const changes = new EventEmitter();
      // Workload status from the driver, and row changes (a rollout's version) from the API.
      const stopDriver = ctx.services.driver.watch(() => changes.emit("change"));
      const stopRows = ctx.services.changes.onDeployments(() => changes.emit("change"));
      const stop = () => {
        stopDriver();
        stopRows();
      };
      try {
        yield tracked(String(++seq), await listFor(ctx.services, input.integrationId));
        for await (const _ of on(changes, "change", { signal })) {
          yield tracked(String(++seq), await listFor(ctx.services, input.integrationId));
        }
      } finally {
        stop();
      }
    }),

  /** A deployment's log lines from `lastEventId` on (the driver keeps the last lines), then live. */
  logs: procedure("read")
    .input(z.object({ id, lastEventId: z.string().nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      await getDeployment(ctx.services, input.id);
      yield* logStream(ctx.services.driver, input.id, input.lastEventId, signal);
    }),
});
