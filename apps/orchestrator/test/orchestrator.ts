// Starts a whole orchestrator for tests: in-memory PGlite (or a given Postgres URL), the real local
// driver on a temp dir, a free port on 127.0.0.1.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOctoClient } from "../src/client/index.ts";
import { readConfig } from "../src/config.ts";
import { createLocalDriver } from "../src/drivers/local/index.ts";
import { type RunningOrchestrator, startOrchestrator } from "../src/orchestrator.ts";

export interface TestOrchestrator extends RunningOrchestrator {
  client(apiKey?: string): ReturnType<typeof createOctoClient>;
  logs: string[];
}

export async function startTestOrchestrator(env: Record<string, string> = {}): Promise<TestOrchestrator> {
  const dir = mkdtempSync(join(tmpdir(), "octo-orch-"));
  const config = readConfig({ PORT: "0", OCTO_DATA_DIR: ":memory:", ...env });
  const logs: string[] = [];
  const driver = createLocalDriver({
    dataDir: dir,
    graceMs: 2_000,
    backoff: { initialMs: 100, maxMs: 1_000 },
  });
  const running = await startOrchestrator(config, {
    driver,
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
