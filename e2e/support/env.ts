// What the global setup started, as the tests read it (written to .test-results/e2e-env.json).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const RESULTS_DIR = join(import.meta.dirname, "..", "..", ".test-results");
export const ENV_FILE = join(RESULTS_DIR, "e2e-env.json");

export interface E2eEnv {
  /** The web app, reached as http://localhost:<port> (Next.js names loopback "localhost"). */
  webUrl: string;
  /** The orchestrator's base URL (http://127.0.0.1:<port>); its API is under /trpc. */
  orchestratorUrl: string;
  /** The OIDC provider's issuer URL. */
  issuer: string;
  /** The Anthropic stub the AI spec points AI_BASE_URL at, and the key it accepts. */
  anthropic: { url: string; apiKey: string };
  /** Process ids and temp dirs, for the teardown when the setup's own handles are gone. */
  pids: { orchestrator: number; web: number };
  tempDirs: string[];
}

let cached: E2eEnv | undefined;

export function e2eEnv(): E2eEnv {
  cached ??= JSON.parse(readFileSync(ENV_FILE, "utf8")) as E2eEnv;
  return cached;
}
