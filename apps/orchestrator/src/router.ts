import { router } from "./api/trpc.ts";
import { deploymentsRouter } from "./domains/deployments/router.ts";
import { integrationsRouter } from "./domains/integrations/router.ts";
import { systemRouter } from "./domains/system/router.ts";
import { versionsRouter } from "./domains/versions/router.ts";

/** The whole API; clients import only its type (`AppRouter`). */
export const appRouter = router({
  system: systemRouter,
  integrations: integrationsRouter,
  versions: versionsRouter,
  deployments: deploymentsRouter,
});

export type AppRouter = typeof appRouter;
