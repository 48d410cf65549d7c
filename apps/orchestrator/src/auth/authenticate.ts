import type { Identity, Refusal } from "./identity.ts";
import type { OidcVerifier } from "./oidc.ts";
import { API_KEY_PREFIX, DEPLOYMENT_TOKEN_PREFIX, tokenHash } from "./tokens.ts";

/** Where API keys and deployment tokens are looked up (the database, by hash). */
export interface CredentialStore {
  apiKey(
    hash: string,
  ): Promise<
    | { id: string; userId: string; scope: "read" | "write"; expiresAt: Date; revokedAt: Date | null }
    | undefined
  >;
  /** Records a key's use (best effort). */
  touchApiKey(id: string): Promise<void>;
  deploymentToken(hash: string): Promise<{ deploymentId: string } | undefined>;
}

export interface AuthenticatorOptions {
  /** Unset: open mode, every caller may do everything. */
  oidc: OidcVerifier | undefined;
  store: CredentialStore;
  now?: () => Date;
}

const UNAUTHORIZED = (message: string): Refusal => ({
  code: "UNAUTHORIZED",
  message,
  reason: "invalid_token",
});

/**
 * Turns a request's Authorization header into an identity. A credential that is present but
 * wrong is refused (401), never treated as anonymous.
 */
export function authenticator(options: AuthenticatorOptions) {
  const now = options.now ?? (() => new Date());
  return async (authorization: string | undefined): Promise<Identity | Refusal> => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
    if (token === undefined) {
      if (authorization) return UNAUTHORIZED("the Authorization header must be `Bearer <token>`");
      return options.oidc ? { kind: "anonymous" } : { kind: "open" };
    }
    if (token.startsWith(API_KEY_PREFIX)) {
      const key = await options.store.apiKey(tokenHash(token));
      if (!key || key.revokedAt !== null || key.expiresAt <= now())
        return UNAUTHORIZED("invalid or expired API key");
      void options.store.touchApiKey(key.id).catch(() => {});
      return { kind: "api-key", keyId: key.id, userId: key.userId, scope: key.scope };
    }
    if (token.startsWith(DEPLOYMENT_TOKEN_PREFIX)) {
      const found = await options.store.deploymentToken(tokenHash(token));
      return found
        ? { kind: "deployment", deploymentId: found.deploymentId }
        : UNAUTHORIZED("invalid deployment token");
    }
    if (!options.oidc) return { kind: "open" };
    try {
      const user = await options.oidc.verify(token);
      return { kind: "user", ...user };
    } catch (e) {
      return UNAUTHORIZED(`invalid token: ${(e as Error).message}`);
    }
  };
}

export type Authenticate = ReturnType<typeof authenticator>;

export function isRefusal(v: Identity | Refusal): v is Refusal {
  return "code" in v;
}
