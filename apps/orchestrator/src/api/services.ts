import type { Cipher, Database } from "@octo/db";
import type { IntegrationChanges } from "../domains/integrations/changes.ts";
import type { DeploymentDriver } from "../drivers/types.ts";

/**
 * What procedures use besides their input, wired by the orchestrator (src/orchestrator.ts).
 * Kept as one interface so routers stay typed without importing the app that wires them.
 */
export interface Services {
  db: Database;
  databaseKind: "pglite" | "postgres";
  /** Encrypts secret values at rest (KV secret namespaces, secret literals, the local secret store). */
  cipher: Cipher;
  driver: DeploymentDriver;
  /** Parent domain of exposed deployments; unset: exposing is refused. */
  baseDomain?: string | undefined;
  /** This orchestrator's base URL once it listens; deployed pods get it for the KV API. */
  apiUrl?: string | undefined;
  /** Integration updates and deletes, for editors that watch one integration. */
  changes: IntegrationChanges;
  /**
   * The dev env of each live editor run, in memory only (never stored): a save re-applies the
   * run with the new definition and the same env (hot reload).
   */
  runEnv: Map<string, Record<string, string>>;
}
