// The built web app served by its standalone server for tests, against a given orchestrator.
import { freePort, type OctoProcess, startNode } from "../../../packages/runtime/test/octo-process.ts";
import { ensureWebBuild, serveCommand } from "../scripts/ensure-build.mjs";

export interface WebServer {
  url: string;
  process: OctoProcess;
}

/** Builds the app if its sources changed, then serves it on a free port with `env`. */
export async function startWeb(env: Record<string, string>): Promise<WebServer> {
  ensureWebBuild({ log: () => {} });
  const port = await freePort();
  const serve = serveCommand(port, "127.0.0.1");
  const proc = startNode(serve.args, {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    ...serve.env,
    ...env,
  });
  await proc.waitFor(/Ready in/, 60_000);
  // Next.js names every loopback host "localhost" in request URLs, so Auth.js's callback URL
  // and cookies are for localhost: the app is reached by that name, as a person would.
  return { url: `http://localhost:${port}`, process: proc };
}
