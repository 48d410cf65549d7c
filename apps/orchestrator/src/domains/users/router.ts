import { users } from "@octo/db";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { procedure, router } from "../../api/trpc.ts";
import { refusal } from "../../auth/identity.ts";
import { notFound } from "../errors.ts";
import { id } from "../fields.ts";
import { upsertPerson, userOf } from "./service.ts";

/** What admins see of a user (never the OIDC subject). */
const PUBLIC_FIELDS = {
  id: users.id,
  email: users.email,
  name: users.name,
  createdAt: users.createdAt,
  lastLoginAt: users.lastLoginAt,
};

export const usersRouter = router({
  /**
   * The caller as a user: a person signed in through OIDC is recorded (upserted by subject) on
   * every call; an API key answers for its owner (with the key's scope); open mode is `local-dev`.
   */
  me: procedure("read").query(async ({ ctx }) => {
    const { identity } = ctx;
    const row =
      identity.kind === "api-key"
        ? await userOf(ctx.services.db, identity)
        : await upsertPerson(ctx.services.db, identity);
    if (!row) throw notFound("user");
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      roles: identity.kind === "user" ? identity.roles : [],
      via:
        identity.kind === "api-key"
          ? ("api-key" as const)
          : identity.kind === "user"
            ? ("oidc" as const)
            : ("open" as const),
      ...(identity.kind === "api-key" ? { scope: identity.scope } : {}),
      // What the caller may do, decided here so that clients (the web app) only reflect it.
      can: {
        write: refusal(identity, "write", ctx.policy) === undefined,
        admin: refusal(identity, "admin", ctx.policy) === undefined,
      },
    };
  }),

  /** Everyone who has signed in (admins: who has access, and since when). */
  list: procedure("admin").query(({ ctx }) =>
    ctx.services.db.select(PUBLIC_FIELDS).from(users).orderBy(asc(users.email)),
  ),

  get: procedure("admin")
    .input(z.object({ id }))
    .query(async ({ ctx, input }) => {
      const [row] = await ctx.services.db.select(PUBLIC_FIELDS).from(users).where(eq(users.id, input.id));
      if (!row) throw notFound("user");
      return row;
    }),
});
