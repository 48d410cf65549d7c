import { credentialsOf } from "../auth/bearer.ts";
import { orchestratorUrl } from "../auth/settings.ts";

// Request headers the orchestrator's tRPC endpoint uses; everything else (cookies above all) stays here.
const REQUEST_HEADERS = ["content-type", "accept", "last-event-id", "trpc-accept", "x-trpc-source"];
const RESPONSE_HEADERS = ["content-type", "cache-control", "trpc-accept", "vary"];

/** A tRPC-shaped refusal, so the browser's client shows the message like any API error. */
function unauthorized(reason: "missing_auth" | "session_expired"): Response {
  const message = reason === "missing_auth" ? "sign in first" : "your session has expired: sign in again";
  return Response.json(
    { error: { message, code: -32001, data: { code: "UNAUTHORIZED", httpStatus: 401, reason } } },
    { status: 401 },
  );
}

/**
 * Forwards one /api/trpc request (query, batched mutation or SSE subscription) to the
 * orchestrator's /trpc with the caller's token, streaming the answer back unbuffered.
 */
export async function forwardToOrchestrator(req: Request): Promise<Response> {
  const credentials = await credentialsOf(req);
  if (credentials.kind === "none") return unauthorized(credentials.reason);
  const url = new URL(req.url);
  const target = `${orchestratorUrl()}/trpc${url.pathname.replace(/^\/api\/trpc/, "")}${url.search}`;
  const headers = new Headers();
  for (const name of REQUEST_HEADERS) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  if (credentials.kind === "token") headers.set("authorization", `Bearer ${credentials.token}`);
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: req.method,
      headers,
      ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: req.body, duplex: "half" }),
      signal: req.signal,
      redirect: "manual",
    } as RequestInit);
  } catch (e) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    return Response.json(
      {
        error: {
          message: `the orchestrator did not answer (${(e as Error).message})`,
          code: -32603,
          data: { code: "BAD_GATEWAY", httpStatus: 502 },
        },
      },
      { status: 502 },
    );
  }
  const out = new Headers();
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) out.set(name, value);
  }
  // Proxies between us and the browser must not buffer an event stream.
  if (out.get("content-type")?.startsWith("text/event-stream")) out.set("x-accel-buffering", "no");
  return new Response(upstream.body, { status: upstream.status, headers: out });
}
