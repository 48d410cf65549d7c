import { apiKeys } from "@octo/db";
import { TRPCError } from "@trpc/server";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Context } from "../../api/trpc.ts";
import { procedure, router } from "../../api/trpc.ts";
import { refusal } from "../../auth/identity.ts";
import { API_KEY_PREFIX, newToken, tokenDisplay, tokenHash } from "../../auth/tokens.ts";
import { notFound } from "../errors.ts";
import { id, name } from "../fields.ts";
import { upsertPerson, userOf } from "../users/service.ts";

const DAY_MS = 86_400_000;
const KEY = { kind: "api-key", field: "id" } as const;

/** What a list shows of a key: never the token or its hash. */
const summary = {
  id: apiKeys.id,
  name: apiKeys.name,
  scope: apiKeys.scope,
  prefix: apiKeys.prefix,
  last4: apiKeys.last4,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

/** Keys are made and revoked by a person only: a key cannot mint or revoke keys. */
function personOnly(ctx: Context) {
  if (ctx.identity.kind === "api-key")
    throw new TRPCError({ code: "FORBIDDEN", message: "an API key cannot create or revoke API keys" });
}

/**
 * Self-service API keys ("read" permission: any signed-in caller manages their own keys). The
 * token is returned once by `create`; only its SHA-256 and display fragments are stored.
 */
export const apiKeysRouter = router({
  create: procedure("read", { kind: "api-key", field: "name" })
    .input(
      z.object({
        name,
        scope: z.enum(["read", "write"]).default("read"),
        ttlDays: z.number().int().min(1, "must be at least 1").max(365, "must be at most 365"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      personOnly(ctx);
      // A key never grants more than its maker has.
      if (input.scope === "write" && refusal(ctx.identity, "write", ctx.policy))
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "you may not write, so you may only create read keys",
        });
      const user = await upsertPerson(ctx.services.db, ctx.identity);
      if (!user)
        throw new TRPCError({ code: "FORBIDDEN", message: "only a signed-in person can create API keys" });
      const token = newToken(API_KEY_PREFIX);
      const [row] = await ctx.services.db
        .insert(apiKeys)
        .values({
          userId: user.id,
          name: input.name,
          scope: input.scope,
          keyHash: tokenHash(token),
          ...tokenDisplay(token, API_KEY_PREFIX),
          expiresAt: new Date(Date.now() + input.ttlDays * DAY_MS),
        })
        .returning(summary);
      return { ...(row as NonNullable<typeof row>), token };
    }),

  /** The caller's own keys that are not revoked (expired ones included, flagged), newest first. */
  list: procedure("read").query(async ({ ctx }) => {
    const user = await userOf(ctx.services.db, ctx.identity);
    if (!user) return [];
    const rows = await ctx.services.db
      .select(summary)
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, user.id), isNull(apiKeys.revokedAt)))
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
    const now = Date.now();
    return rows.map((r) => ({ ...r, expired: r.expiresAt.getTime() <= now }));
  }),

  /** Revokes one of the caller's own keys; anyone else's (or an unknown one) is NOT_FOUND. */
  revoke: procedure("read", KEY)
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      personOnly(ctx);
      const user = await userOf(ctx.services.db, ctx.identity);
      const [row] = user
        ? await ctx.services.db
            .update(apiKeys)
            .set({ revokedAt: new Date() })
            .where(and(eq(apiKeys.id, input.id), eq(apiKeys.userId, user.id), isNull(apiKeys.revokedAt)))
            .returning({ id: apiKeys.id })
        : [];
      if (!row) throw notFound("API key");
      return row;
    }),
});
