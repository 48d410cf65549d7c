import { auditEvents } from "@octo/db";
import { and, desc, eq, gte } from "drizzle-orm";
import { z } from "zod";
import { procedure, router } from "../../api/trpc.ts";

/** The audit trail for admins: who called which mutation on what, and how it ended (never a value). */
export const auditRouter = router({
  list: procedure("admin")
    .input(
      z.object({
        limit: z.number().int().min(1, "must be at least 1").max(500, "must be at most 500").default(100),
        procedure: z.string().max(200).optional(),
        actorId: z.string().max(255).optional(),
        since: z.iso.datetime({ offset: true, error: "must be an ISO date-time" }).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      ctx.services.db
        .select()
        .from(auditEvents)
        .where(
          and(
            input.procedure === undefined ? undefined : eq(auditEvents.procedure, input.procedure),
            input.actorId === undefined ? undefined : eq(auditEvents.actorId, input.actorId),
            input.since === undefined ? undefined : gte(auditEvents.at, new Date(input.since)),
          ),
        )
        .orderBy(desc(auditEvents.id))
        .limit(input.limit),
    ),
});
