import { procedure, router } from "../../api/trpc.ts";
import { notFound } from "../errors.ts";
import { upsertPerson, userOf } from "./service.ts";

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
    };
  }),
});
