import { TRPCError } from "@trpc/server";

/** Who is calling, as the orchestrator established it for this request. */
export type Identity =
  /** A person signed in through OIDC (a verified JWT). */
  | { kind: "user"; subject: string; email: string | undefined; name: string | undefined; roles: string[] }
  /** An API key of a user, acting with the key's scope. */
  | { kind: "api-key"; keyId: string; userId: string; scope: "read" | "write" }
  /** A deployed integration's pod, allowed only its own deployment's KV. */
  | { kind: "deployment"; deploymentId: string }
  /** No OIDC issuer configured: every caller may do everything (said loudly at start). */
  | { kind: "open" }
  | { kind: "anonymous" };

/** What a procedure needs; each one declares it in `.meta({ permission })`. */
export type Permission = "public" | "read" | "write" | "admin" | "deployment";

export const PERMISSIONS: readonly Permission[] = ["public", "read", "write", "admin", "deployment"];

/** Role lists from the configuration (AUTH_WRITE_ROLES, AUTH_ADMIN_ROLES). */
export interface RolePolicy {
  /** Any of these grants write; empty: every signed-in user writes. */
  writeRoles: string[];
  /** Any of these grants admin (users, secrets, audit); empty: nobody but open mode. */
  adminRoles: string[];
}

/**
 * Why a call is refused: 401 (who are you?) or 403 (not allowed). A 401 says in `reason` whether
 * no credential came (`missing_auth`) or a wrong one (`invalid_token`), for scripts and probes.
 */
export type Refusal =
  | { code: "UNAUTHORIZED"; message: string; reason: "missing_auth" | "invalid_token" }
  | { code: "FORBIDDEN"; message: string };

/** A refusal as the error a procedure throws; the API's error shape carries its reason. */
export function refusalError(r: Refusal): TRPCError {
  return new TRPCError({
    code: r.code,
    message: r.message,
    ...(r.code === "UNAUTHORIZED" ? { cause: new RefusalReason(r.reason) } : {}),
  });
}

export class RefusalReason extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

/** undefined when `identity` may call a procedure that needs `permission`. */
export function refusal(identity: Identity, permission: Permission, policy: RolePolicy): Refusal | undefined {
  if (permission === "public" || identity.kind === "open") return undefined;
  if (identity.kind === "anonymous")
    return {
      code: "UNAUTHORIZED",
      message: "sign in, or send an API key as Authorization: Bearer <key>",
      reason: "missing_auth",
    };
  if (permission === "deployment") {
    return identity.kind === "deployment"
      ? undefined
      : { code: "FORBIDDEN", message: "only a deployment's own token may use its key-value store" };
  }
  if (identity.kind === "deployment")
    return { code: "FORBIDDEN", message: "a deployment token may only use its deployment's key-value store" };
  const has = (roles: string[]) => identity.kind === "user" && roles.some((r) => identity.roles.includes(r));
  switch (permission) {
    case "read":
      return undefined;
    case "write":
      if (identity.kind === "api-key")
        return identity.scope === "write"
          ? undefined
          : { code: "FORBIDDEN", message: "this API key is read-only" };
      return policy.writeRoles.length === 0 || has(policy.writeRoles)
        ? undefined
        : { code: "FORBIDDEN", message: `writing needs one of the roles ${policy.writeRoles.join(", ")}` };
    case "admin":
      return has(policy.adminRoles)
        ? undefined
        : {
            code: "FORBIDDEN",
            message:
              policy.adminRoles.length > 0
                ? `this needs one of the admin roles ${policy.adminRoles.join(", ")}`
                : "this needs an admin role, and AUTH_ADMIN_ROLES names none",
          };
  }
}

/** The audit row's actor for an identity. */
export function actorOf(identity: Identity): { kind: string; id: string | undefined } {
  switch (identity.kind) {
    case "user":
      return { kind: "user", id: identity.subject };
    case "api-key":
      return { kind: "api-key", id: identity.keyId };
    case "deployment":
      return { kind: "deployment", id: identity.deploymentId };
    case "open":
      return { kind: "anonymous", id: "open-mode" };
    case "anonymous":
      return { kind: "anonymous", id: undefined };
  }
}
