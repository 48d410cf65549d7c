import { runs } from "@octo/db";
import { and, eq, ne } from "drizzle-orm";
import type { Services } from "../../api/services.ts";
import type { DeploymentStatus } from "../../drivers/types.ts";
import { definitionFacts } from "../deployments/env-rules.ts";
import { badRequest } from "../errors.ts";

/** Starts (or restarts with a new definition) one editor run through the deployment driver. */
export async function applyRun(
  services: Services,
  run: { id: string; integrationId: string },
  definition: string,
  env: Record<string, string>,
): Promise<DeploymentStatus> {
  let facts: ReturnType<typeof definitionFacts>;
  try {
    facts = definitionFacts(definition);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  services.runEnv.set(run.id, env);
  return services.driver.apply({
    id: run.id,
    integrationId: run.integrationId,
    definition,
    replicas: 1,
    env,
    secretRefs: {},
    secretNames: facts.declared.filter((d) => d.secret).map((d) => d.name),
    httpPort: facts.httpPort,
  });
}

/**
 * A save hot-reloads the integration's live runs: each is re-applied with the new definition
 * and the dev env it was started with. A definition that does not load leaves them as they were.
 */
export async function reloadRuns(
  services: Services,
  integrationId: string,
  definition: string,
): Promise<number> {
  const live = await services.db
    .select({ id: runs.id, integrationId: runs.integrationId })
    .from(runs)
    .where(and(eq(runs.integrationId, integrationId), ne(runs.status, "stopped")));
  try {
    definitionFacts(definition);
  } catch {
    return 0;
  }
  let reloaded = 0;
  for (const run of live) {
    const env = services.runEnv.get(run.id);
    if (!env || !services.driver.status(run.id)) continue;
    const status = await applyRun(services, run, definition, env);
    await services.db.update(runs).set({ status: status.phase }).where(eq(runs.id, run.id));
    reloaded++;
  }
  return reloaded;
}
