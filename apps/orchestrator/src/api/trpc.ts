import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import {
  actorOf,
  type Identity,
  type Permission,
  RefusalReason,
  type RolePolicy,
  refusal,
  refusalError,
} from "../auth/identity.ts";
import type { AuditSink } from "./audit.ts";
import type { Services } from "./services.ts";

/** What every procedure sees. `services` is the orchestrator's (database, drivers …). */
export interface Context {
  identity: Identity;
  policy: RolePolicy;
  audit: AuditSink;
  services: Services;
  /** Logs an unexpected error (the caller only gets "internal error"). */
  logError(error: unknown, procedure: string): void;
}

export interface Meta {
  /** Who may call it; a procedure without one is refused (and a test walks the router for it). */
  permission: Permission;
  /** For the audit row of a mutation: the target's kind and the input field naming it. */
  target?: { kind: string; field: string };
  /** false: not audited (a pod's KV traffic is runtime data, not a change to the platform). */
  audit?: false;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    isDev: false,
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 20_000 } },
    errorFormatter({ shape, error }) {
      // Validation errors read as "field: problem"; anything unexpected is only "internal error".
      const message =
        error.cause instanceof ZodError
          ? error.cause.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")
          : error.code === "INTERNAL_SERVER_ERROR"
            ? "internal error"
            : shape.message;
      const data = { code: shape.data.code, httpStatus: shape.data.httpStatus };
      return {
        ...shape,
        message,
        data: error.cause instanceof RefusalReason ? { ...data, reason: error.cause.reason } : data,
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

function targetOf(raw: unknown, target: Meta["target"]): string | undefined {
  if (!target || typeof raw !== "object" || raw === null) return undefined;
  const value = (raw as Record<string, unknown>)[target.field];
  return typeof value === "string" ? value : undefined;
}

/**
 * The only procedure builder: checks the declared permission for every call, and writes an
 * audit row for every mutation (refused ones included).
 */
const guarded = t.procedure.use(async ({ ctx, meta, path, type, next, getRawInput }) => {
  const started = performance.now();
  const audit = async (outcome: "ok" | "error", errorCode: string | undefined) => {
    if (type !== "mutation" || meta?.audit === false) return;
    const actor = actorOf(ctx.identity);
    await ctx.audit.record({
      actorKind: actor.kind,
      actorId: actor.id,
      procedure: path,
      targetKind: meta?.target?.kind,
      targetId: targetOf(await getRawInput().catch(() => undefined), meta?.target),
      outcome,
      errorCode,
      durationMs: Math.round(performance.now() - started),
    });
  };
  if (!meta?.permission) {
    await audit("error", "INTERNAL_SERVER_ERROR");
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: `procedure ${path} declares no permission`,
    });
  }
  const refused = refusal(ctx.identity, meta.permission, ctx.policy);
  if (refused) {
    await audit("error", refused.code);
    throw refusalError(refused);
  }
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR")
    ctx.logError(result.error.cause ?? result.error, path);
  await audit(result.ok ? "ok" : "error", result.ok ? undefined : result.error.code);
  return result;
});

/**
 * A procedure that needs `permission`; for mutations, `target` names what the audit row is about,
 * or `false` keeps the mutation out of the audit trail.
 */
export function procedure(permission: Permission, target?: Meta["target"] | false) {
  return guarded.meta(
    target === false ? { permission, audit: false } : target ? { permission, target } : { permission },
  );
}
