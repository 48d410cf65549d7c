import { type Database, users } from "@octo/db";
import { eq, sql } from "drizzle-orm";
import type { Identity } from "../../auth/identity.ts";

/** The one user of open mode (no OIDC issuer configured). */
export const LOCAL_DEV = {
  subject: "local-dev",
  email: "local-dev@localhost",
  name: "Local developer",
} as const;

export type UserRow = typeof users.$inferSelect;

/**
 * The users row of a person: upserted by OIDC subject (refreshing email, name and last login);
 * in open mode the `local-dev` user. Undefined for API keys (use `userOf`) and deployments.
 */
export async function upsertPerson(db: Database, identity: Identity): Promise<UserRow | undefined> {
  const who =
    identity.kind === "user"
      ? { subject: identity.subject, email: identity.email ?? "", name: identity.name ?? "" }
      : identity.kind === "open"
        ? LOCAL_DEV
        : undefined;
  if (!who) return undefined;
  const [row] = await db
    .insert(users)
    .values({ ...who, lastLoginAt: new Date() })
    .onConflictDoUpdate({
      target: users.subject,
      set: { email: who.email, name: who.name, lastLoginAt: sql`now()` },
    })
    .returning();
  return row;
}

/** The caller's users row without writing: by subject for a person, by owner for an API key. */
export async function userOf(db: Database, identity: Identity): Promise<UserRow | undefined> {
  const where =
    identity.kind === "user"
      ? eq(users.subject, identity.subject)
      : identity.kind === "open"
        ? eq(users.subject, LOCAL_DEV.subject)
        : identity.kind === "api-key"
          ? eq(users.id, identity.userId)
          : undefined;
  if (!where) return undefined;
  const [row] = await db.select().from(users).where(where);
  return row;
}

/** The users row id to record as `created_by`: a person (recorded now), a key's owner, else none. */
export async function actingUserId(db: Database, identity: Identity): Promise<string | null> {
  const row = identity.kind === "api-key" ? await userOf(db, identity) : await upsertPerson(db, identity);
  return row?.id ?? null;
}
