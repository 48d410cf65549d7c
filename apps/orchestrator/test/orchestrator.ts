// Starts a whole orchestrator for tests: in-memory PGlite (or a given Postgres URL), the real local
// driver on a temp dir, a free port on 127.0.0.1.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createOctoClient } from "../src/client/index.ts";
import { readConfig } from "../src/config.ts";
import { databaseSecrets } from "../src/drivers/local/database-secrets.ts";
import { createLocalDriver } from "../src/drivers/local/index.ts";
import { type RunningOrchestrator, startOrchestrator } from "../src/orchestrator.ts";
import { startTestIssuer, type TestIssuer } from "./oidc-provider.ts";

export interface TestOrchestrator extends RunningOrchestrator {
  client(apiKey?: string): ReturnType<typeof createOctoClient>;
  logs: string[];
}

export async function startTestOrchestrator(env: Record<string, string> = {}): Promise<TestOrchestrator> {
  const dir = mkdtempSync(join(tmpdir(), "octo-orch-"));
  const config = readConfig({ PORT: "0", OCTO_DATA_DIR: ":memory:", ...env });
  const logs: string[] = [];
  const running = await startOrchestrator(config, {
    driver: ({ db, cipher }) =>
      createLocalDriver({
        dataDir: dir,
        graceMs: 2_000,
        backoff: { initialMs: 100, maxMs: 1_000 },
        secrets: databaseSecrets(db, cipher),
      }),
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  return {
    ...running,
    logs,
    client: (apiKey) => createOctoClient({ url: running.url, apiKey }),
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The OIDC settings the auth tests use: writers and admins by role. */
export const OIDC_ROLES = {
  OIDC_AUDIENCE: "octo",
  AUTH_WRITE_ROLES: "octo-writer",
  AUTH_ADMIN_ROLES: "octo-admin",
};

/**
 * A test OIDC provider and an orchestrator that trusts it, started once for the file (PGlite's
 * start is slow) and stopped after it; `use` receives both.
 */
export function oidcOrchestratorPerFile(use: (orch: TestOrchestrator, issuer: TestIssuer) => void): void {
  let issuer: TestIssuer | undefined;
  let orch: TestOrchestrator | undefined;
  beforeAll(async () => {
    issuer = await startTestIssuer();
    orch = await startTestOrchestrator({ OIDC_ISSUER: issuer.issuer, ...OIDC_ROLES });
    use(orch, issuer);
  }, 60_000);
  afterAll(async () => {
    await orch?.close();
    await issuer?.close();
  });
}
