import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Context } from "../../api/trpc.ts";
import { procedure, router } from "../../api/trpc.ts";
import { kvDelete, kvGet, kvPut } from "./service.ts";

const MAX_VALUE_BYTES = 1_048_576;
const namespace = z
  .string()
  .min(1, "is required")
  .max(255, "must be at most 255 characters")
  .regex(/^[A-Za-z0-9_.-]+$/, "may only contain letters, digits, '.', '-' and '_'");
const key = z.string().min(1, "is required").max(1024, "must be at most 1024 characters");
const version = z.number().int().min(0, "must be 0 or more").max(Number.MAX_SAFE_INTEGER);
/** Standard base64 (padded), at most 1 MiB once decoded. */
const value = z
  .string()
  .max(Math.ceil(MAX_VALUE_BYTES / 3) * 4, "must be at most 1 MiB")
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, "must be base64")
  .transform((text) => Buffer.from(text, "base64"))
  .refine((bytes) => bytes.length <= MAX_VALUE_BYTES, "must be at most 1 MiB");

/**
 * Pods' KV writes are runtime data (caches, counters), not changes to the platform: they stay out
 * of the audit trail, which would otherwise grow with every message a flow handles.
 */
const NOT_AUDITED = false;

/**
 * The deployment whose store is used: always the caller's own token's, never an input (open
 * mode passes every permission check, so it is refused here too).
 */
function deploymentOf(ctx: Context): string {
  if (ctx.identity.kind !== "deployment")
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "only a deployment's own token may use its key-value store",
    });
  return ctx.identity.deploymentId;
}

/** A deployment's key-value store, for its pods (values are base64 bytes, versions are CAS tokens). */
export const kvRouter = router({
  get: procedure("deployment")
    .input(z.object({ namespace, key }))
    .query(({ ctx, input }) =>
      kvGet(ctx.services.db, ctx.services.cipher, { deploymentId: deploymentOf(ctx), ...input }),
    ),

  /** Compare-and-set: expectedVersion 0 creates only, otherwise it must equal the stored version. */
  put: procedure("deployment", NOT_AUDITED)
    .input(z.object({ namespace, key, value, expectedVersion: version.default(0) }))
    .mutation(({ ctx, input }) =>
      kvPut(
        ctx.services.db,
        ctx.services.cipher,
        { deploymentId: deploymentOf(ctx), namespace: input.namespace, key: input.key },
        input.value,
        input.expectedVersion,
      ),
    ),

  /** Deletes a key (absent is fine); a positive expectedVersion must match the stored one. */
  delete: procedure("deployment", NOT_AUDITED)
    .input(z.object({ namespace, key, expectedVersion: version.default(0) }))
    .mutation(({ ctx, input }) =>
      kvDelete(
        ctx.services.db,
        { deploymentId: deploymentOf(ctx), namespace: input.namespace, key: input.key },
        input.expectedVersion,
      ),
    ),
});
