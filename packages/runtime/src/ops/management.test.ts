// The management port: liveness, readiness and metrics (issue 4 §4).
import { afterEach, describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { type ManagementServer, startManagementServer } from "./management.ts";
import { RuntimeMetrics } from "./metrics.ts";

const servers: ManagementServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function management(ready: () => boolean) {
  const metrics = new RuntimeMetrics({ processMetrics: false });
  const server = await startManagementServer({
    host: "127.0.0.1",
    port: 0,
    health: { service: "svc", ready },
    metrics,
  });
  servers.push(server);
  const get = (path: string, method = "GET") => fetch(`http://127.0.0.1:${server.port}${path}`, { method });
  return { get, metrics };
}

describe("management server", () => {
  it("/healthz answers 200 with the service name", async () => {
    const m = await management(() => false);
    const res = await m.get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, service: "svc", version: pkg.version });
  });

  it("/readyz follows readiness: 200 while ready, 503 otherwise", async () => {
    let ready = false;
    const m = await management(() => ready);
    expect((await m.get("/readyz")).status).toBe(503);
    ready = true;
    const res = await m.get("/readyz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, service: "svc" });
  });

  it("/metrics is the Prometheus text exposition", async () => {
    const m = await management(() => true);
    m.metrics.connectorError("api", "timeout");
    const res = await m.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('octo_connector_errors_total{connector="api",kind="timeout"} 1');
  });

  it("unknown paths are 404 and other methods 405, with a JSON error", async () => {
    const m = await management(() => true);
    const missing = await m.get("/nope");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/\/healthz/);
    expect((await m.get("/healthz", "POST")).status).toBe(405);
  });

  it("a port in use is a clear start error", async () => {
    const first = await management(() => true);
    const port = Number(new URL((await first.get("/healthz")).url).port);
    await expect(
      startManagementServer({
        host: "127.0.0.1",
        port,
        health: { service: "svc", ready: () => true },
        metrics: new RuntimeMetrics({ processMetrics: false }),
      }),
    ).rejects.toThrow(`management port 127.0.0.1:${port}: EADDRINUSE`);
  });
});
