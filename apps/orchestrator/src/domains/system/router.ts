import { procedure, router } from "../../api/trpc.ts";
import { VERSION } from "../../ops/version.ts";

export const systemRouter = router({
  /** What this orchestrator is: version, database, driver and whether auth is on. */
  info: procedure("public").query(({ ctx }) => ({
    service: "octo-orchestrator",
    version: VERSION,
    database: ctx.services.databaseKind,
    driver: ctx.services.driver.name,
    auth: ctx.identity.kind === "open" ? ("open" as const) : ("oidc" as const),
  })),

  /** Who the caller is, as the orchestrator sees it (no secrets: key ids, not keys). */
  whoami: procedure("public").query(({ ctx }) => ctx.identity),
});
