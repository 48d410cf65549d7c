import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";

export interface OidcOptions {
  /** The issuer URL; its discovery document names the JWKS. */
  issuer: string;
  /** Expected `aud` (the client id); unset: not checked. */
  audience?: string | undefined;
  /** Dot path of the roles claim ("roles", "groups", "realm_access.roles"). */
  rolesClaim: string;
}

export interface VerifiedUser {
  subject: string;
  email: string | undefined;
  name: string | undefined;
  roles: string[];
}

/** Roles as providers send them: an array of strings, or one string split on spaces or commas. */
export function rolesAt(payload: JWTPayload, path: string): string[] {
  let value: unknown = payload;
  for (const part of path.split(".")) {
    value =
      typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  if (typeof value === "string") return value.split(/[\s,]+/).filter((v) => v !== "");
  return [];
}

/**
 * Verifies OIDC access or id tokens against the issuer's keys (found through its discovery
 * document, fetched once; jose caches the key set and refetches it for an unknown key id).
 */
export function oidcVerifier(options: OidcOptions) {
  const issuer = options.issuer.replace(/\/$/, "");
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = () => {
    keys ??= (async () => {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (!res.ok) throw new Error(`the issuer's discovery document answered ${res.status}`);
      const doc = (await res.json()) as { jwks_uri?: unknown };
      if (typeof doc.jwks_uri !== "string")
        throw new Error("the issuer's discovery document has no jwks_uri");
      return createRemoteJWKSet(new URL(doc.jwks_uri));
    })();
    // A failed discovery is retried on the next request rather than remembered.
    keys.catch(() => {
      keys = undefined;
    });
    return keys;
  };
  return {
    async verify(token: string): Promise<VerifiedUser> {
      const { payload } = await jwtVerify(token, await keySet(), {
        issuer: [issuer, `${issuer}/`],
        ...(options.audience ? { audience: options.audience } : {}),
      });
      if (typeof payload.sub !== "string" || payload.sub === "") throw new Error("the token has no subject");
      return {
        subject: payload.sub,
        email: typeof payload.email === "string" ? payload.email : undefined,
        name: typeof payload.name === "string" ? payload.name : undefined,
        roles: rolesAt(payload, options.rolesClaim),
      };
    },
  };
}

export type OidcVerifier = ReturnType<typeof oidcVerifier>;
