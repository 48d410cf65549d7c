// object-write, with object-read and object-delete: JSON values in namespace "user" of services.kv.
import { describe, expect, it } from "vitest";
import { memoryLogger, runtimeOf } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import { standaloneServices } from "../../services/standalone.ts";
import type { KeyValueStore } from "../../services/types.ts";

const FLOWS = `
flows:
  - name: save
    process:
      - { type: object-write, settings: { key: '"order:" + body.id' } }
  - name: save-total
    process:
      - { type: object-write, settings: { key: '"total:" + body.id', value: 'body.qty * body.price' } }
  - name: load
    process:
      - { type: object-read, settings: { key: body.key } }
  - name: remove
    process:
      - { type: object-delete, settings: { key: body.key } }
`;

const text = (value: Uint8Array | undefined) => (value ? new TextDecoder().decode(value) : undefined);

describe("object-write", () => {
  it("write → read → delete → read gives the value, then null", async () => {
    const { runtime } = await runtimeOf(FLOWS);
    try {
      const order = { id: "7", items: [{ sku: "été", qty: 2 }], note: null };
      const saved = await runtime.invoke("save", order);
      expect(saved.status).toBe("completed");
      expect(saved.message.body).toEqual(order); // the message is unchanged

      expect((await runtime.invoke("load", { key: "order:7" })).message.body).toEqual(order);
      expect((await runtime.invoke("remove", { key: "order:7" })).status).toBe("completed");
      const gone = await runtime.invoke("load", { key: "order:7" });
      expect(gone.status).toBe("completed");
      expect(gone.message.body).toBeNull();
    } finally {
      await runtime.stop();
    }
  });

  it("stores JSON text as UTF-8 bytes in namespace user, overwriting unconditionally", async () => {
    const { runtime } = await runtimeOf(FLOWS);
    try {
      await runtime.invoke("save", { id: "1", name: "Zoë" });
      await runtime.invoke("save", { id: "1", name: "Ada" });
      const entry = await runtime.services.kv.get("user", "order:1");
      expect(text(entry?.value)).toBe('{"id":"1","name":"Ada"}');
      expect(entry?.version).toBe(2);
      expect(await runtime.services.kv.get("system", "order:1")).toBeUndefined();
    } finally {
      await runtime.stop();
    }
  });

  it("value: stores what the expression gives instead of the body", async () => {
    const { runtime } = await runtimeOf(FLOWS);
    try {
      await runtime.invoke("save-total", { id: "9", qty: 3, price: 2.5 });
      expect((await runtime.invoke("load", { key: "total:9" })).message.body).toBe(7.5);
    } finally {
      await runtime.stop();
    }
  });

  it("a key that is not a non-empty string fails the block with a clear error", async () => {
    const { runtime } = await runtimeOf(`
flows:
  - name: main
    process:
      - { type: object-write, name: keep, settings: { key: body.key, value: '1' } }
`);
    try {
      for (const [key, shown] of [
        [42, "number 42"],
        ["", "an empty string"],
        [null, "null"],
        [{ id: 1 }, 'map {"id":1}'],
      ] as const) {
        const outcome = await runtime.invoke("main", { key });
        expect(outcome.status === "failed" && outcome.error).toEqual({
          message: `object-write: key must be a non-empty string, got ${shown}`,
          flow: "main",
          block: "keep",
        });
      }
    } finally {
      await runtime.stop();
    }
  });

  it("a store failure names the block and the key", async () => {
    const down = () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.1:8090"));
    const kv: KeyValueStore = { get: down, put: down, delete: down };
    const r = loadRuntimeFromSources(
      [
        new YamlSource(
          "test.yaml",
          `
flows:
  - name: main
    process:
      - { type: object-write, settings: { key: '"k1"' } }
`,
        ),
      ],
      {
        registry: defaultRegistry(),
        osEnv: {},
        logger: memoryLogger(),
        services: { ...standaloneServices(), kv },
      },
    );
    if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
    await r.runtime.start({ sources: false });
    try {
      const outcome = await r.runtime.invoke("main", {});
      expect(outcome.status === "failed" && outcome.error).toEqual({
        message: 'object-write: writing key "k1" failed: connect ECONNREFUSED 10.0.0.1:8090',
        flow: "main",
        block: "object-write",
      });
    } finally {
      await r.runtime.stop();
    }
  });

  it("a missing key setting, a CEL typo and an unknown setting are located load errors", () => {
    const r = loadRuntimeFromSources(
      [
        new YamlSource(
          "test.yaml",
          `flows:
  - name: a
    process:
      - { type: object-write, settings: { value: body } }
  - name: b
    process:
      - { type: object-write, settings: { key: 'bdy.id' } }
  - name: c
    process:
      - { type: object-write, settings: { key: '"k"', valeu: body } }
`,
        ),
      ],
      { registry: defaultRegistry(), osEnv: {} },
    );
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.diagnostics.map(formatDiagnostic);
    expect(errors.some((e) => /^test\.yaml:4:\d+: object-write block: "settings\.key"/.test(e))).toBe(true);
    expect(errors.some((e) => /^test\.yaml:7:\d+: CEL: .*bdy/.test(e))).toBe(true);
    expect(errors.some((e) => /^test\.yaml:10:\d+: unknown key "valeu".*did you mean "value"/.test(e))).toBe(
      true,
    );
  });
});
