import pkg from "../../package.json" with { type: "json" };
import { orchestratorUrl } from "../auth/settings.ts";

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } });

/** Liveness: the process serves. Says which release it is (the smoke test and operators read it). */
export function health(): Response {
  return json(200, { ok: true, service: "octo-web", version: pkg.version });
}

/**
 * Readiness: the web app is useful only while the orchestrator behind it is ready, so a load
 * balancer stops sending people here when the API cannot answer them.
 */
export async function readiness(orchestrator = orchestratorUrl()): Promise<Response> {
  try {
    const res = await fetch(`${orchestrator}/readyz`, { signal: AbortSignal.timeout(2_000) });
    if (res.ok) return json(200, { ready: true, service: "octo-web" });
    return json(503, { ready: false, service: "octo-web", reason: `orchestrator not ready (${res.status})` });
  } catch {
    return json(503, { ready: false, service: "octo-web", reason: "orchestrator unreachable" });
  }
}
