// The error-handling sample: inline recovery with handle-errors (200, degraded) and a flow-level
// error chain (502), run with the real `octo run` CLI against a down or a stub inventory.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, killAll, runSample, sample } from "../test/octo-process.ts";

const servers: Server[] = [];

afterEach(async () => {
  killAll();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A stub inventory on 127.0.0.1:0; records "METHOD path" of every request it gets. */
async function stubInventory(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, requests };
}

const json = (res: ServerResponse, status: number, body: unknown, statusText?: string) => {
  const text = JSON.stringify(body);
  const headers = { "content-type": "application/json" };
  if (statusText === undefined) res.writeHead(status, headers);
  else res.writeHead(status, statusText, headers);
  res.end(text);
};

async function startSample(env: Record<string, string> = {}) {
  const port = await freePort();
  const octo = await runSample(sample("error-handling"), { HTTP_PORT: String(port), ...env });
  return { octo, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

describe("samples/error-handling", () => {
  it("with the inventory down: stock recovers to 200 degraded, reserve answers 502 from its error chain", async () => {
    const closed = await freePort();
    const { octo, url } = await startSample({ INVENTORY_URL: `http://127.0.0.1:${closed}` });

    const stock = await fetch(url("/stock/A-1"));
    expect(stock.status).toBe(200);
    const degraded = (await stock.json()) as { reason: string };
    expect(degraded).toEqual({
      status: "degraded",
      sku: "A-1",
      available: null,
      reason: `GET http://127.0.0.1:${closed}/items/A-1 failed: connect ECONNREFUSED 127.0.0.1:${closed}`,
    });
    // The error branch logged the failure before answering.
    expect(octo.output()).toContain(`"msg":"inventory unavailable: ${degraded.reason}"`);

    const reserve = await fetch(url("/reserve/A-1"), { method: "POST" });
    expect(reserve.status).toBe(502);
    expect(await reserve.json()).toEqual({
      error: `POST http://127.0.0.1:${closed}/items/A-1/reserve failed: connect ECONNREFUSED 127.0.0.1:${closed}`,
      failedBlock: "reserve-upstream",
      flow: "reserve",
    });
  }, 20_000);

  it("run as documented (no INVENTORY_URL), the default upstream refuses the connection", async () => {
    const { url } = await startSample();
    const stock = await fetch(url("/stock/B-2"));
    expect(stock.status).toBe(200);
    expect(await stock.json()).toMatchObject({
      status: "degraded",
      sku: "B-2",
      reason: expect.stringContaining("connect ECONNREFUSED 127.0.0.1:2"),
    });
  }, 20_000);

  it("with a working inventory: stock answers ok with the upstream's count, reserve succeeds", async () => {
    const inventory = await stubInventory((req, res) => {
      if (req.method === "GET" && req.url === "/items/A-1") json(res, 200, { sku: "A-1", available: 7 });
      else if (req.method === "POST" && req.url === "/items/A-1/reserve") json(res, 200, { reserved: true });
      else json(res, 404, { error: "no such item" });
    });
    const { url } = await startSample({ INVENTORY_URL: inventory.url });

    const stock = await fetch(url("/stock/A-1"));
    expect(stock.status).toBe(200);
    expect(await stock.json()).toEqual({ status: "ok", sku: "A-1", available: 7 });

    const reserve = await fetch(url("/reserve/A-1"), { method: "POST" });
    expect(reserve.status).toBe(200);
    expect(await reserve.json()).toEqual({ reserved: "A-1" });

    // An upstream 404 is a failure too: handle-errors turns it into a degraded answer.
    const unknown = await fetch(url("/stock/Z-9"));
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual({
      status: "degraded",
      sku: "Z-9",
      available: null,
      reason: `GET ${inventory.url}/items/Z-9 returned HTTP 404 Not Found: {"error":"no such item"}`,
    });
    expect(inventory.requests).toEqual(["GET /items/A-1", "POST /items/A-1/reserve", "GET /items/Z-9"]);
  }, 20_000);

  it("an inventory answering 500 on reserve gives 502 whose error carries the upstream status text", async () => {
    const inventory = await stubInventory((_req, res) =>
      json(res, 500, { error: "ledger locked" }, "Inventory Ledger Locked"),
    );
    const { url } = await startSample({ INVENTORY_URL: inventory.url });

    const reserve = await fetch(url("/reserve/A-1"), { method: "POST" });
    expect(reserve.status).toBe(502);
    expect(await reserve.json()).toEqual({
      error: `POST ${inventory.url}/items/A-1/reserve returned HTTP 500 Inventory Ledger Locked: {"error":"ledger locked"}`,
      failedBlock: "reserve-upstream",
      flow: "reserve",
    });
    // No retries are configured: one failed call, one request.
    expect(inventory.requests).toEqual(["POST /items/A-1/reserve"]);
  }, 20_000);

  it("an inventory that never answers: the 2s timeout fails the call and stock degrades", async () => {
    // Holds every request open; afterEach closes the connections.
    const inventory = await stubInventory(() => {});
    const { url } = await startSample({ INVENTORY_URL: inventory.url });

    const stock = await fetch(url("/stock/A-1"));
    expect(stock.status).toBe(200);
    expect(await stock.json()).toEqual({
      status: "degraded",
      sku: "A-1",
      available: null,
      reason: `GET ${inventory.url}/items/A-1 timed out after 2s`,
    });
    expect(inventory.requests).toEqual(["GET /items/A-1"]);
  }, 20_000);
});
