// The mcp-tools sample served by the real `octo run`, called by the MCP SDK's client over HTTP.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort, killAll, runSample, sample } from "../test/octo-process.ts";

let client: Client;

beforeAll(async () => {
  const port = await freePort();
  await runSample(sample("mcp-tools", "mcp-tools.yaml"), { HTTP_PORT: String(port) });
  client = new Client({ name: "mcp-tools-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
}, 30_000);
afterAll(async () => {
  await client?.close();
  killAll();
});

const text = (r: Awaited<ReturnType<Client["callTool"]>>) => (r.content as { text: string }[])[0]?.text;

it("serves the order-desk tools with their schemas", async () => {
  expect(client.getServerVersion()?.name).toBe("order-desk");
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(["lookup_order", "orders_by_status"]);
  expect(tools[0]?.inputSchema).toMatchObject({ type: "object", required: ["orderId"] });
  expect(tools[0]?.annotations).toEqual({ readOnlyHint: true });
});

it("calls lookup_order and orders_by_status", async () => {
  const order = await client.callTool({ name: "lookup_order", arguments: { orderId: "A-1002" } });
  expect(order.isError).toBeUndefined();
  expect(order.structuredContent).toEqual({
    orderId: "A-1002",
    customer: "Grace",
    status: "processing",
    items: ["mouse", "cable"],
    total: 34.5,
  });
  expect(JSON.parse(text(order) ?? "")).toEqual(order.structuredContent);
  const shipped = await client.callTool({ name: "orders_by_status", arguments: { status: "shipped" } });
  expect(shipped.structuredContent).toEqual({
    status: "shipped",
    orders: [
      { orderId: "A-1001", total: 89 },
      { orderId: "A-1003", total: 219 },
    ],
  });
});

it("answers an unknown order (a failed flow) as an error result", async () => {
  const r = await client.callTool({ name: "lookup_order", arguments: { orderId: "A-9" } });
  expect(r.isError).toBe(true);
  expect(text(r)).toBe("flow lookup-order failed in block find-order: no such key: A-9");
});

it("refuses arguments that do not match the tool's input schema", async () => {
  const wrongType = await client.callTool({ name: "lookup_order", arguments: { orderId: 1001 } });
  expect(wrongType.isError).toBe(true);
  expect(text(wrongType)).toMatch(/^Input validation error: .*orderId must be string/);
  const notInEnum = await client.callTool({ name: "orders_by_status", arguments: { status: "lost" } });
  expect(notInEnum.isError).toBe(true);
  expect(text(notInEnum)).toMatch(/status must be equal to one of the allowed values/);
});
