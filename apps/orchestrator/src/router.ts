import { router } from "./api/trpc.ts";
import { apiKeysRouter } from "./domains/api-keys/router.ts";
import { auditRouter } from "./domains/audit/router.ts";
import { deploymentsRouter } from "./domains/deployments/router.ts";
import { dslRouter } from "./domains/dsl/router.ts";
import { foldersRouter } from "./domains/folders/router.ts";
import { integrationsRouter } from "./domains/integrations/router.ts";
import { kvRouter } from "./domains/kv/router.ts";
import { runsRouter } from "./domains/runs/router.ts";
import { secretsRouter } from "./domains/secrets/router.ts";
import { systemRouter } from "./domains/system/router.ts";
import { usersRouter } from "./domains/users/router.ts";
import { versionsRouter } from "./domains/versions/router.ts";

/** The whole API; clients import only its type (`AppRouter`). */
export const appRouter = router({
  system: systemRouter,
  integrations: integrationsRouter,
  versions: versionsRouter,
  deployments: deploymentsRouter,
  dsl: dslRouter,
  runs: runsRouter,
  folders: foldersRouter,
  secrets: secretsRouter,
  users: usersRouter,
  apiKeys: apiKeysRouter,
  kv: kvRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
