// invalidate-cache: deletes the cache-scope entry of a key, here or on any runtime sharing the store.
import { afterEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources, type Runtime } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import { standaloneServices } from "../../services/standalone.ts";
import type { KeyValueStore, RuntimeServices } from "../../services/types.ts";

const YAML = `
flows:
  - name: price
    process:
      - type: cache-scope
        key: '{"sku": body.sku}'
        ttl: 5m
        body:
          process:
            - { type: log, settings: { message: '"computing " + body.sku' } }
            - { type: set-payload, settings: { value: '{"sku": body.sku, "price": body.base * 1.2}' } }
  - name: price-changed
    process:
      - { type: invalidate-cache, name: drop-price, settings: { key: '{"sku": body.sku}' } }
  - name: save
    process:
      - { type: object-write, settings: { key: body.key } }
`;

const started: Runtime[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.stop()));
});

async function runtimeWith(services: RuntimeServices) {
  const logger = memoryLogger();
  const r = loadRuntimeFromSources([new YamlSource("test.yaml", YAML)], {
    registry: defaultRegistry(),
    osEnv: {},
    logger,
    services,
  });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  await r.runtime.start({ sources: false });
  started.push(r.runtime);
  const computed = () => logger.lines.filter((l) => l.message.startsWith("computing")).length;
  return { runtime: r.runtime, computed };
}

describe("invalidate-cache", () => {
  it("drops the entry of its key, so the next run computes again; other keys stay cached", async () => {
    const { runtime, computed } = await runtimeWith(standaloneServices());
    await runtime.invoke("price", { sku: "a", base: 10 });
    await runtime.invoke("price", { sku: "b", base: 20 });
    const out = await runtime.invoke("price-changed", { sku: "a", untouched: true });
    expect(out.status).toBe("completed");
    expect(out.message.body).toEqual({ sku: "a", untouched: true });

    expect((await runtime.invoke("price", { sku: "a", base: 100 })).message.body).toEqual({
      sku: "a",
      price: 120,
    });
    expect((await runtime.invoke("price", { sku: "b", base: 200 })).message.body).toEqual({
      sku: "b",
      price: 24,
    });
    expect(computed()).toBe(3);
  });

  it("invalidates for every runtime sharing the store, and leaves user objects alone", async () => {
    const services = standaloneServices();
    const one = await runtimeWith(services);
    const two = await runtimeWith(services);
    await one.runtime.invoke("save", { key: 'cache:{"sku":"a"}' });
    await one.runtime.invoke("price", { sku: "a", base: 10 });
    await two.runtime.invoke("price-changed", { sku: "a" });
    await one.runtime.invoke("price", { sku: "a", base: 10 });
    expect(one.computed()).toBe(2);
    expect(await services.kv.get("user", 'cache:{"sku":"a"}')).toBeDefined();
  });

  it("a key that was never cached is fine", async () => {
    const { runtime } = await runtimeWith(standaloneServices());
    expect((await runtime.invoke("price-changed", { sku: "never" })).status).toBe("completed");
  });

  it("a store failure names the block and the key", async () => {
    const down = () => Promise.reject(new Error("socket hang up"));
    const kv: KeyValueStore = { get: down, put: down, delete: down };
    const { runtime } = await runtimeWith({ ...standaloneServices(), kv });
    const out = await runtime.invoke("price-changed", { sku: "a" });
    expect(out.status === "failed" && out.error).toEqual({
      message: 'invalidate-cache: deleting key "cache:{"sku":"a"}" failed: socket hang up',
      flow: "price-changed",
      block: "drop-price",
    });
  });
});
