// cache-scope on services.kv: entries in namespace "system" under cache:<canonical JSON of the key>,
// shared by runtimes that share the services, expiring by the time stored in the entry.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { memoryLogger } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources, type Runtime } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import { standaloneServices } from "../../services/standalone.ts";
import type { KeyValueStore, RuntimeServices } from "../../services/types.ts";

const started: Runtime[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.stop()));
});

/** A test block that drops the message (the rest of the flow is skipped). */
const drop: BlockDefinition = {
  type: "drop",
  label: "Drop",
  category: "processor",
  description: "test: drops the message",
  kind: "leaf",
  fields: z.strictObject({}),
  compile: () => (msg) => {
    msg.dropped = true;
  },
};

/** A started runtime (no sources) on the given services; its log lines are kept. */
async function runtimeWith(yaml: string, services: RuntimeServices = standaloneServices()) {
  const logger = memoryLogger();
  const registry = defaultRegistry().use({ name: "test", blocks: [drop] });
  const r = loadRuntimeFromSources([new YamlSource("test.yaml", yaml)], {
    registry,
    osEnv: {},
    logger,
    services,
  });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  await r.runtime.start({ sources: false });
  started.push(r.runtime);
  const computed = () => logger.lines.filter((l) => l.message.startsWith("computing")).length;
  return { runtime: r.runtime, logger, computed };
}

const cached = (ttl: string, key = "body.id", extra = "") => `
flows:
  - name: main
    process:
      - type: cache-scope
        key: '${key}'
        ttl: ${ttl}${extra}
        body:
          process:
            - { type: log, settings: { message: '"computing " + string(body.id)' } }
            - { type: set-payload, settings: { value: '{"id": body.id, "v": body.id * 2.0}' } }
  - name: forget
    process:
      - { type: invalidate-cache, settings: { key: body.id } }
  - name: save
    process:
      - { type: object-write, settings: { key: body.key } }
`;

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : JSON.parse(new TextDecoder().decode(bytes));

