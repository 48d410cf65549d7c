import { procedure, router } from "../../api/trpc.ts";

export const systemRouter = router({
  /** Who the caller is, as the orchestrator sees it (no secrets: key ids, not keys). */
  whoami: procedure("public").query(({ ctx }) => ctx.identity),
});
