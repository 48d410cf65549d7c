// object-read: the stored JSON value becomes the body, or vars.<as>; a missing key gives null.
import { afterEach, describe, expect, it } from "vitest";
import { runtimeOf } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources, type Runtime } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";

const FLOWS = `
flows:
  - name: save
    process:
      - { type: object-write, settings: { key: body.key, value: body.value } }
  - name: into-body
    process:
      - { type: object-read, settings: { key: body.key } }
  - name: into-var
    process:
      - { type: object-read, settings: { key: body.key, as: profile } }
      - { type: set-variable, settings: { name: seen, value: 'vars.profile' } }
  - name: bad-key
    process:
      - { type: object-read, name: lookup, settings: { key: body.key } }
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

describe("object-read", () => {
  it("without as, the stored value becomes the body", async () => {
    const rt = await start();
    await rt.invoke("save", { key: "cfg", value: { retries: 3, hosts: ["a", "b"] } });
    const out = await rt.invoke("into-body", { key: "cfg" });
    expect(out.message.body).toEqual({ retries: 3, hosts: ["a", "b"] });
  });

  it("with as, the value goes to vars.<as> and the body is unchanged", async () => {
    const rt = await start();
    await rt.invoke("save", { key: "user:1", value: { name: "Ada" } });
    const out = await rt.invoke("into-var", { key: "user:1", keep: true });
    expect(out.status).toBe("completed");
    expect(out.message.body).toEqual({ key: "user:1", keep: true });
    expect(out.message.vars.profile).toEqual({ name: "Ada" });
    expect(out.message.vars.seen).toEqual({ name: "Ada" });
  });

  it("a missing key gives null, in the body or in vars.<as>", async () => {
    const rt = await start();
    const body = await rt.invoke("into-body", { key: "nobody" });
    expect(body.status).toBe("completed");
    expect(body.message.body).toBeNull();
    const asVar = await rt.invoke("into-var", { key: "nobody" });
    expect(asVar.status).toBe("completed");
    expect(asVar.message.vars).toMatchObject({ profile: null, seen: null });
    expect(asVar.message.body).toEqual({ key: "nobody" });
  });

  it("JSON scalars round-trip: strings, numbers, booleans and null", async () => {
    const rt = await start();
    for (const value of ["text", 2.5, false, null]) {
      await rt.invoke("save", { key: "scalar", value });
      expect((await rt.invoke("into-body", { key: "scalar" })).message.body).toEqual(value);
    }
  });

  it("a key that is not a non-empty string fails the block with a clear error", async () => {
    const rt = await start();
    for (const [key, shown] of [
      [7, "number 7"],
      ["", "an empty string"],
      [["a"], 'list ["a"]'],
      [{ id: "x".repeat(100) }, `map {"id":"${"x".repeat(53)}…`],
    ] as const) {
      const out = await rt.invoke("bad-key", { key });
      expect(out.status === "failed" && out.error).toEqual({
        message: `object-read: key must be a non-empty string, got ${shown}`,
        flow: "bad-key",
        block: "lookup",
      });
    }
  });

  it("a stored value that is not JSON fails with the key named", async () => {
    const rt = await start();
    await rt.services.kv.put("user", "raw", new TextEncoder().encode("not json {"));
    const out = await rt.invoke("into-body", { key: "raw" });
    expect(out.status === "failed" && out.error.message).toBe(
      'object-read: the value stored at key "raw" is not JSON',
    );
  });

  it("reads only namespace user: cache entries and other namespaces are out of reach", async () => {
    const rt = await start();
    await rt.services.kv.put("system", "cfg", new TextEncoder().encode('"system"'));
    expect((await rt.invoke("into-body", { key: "cfg" })).message.body).toBeNull();
  });

  it("an empty as is a located load error", () => {
    const r = loadRuntimeFromSources(
      [
        new YamlSource(
          "test.yaml",
          `flows:
  - name: main
    process:
      - { type: object-read, settings: { key: '"k"', as: "" } }
`,
        ),
      ],
      { registry: defaultRegistry(), osEnv: {} },
    );
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^test\.yaml:4:\d+: object-read block: "settings\.as": Too small/),
    ]);
  });
});