describe("cache-scope", () => {
  it("a miss runs body and stores {body, expires} in namespace system; a hit reuses it", async () => {
    const { runtime, computed } = await runtimeWith(cached("5m"));
    const before = Date.now();
    const a = await runtime.invoke("main", { id: 1 });
    const after = Date.now();
    const b = await runtime.invoke("main", { id: 1 });
    expect([a.message.body, b.message.body]).toEqual([
      { id: 1, v: 2 },
      { id: 1, v: 2 },
    ]);
    expect(computed()).toBe(1);

    const entry = decode((await runtime.services.kv.get("system", "cache:1"))?.value);
    expect(entry.body).toEqual({ id: 1, v: 2 });
    expect(entry.expires).toBeGreaterThanOrEqual(before + 300_000);
    expect(entry.expires).toBeLessThanOrEqual(after + 300_000);
    expect(await runtime.services.kv.get("user", "cache:1")).toBeUndefined();
  });

  it("two runtimes sharing one services object share the cache", async () => {
    const services = standaloneServices();
    const one = await runtimeWith(cached("5m"), services);
    const two = await runtimeWith(cached("5m"), services);
    await one.runtime.invoke("main", { id: 3 });
    const hit = await two.runtime.invoke("main", { id: 3 });
    expect(hit.message.body).toEqual({ id: 3, v: 6 });
    expect([one.computed(), two.computed()]).toEqual([1, 0]);
    // …and runtimes with their own services do not.
    const alone = await runtimeWith(cached("5m"));
    await alone.runtime.invoke("main", { id: 3 });
    expect(alone.computed()).toBe(1);
  });

  it("reads entries from the store: a fresh one written elsewhere is a hit, an expired one a miss", async () => {
    const { runtime, computed } = await runtimeWith(cached("5m"));
    const kv = runtime.services.kv;
    await kv.put("system", "cache:5", encode({ body: "from another replica", expires: Date.now() + 60_000 }));
    expect((await runtime.invoke("main", { id: 5 })).message.body).toBe("from another replica");
    expect(computed()).toBe(0);

    await kv.put("system", "cache:6", encode({ body: "stale", expires: Date.now() - 1 }));
    expect((await runtime.invoke("main", { id: 6 })).message.body).toEqual({ id: 6, v: 12 });
    expect(computed()).toBe(1);
    expect(decode((await kv.get("system", "cache:6"))?.value).body).toEqual({ id: 6, v: 12 });
  });

  it("an entry is recomputed once its ttl has passed", async () => {
    const { runtime, computed } = await runtimeWith(cached("20ms"));
    await runtime.invoke("main", { id: 1 });
    const { expires } = decode((await runtime.services.kv.get("system", "cache:1"))?.value);
    while (Date.now() <= expires) await new Promise((r) => setTimeout(r, 10));
    await runtime.invoke("main", { id: 1 });
    expect(computed()).toBe(2);
  });

  it('ttl "0" stores expires 0: the entry never expires', async () => {
    const { runtime, computed } = await runtimeWith(cached('"0"'));
    await runtime.invoke("main", { id: 1 });
    expect(decode((await runtime.services.kv.get("system", "cache:1"))?.value).expires).toBe(0);
    await runtime.invoke("main", { id: 1 });
    expect(computed()).toBe(1);
  });

  it("a key is its canonical JSON: map keys in any order give one entry", async () => {
    const { runtime, computed } = await runtimeWith(cached("5m", "body.k"));
    await runtime.invoke("main", { id: 1, k: { b: [1, "x"], a: "é" } });
    const hit = await runtime.invoke("main", { id: 2, k: { a: "é", b: [1, "x"] } });
    expect(hit.message.body).toEqual({ id: 1, v: 2 });
    expect(computed()).toBe(1);
    expect(await runtime.services.kv.get("system", 'cache:{"a":"é","b":[1,"x"]}')).toBeDefined();
  });

  it("an entry that is not a cache entry counts as a miss and is overwritten", async () => {
    const { runtime, computed } = await runtimeWith(cached("5m"));
    await runtime.services.kv.put("system", "cache:1", new TextEncoder().encode("garbage"));
    await runtime.services.kv.put("system", "cache:2", encode({ body: 1 }));
    expect((await runtime.invoke("main", { id: 1 })).message.body).toEqual({ id: 1, v: 2 });
    expect((await runtime.invoke("main", { id: 2 })).message.body).toEqual({ id: 2, v: 4 });
    expect(computed()).toBe(2);
    expect(decode((await runtime.services.kv.get("system", "cache:1"))?.value).body).toEqual({ id: 1, v: 2 });
  });

  it("past maxEntries it deletes the oldest entry it wrote, never a user object", async () => {
    const { runtime, computed } = await runtimeWith(cached("5m", "body.id", "\n        maxEntries: 2"));
    const kv = runtime.services.kv;
    await runtime.invoke("save", { key: "cache:1", note: "a user object, same key text" });
    for (const id of [1, 2, 3]) await runtime.invoke("main", { id });
    expect(await kv.get("system", "cache:1")).toBeUndefined();
    expect(await kv.get("system", "cache:2")).toBeDefined();
    expect(await kv.get("system", "cache:3")).toBeDefined();
    expect(decode((await kv.get("user", "cache:1"))?.value)).toEqual({
      key: "cache:1",
      note: "a user object, same key text",
    });
    // The evicted key is computed again; the newest stay hits.
    await runtime.invoke("main", { id: 3 });
    expect(computed()).toBe(3);
    await runtime.invoke("main", { id: 1 });
    expect(computed()).toBe(4);
    expect(await kv.get("system", "cache:2")).toBeUndefined();
  });

  it("a runtime on the same services (a reload) takes over the entries the previous one wrote", async () => {
    const services = standaloneServices();
    const yaml = cached("5m", "body.id", "\n        maxEntries: 2");
    const before = await runtimeWith(yaml, services);
    for (const id of [1, 2]) await before.runtime.invoke("main", { id });
    await before.runtime.stop();
    const after = await runtimeWith(yaml, services);
    await after.runtime.invoke("main", { id: 3 });
    expect(await services.kv.get("system", "cache:1")).toBeUndefined();
    expect(await services.kv.get("system", "cache:2")).toBeDefined();
    expect(await services.kv.get("system", "cache:3")).toBeDefined();
  });

  it("a dropped message is not cached", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - type: cache-scope
        key: 'body.id'
        body:
          process:
            - { type: log, settings: { message: '"computing"' } }
            - { type: drop }
`;
    const { runtime, computed } = await runtimeWith(yaml);
    expect((await runtime.invoke("main", { id: 1 })).status).toBe("dropped");
    expect(await runtime.services.kv.get("system", "cache:1")).toBeUndefined();
    expect((await runtime.invoke("main", { id: 1 })).status).toBe("dropped");
    expect(computed()).toBe(2);
  });

  it("a store failure names the block and the key, and the body does not run", async () => {
    const down = () => Promise.reject(new Error("orchestrator KV: 503 Service Unavailable"));
    const kv: KeyValueStore = { get: down, put: down, delete: down };
    const { runtime, computed } = await runtimeWith(cached("5m"), { ...standaloneServices(), kv });
    const out = await runtime.invoke("main", { id: 1 });
    expect(out.status === "failed" && out.error).toEqual({
      message: 'cache-scope: reading key "cache:1" failed: orchestrator KV: 503 Service Unavailable',
      flow: "main",
      block: "cache-scope",
    });
    expect(computed()).toBe(0);
  });

  it("a failed eviction fails the message and is retried by the next write", async () => {
    const services = standaloneServices();
    let deletes = 0;
    const flaky: KeyValueStore = {
      get: (ns, k) => services.kv.get(ns, k),
      put: (ns, k, v, version) => services.kv.put(ns, k, v, version),
      delete: (ns, k, version) =>
        ++deletes === 1 ? Promise.reject(new Error("timeout")) : services.kv.delete(ns, k, version),
    };
    const { runtime } = await runtimeWith(cached("5m", "body.id", "\n        maxEntries: 1"), {
      ...services,
      kv: flaky,
    });
    await runtime.invoke("main", { id: 1 });
    const out = await runtime.invoke("main", { id: 2 });
    expect(out.status === "failed" && out.error.message).toBe(
      'cache-scope: deleting key "cache:1" failed: timeout',
    );
    await runtime.invoke("main", { id: 3 });
    expect(await services.kv.get("system", "cache:1")).toBeUndefined();
    expect(await services.kv.get("system", "cache:2")).toBeUndefined();
    expect(await services.kv.get("system", "cache:3")).toBeDefined();
  });
});
