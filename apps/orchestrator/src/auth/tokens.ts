import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** API keys: `octo_` + 43 base64url characters (32 random bytes). */
export const API_KEY_PREFIX = "octo_";
/** Per-deployment tokens the runtime's pods send to the KV API. */
export const DEPLOYMENT_TOKEN_PREFIX = "octd_";

export function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** Only this hash is stored (lower-case hex SHA-256 of the whole token). */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The fragments shown in lists: `octo_abcd` … `wxyz`. */
export function tokenDisplay(token: string, prefix: string): { prefix: string; last4: string } {
  const body = token.slice(prefix.length);
  return { prefix: prefix + body.slice(0, 4), last4: body.slice(-4) };
}

/** Constant-time comparison of two hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
