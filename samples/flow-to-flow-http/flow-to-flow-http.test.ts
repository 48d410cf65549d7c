// The flow-to-flow-http sample: two integrations, each run the way a person runs it (the real
// `octo run` CLI in its own child process); the gateway calls pricing over HTTP on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { freePort, killAll, type OctoProcess, runSample, sample } from "../test/octo-process.ts";

afterEach(killAll);

async function startBoth() {
  const pricingPort = await freePort();
  const pricingUrl = `http://127.0.0.1:${pricingPort}`;
  const pricing = await runSample(sample("flow-to-flow-http", "pricing"), { HTTP_PORT: String(pricingPort) });
  const gatewayPort = await freePort();
  const gateway = await runSample(sample("flow-to-flow-http", "gateway"), {
    HTTP_PORT: String(gatewayPort),
    PRICING_URL: pricingUrl,
  });
  const quote = (cart: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${gatewayPort}/quote`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(cart),
    });
  return { pricing, gateway, pricingUrl, quote };
}

/** The JSON log line of `octo` carrying this correlation id and message (waits for it). */
async function logLine(octo: OctoProcess, correlationID: string, msg: string) {
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const has = (field: string, value: string) => `(?=[^\\n]*"${field}":"${literal(value)}")`;
  const line = await octo.waitFor(
    new RegExp(`\\{${has("correlationID", correlationID)}${has("msg", msg)}[^\\n]*\\}`),
  );
  return JSON.parse(line[0]) as Record<string, unknown>;
}

describe("samples/flow-to-flow-http", () => {
  it("POST /quote answers with pricing's numbers, wrapped by the gateway; the discount starts at 100", async () => {
    const { quote } = await startBoth();
    const discounted = await quote({ customer: "ada", items: [{ sku: "A", qty: 2, unitPrice: 60 }] });
    expect(discounted.status).toBe(200);
    expect(await discounted.json()).toEqual({
      customer: "ada",
      price: { subtotal: 120, discount: 12, total: 108 },
      pricedBy: "pricing",
    });

    // 100 itself is discounted: the condition is ≥, not >.
    const edge = await quote({ customer: "bob", items: [{ sku: "B", qty: 4, unitPrice: 25 }] });
    expect(await edge.json()).toEqual({
      customer: "bob",
      price: { subtotal: 100, discount: 10, total: 90 },
      pricedBy: "pricing",
    });

    const small = await quote({
      customer: "cy",
      items: [
        { sku: "A", qty: 1, unitPrice: 60 },
        { sku: "C", qty: 3, unitPrice: 10.5 },
      ],
    });
    expect(await small.json()).toEqual({
      customer: "cy",
      price: { subtotal: 91.5, discount: 0, total: 91.5 },
      pricedBy: "pricing",
    });
  }, 30_000);

  it("the X-Correlation-ID sent to the gateway reaches pricing and is echoed back", async () => {
    const { pricing, gateway, quote } = await startBoth();
    const res = await quote(
      { customer: "ada", items: [{ sku: "A", qty: 1, unitPrice: 5 }] },
      { "X-Correlation-ID": "quote-corr-1" },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-correlation-id")).toBe("quote-corr-1");
    await res.arrayBuffer();
    // Both integrations log the quote under the caller's id.
    expect(await logLine(pricing, "quote-corr-1", "pricing 1 items")).toMatchObject({
      service: "pricing",
      flow: "price",
    });
    expect(await logLine(gateway, "quote-corr-1", "quoted a cart for ada")).toMatchObject({
      service: "gateway",
      flow: "quote",
    });
  }, 30_000);

  it("without an X-Correlation-ID the id the gateway made is echoed and reaches pricing", async () => {
    const { pricing, quote } = await startBoth();
    const res = await quote({ customer: "ada", items: [{ sku: "A", qty: 3, unitPrice: 5 }] });
    expect(res.status).toBe(200);
    const made = res.headers.get("x-correlation-id") ?? "";
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    await res.arrayBuffer();
    expect(await logLine(pricing, made, "pricing 1 items")).toMatchObject({ flow: "price" });
  }, 30_000);

  it("with pricing stopped the gateway answers 500 naming the pricing URL", async () => {
    const { pricing, pricingUrl, quote } = await startBoth();
    expect(await pricing.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const res = await quote({ customer: "ada", items: [{ sku: "A", qty: 1, unitPrice: 5 }] });
    expect(res.status).toBe(500);
    const { error } = (await res.json()) as { error: string };
    expect(error.startsWith(`POST ${pricingUrl}/price failed: `)).toBe(true);
    expect(error).toMatch(/ECONNREFUSED/);
  }, 30_000);

  it("a cart pricing cannot price fails at the gateway with pricing's status and reason", async () => {
    const { pricingUrl, quote } = await startBoth();
    const res = await quote({ customer: "ada", items: [{ sku: "A" }] });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: `POST ${pricingUrl}/price returned HTTP 500 Internal Server Error: {"error":"no such key: qty"}`,
    });
  }, 30_000);
});
