import { getToken } from "next-auth/jwt";
import { authSettings } from "./settings.ts";

export type Credentials =
  | { kind: "open" }
  | { kind: "token"; token: string }
  | { kind: "none"; reason: "missing_auth" | "session_expired" };

/** The caller's access token, read from the encrypted session cookie (never from the browser's JS). */
export async function credentialsOf(req: Request): Promise<Credentials> {
  if (authSettings().mode === "open") return { kind: "open" };
  const secureCookie = new URL(req.url).protocol === "https:";
  const jwt = await getToken({ req, secret: process.env.AUTH_SECRET ?? "", secureCookie });
  const token = jwt?.accessToken;
  if (typeof token !== "string" || token === "") return { kind: "none", reason: "missing_auth" };
  if (typeof jwt?.expiresAt === "number" && jwt.expiresAt * 1000 < Date.now())
    return { kind: "none", reason: "session_expired" };
  return { kind: "token", token };
}
