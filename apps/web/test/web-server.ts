// The built web app served by `next start` for tests, against a given orchestrator.
import { join } from "node:path";
import { freePort, type OctoProcess, startNode } from "../../../packages/runtime/test/octo-process.ts";
import { ensureWebBuild, nextBin } from "../scripts/ensure-build.mjs";

export interface WebServer {
  url: string;
  process: OctoProcess;
}

/** Builds the app if its sources changed, then serves it on a free port with `env`. */
export async function startWeb(env: Record<string, string>): Promise<WebServer> {
  ensureWebBuild({ log: () => {} });
  const port = await freePort();
  const proc = startNode(
    [nextBin(), "start", join(import.meta.dirname, ".."), "-p", String(port), "-H", "127.0.0.1"],
    { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
  );
  await proc.waitFor(/Ready in/, 60_000);
  // Next.js names every loopback host "localhost" in request URLs, so Auth.js's callback URL
  // and cookies are for localhost: the app is reached by that name, as a person would.
  return { url: `http://localhost:${port}`, process: proc };
}
