import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { health, readiness } from "./health.ts";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function orchestrator(readyStatus: number): Promise<string> {
  server = createServer((req, res) => {
    res.writeHead(req.url === "/readyz" ? readyStatus : 404).end("{}");
  });
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it("says the service and its release version", async () => {
  const res = health();
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ ok: true, service: "octo-web", version: pkg.version });
});

it("is ready only while the orchestrator is", async () => {
  const ready = await readiness(await orchestrator(200));
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ ready: true });
});

it("is not ready while the orchestrator is starting or stopping, or unreachable", async () => {
  const url = await orchestrator(503);
  const starting = await readiness(url);
  expect(starting.status).toBe(503);
  expect(await starting.json()).toMatchObject({ ready: false, reason: "orchestrator not ready (503)" });
  await new Promise<void>((r) => server?.close(() => r()));
  server = undefined;
  const gone = await readiness(url);
  expect(gone.status).toBe(503);
  expect(await gone.json()).toMatchObject({ reason: "orchestrator unreachable" });
});
