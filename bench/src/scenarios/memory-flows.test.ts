// The memory scenarios check octo's answers against values computed here: those values must be
// what the real runtime computes for the same flows and payloads.
import { afterEach, describe, expect, it } from "vitest";
import { listenS2 } from "../baselines/s2-large-payload.ts";
import {
  foreachHttpYaml,
  foreachResult,
  largeOrder,
  lines,
  ORDER,
  s2HttpYaml,
  s2InvokeYaml,
  transformed,
} from "./memory-flows.ts";
import { httpPort, startRuntime } from "./memory-worker.ts";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});

async function started(yaml: string, sources: boolean) {
  const runtime = await startRuntime(yaml, sources);
  stops.push(() => runtime.stop());
  return runtime;
}

async function post(port: number, path: string, body: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe("the S2 transform", () => {
  it("gives what transformed() expects for S2's order, invoked in-process", async () => {
    const runtime = await started(s2InvokeYaml(2, 4), false);
    const outcome = await runtime.invoke("s2", structuredClone(ORDER));
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual(transformed(ORDER));
    expect(transformed(ORDER)).toEqual({
      id: "A-1042",
      name: "ADA LOVELACE",
      currency: "EUR",
      total: 48,
      lines: 3,
    });
  });

  it("gives what transformed() expects for a generated large order, over http", async () => {
    const runtime = await started(s2HttpYaml(1024 * 1024), true);
    const order = largeOrder(200_000);
    expect(await post(httpPort(runtime, "api"), "/s2", order)).toEqual({
      status: 200,
      json: transformed(order),
    });
  });

  it("gives what transformed() expects for an order of several megabytes (parsed in pieces)", async () => {
    const runtime = await started(s2HttpYaml(4 * 1024 * 1024), true);
    const order = largeOrder(3 * 1024 * 1024);
    expect(await post(httpPort(runtime, "api"), "/s2", order)).toEqual({
      status: 200,
      json: transformed(order),
    });
  });

  it("is what the hand-written baseline of memory-large-payload answers", async () => {
    const { server, port } = await listenS2();
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const order = largeOrder(200_000);
    expect(await post(port, "/s2", order)).toEqual({ status: 200, json: transformed(order) });
    expect((await post(port, "/other", order)).status).toBe(404);
  });

  it("refuses a body above its maxBodyBytes with 413", async () => {
    const runtime = await started(s2HttpYaml(10_000), true);
    const { status } = await post(httpPort(runtime, "api"), "/s2", largeOrder(20_000));
    expect(status).toBe(413);
  });
});

describe("the foreach flow", () => {
  it("gives what foreachResult() expects", async () => {
    const runtime = await started(foreachHttpYaml(1024 * 1024), true);
    const items = lines(1_000);
    expect(await post(httpPort(runtime, "api"), "/foreach", { items })).toEqual({
      status: 200,
      json: foreachResult(items),
    });
  });
});

describe("largeOrder", () => {
  it("reaches the asked size by less than one line", () => {
    for (const bytes of [1_000, 123_457, 2_000_000]) {
      const size = JSON.stringify(largeOrder(bytes)).length;
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size).toBeLessThan(bytes + 50);
    }
  });
});
