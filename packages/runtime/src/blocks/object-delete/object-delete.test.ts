// object-delete: removes a stored object; absent keys are fine; the message is unchanged.
import { afterEach, describe, expect, it } from "vitest";
import { memoryLogger, runtimeOf } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources, type Runtime } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import { standaloneServices } from "../../services/standalone.ts";
import type { KeyValueStore } from "../../services/types.ts";

const FLOWS = `
flows:
  - name: save
    process:
      - { type: object-write, settings: { key: body.key } }
  - name: remove
    process:
      - { type: object-delete, name: forget, settings: { key: body.key } }
  - name: load
    process:
      - { type: object-read, settings: { key: body.key } }
`;

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

async function start() {
  runtime = (await runtimeOf(FLOWS)).runtime;
  return runtime;
}

describe("object-delete", () => {
  it("removes the object, leaves the message and other keys alone", async () => {
    const rt = await start();
    await rt.invoke("save", { key: "a", n: 1 });
    await rt.invoke("save", { key: "b", n: 2 });
    const out = await rt.invoke("remove", { key: "a", extra: true });
    expect(out.status).toBe("completed");
    expect(out.message.body).toEqual({ key: "a", extra: true });
    expect(await rt.services.kv.get("user", "a")).toBeUndefined();
    expect((await rt.invoke("load", { key: "a" })).message.body).toBeNull();
    expect((await rt.invoke("load", { key: "b" })).message.body).toEqual({ key: "b", n: 2 });
  });

  it("deleting a key that was never written completes", async () => {
    const rt = await start();
    expect((await rt.invoke("remove", { key: "never" })).status).toBe("completed");
  });

  it("a key that is not a non-empty string fails the block with a clear error", async () => {
    const rt = await start();
    const out = await rt.invoke("remove", { key: true });
    expect(out.status === "failed" && out.error).toEqual({
      message: "object-delete: key must be a non-empty string, got boolean true",
      flow: "remove",
      block: "forget",
    });
  });

  it("a store failure names the block and the key", async () => {
    const refused = () => Promise.reject(new Error("409 version conflict"));
    const kv: KeyValueStore = { get: refused, put: refused, delete: refused };
    const r = loadRuntimeFromSources([new YamlSource("test.yaml", FLOWS)], {
      registry: defaultRegistry(),
      osEnv: {},
      logger: memoryLogger(),
      services: { ...standaloneServices(), kv },
    });
    if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
    runtime = r.runtime;
    await runtime.start({ sources: false });
    const out = await runtime.invoke("remove", { key: "orders/1" });
    expect(out.status === "failed" && out.error).toEqual({
      message: 'object-delete: deleting key "orders/1" failed: 409 version conflict',
      flow: "remove",
      block: "forget",
    });
  });
});
