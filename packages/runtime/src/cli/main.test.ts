// Runtime spec §6 (CLI) cases; `octo` runs in-process with captured IO, and once for real.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { octoInProcess } from "../../test/cli-in-process.ts";
import { Runtime } from "../engine/runtime.ts";
import { defaultRegistry } from "../plugin/default-registry.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "octo.js");
const HELLO = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "..",
  "samples",
  "hello-invoke",
  "hello-invoke.yaml",
);

const octo = (args: string[], stdin?: string, env: Record<string, string> = {}) =>
  octoInProcess(args, { env, ...(stdin === undefined ? {} : { stdin }) });

function tempConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "octo-cli-"));
  const file = join(dir, "config.yaml");
  writeFileSync(file, text);
  return file;
}

describe("§6 octo CLI", () => {
  it("R6.1 invoke prints the result body as JSON and exits 0 (hello-invoke sample)", async () => {
    const r = await octo(["invoke", "--config", HELLO, "--flow", "greet", "--data", '{"name":"Ada"}']);
    expect(r).toMatchObject({ code: 0, stdout: '{"greeting":"hello, Ada!"}\n' });
  });

  it("R6.2 invoke reads JSON from stdin when --data is absent", async () => {
    const r = await octo(["invoke", "-c", HELLO, "-f", "greet"], '{"name":"Grace"}');
    expect(r.stdout).toBe('{"greeting":"hello, Grace!"}\n');
  });

  it("R6.3 a failing flow prints a one-line error and exits non-zero", async () => {
    const r = await octo(["invoke", "-c", HELLO, "-f", "greet", "-d", "{}"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^octo: flow greet failed in block set-payload: .*name/);
  });

  it("R6.3b bad --data JSON and unknown flows are clear errors", async () => {
    const bad = await octo(["invoke", "-c", HELLO, "-f", "greet", "-d", "{nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^octo: --data is not valid JSON/);
    const unknown = await octo(["invoke", "-c", HELLO, "-f", "gret", "-d", "{}"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no flow named "gret" .*flows: greet/);
  });

  it("R6.4 invoke starts no source: connectors are created, sources are not started", async () => {
    const file = tempConfig(`
flows:
  - name: main
    source: { connector: cron, type: cron, settings: { schedule: "@every 1ms" } }
    process: [{ type: set-payload, settings: { value: 'body + 1.0' } }]
`);
    const startSpy = vi.spyOn(Runtime.prototype, "start");
    const cron = defaultRegistry().connectors.get("cron")?.sources?.[0];
    const sourceSpy = cron ? vi.spyOn(cron, "start") : undefined;
    try {
      const r = await octo(["invoke", "-c", file, "-f", "main", "-d", "41"]);
      expect(r.stdout).toBe("42\n");
      expect(startSpy).toHaveBeenCalledWith({ sources: false });
      expect(sourceSpy).toBeDefined();
      expect(sourceSpy).not.toHaveBeenCalled();
    } finally {
      startSpy.mockRestore();
      sourceSpy?.mockRestore();
    }
  });

  it("R6.5 validate prints every error with file:line:col and exits non-zero", async () => {
    const file = tempConfig(`flows:
  - name: main
    workerz: 2
    process:
      - type: set-payloud
        settings: { value: '1' }
      - type: log
        settings: { message: 'paylod.name' }
      - type: flow-ref
        settings: { flow: mian }
`);
    const r = await octo(["validate", "-c", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:3:5: unknown key "workerz" in flow "main"; did you mean "workers"?`);
    expect(r.stderr).toContain(`${file}:5:15: unknown block type "set-payloud"; did you mean "set-payload"?`);
    expect(r.stderr).toContain(`${file}:8:31: CEL: undeclared variable 'paylod'`);
    expect(r.stderr).toContain(`${file}:10:27: no flow named "mian"; did you mean "main"?`);
    expect(r.stderr).toContain("4 errors");
  });

  it("R6.5b validate of a good config exits 0", async () => {
    const r = await octo(["validate", "-c", HELLO]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: .*service hello-invoke, 1 flow/);
  });

  it("R6.5c missing required env is reported with what to do", async () => {
    const file = tempConfig(
      `env: [{ name: API_KEY, required: true }]\nflows: [{ name: main, process: [] }]\n`,
    );
    const r = await octo(["validate", "-c", file]);
    expect(r.stderr).toContain(`${file}:1:7: required env var API_KEY is not set`);
    const ok = await octo(["validate", "-c", file], undefined, { API_KEY: "k" });
    expect(ok.code).toBe(0);
  });

  it("R6.6 schema prints a JSON Schema with every block type", async () => {
    const r = await octo(["schema"]);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toMatch(/2020-12/);
    const types = schema.$defs.block.oneOf.map(
      (b: { properties: { type?: { const?: string } } }) => b.properties.type?.const,
    );
    for (const t of [
      "set-payload",
      "set-variable",
      "delete-variable",
      "log",
      "if",
      "switch",
      "foreach",
      "fork",
      "flow-ref",
      "handle-errors",
      "cache-scope",
    ]) {
      expect(types).toContain(t);
    }
    expect(JSON.stringify(schema.properties.flows)).toContain("#/$defs/block");
    const cron = schema.properties.flows.items.properties.source.oneOf.find(
      (s: { properties: { type: { const: string } } }) => s.properties.type.const === "cron",
    );
    expect(cron.properties.settings.required).toEqual(["schedule"]);
  });

  it("R6.7 --version prints the package version", async () => {
    const r = await octo(["--version"]);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("R6.8 the real binary: stdin in, JSON out, exit codes", () => {
    const ok = spawnSync(process.execPath, [BIN, "invoke", "-c", HELLO, "-f", "greet"], {
      input: '{"name":"Ada"}',
      encoding: "utf8",
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('{"greeting":"hello, Ada!"}\n');
    const bad = spawnSync(
      process.execPath,
      [BIN, "invoke", "-c", "/nonexistent.yaml", "-f", "x", "-d", "1"],
      { encoding: "utf8" },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/config \/nonexistent.yaml does not exist/);
  });
});

describe("octo run's runtime services", () => {
  it("refuses an unknown RUNTIME_SERVICES_MODULE, and cluster without the pod's env, before serving", async () => {
    const unknown = await octo(["run", "-c", HELLO, "--management-port", "off"], undefined, {
      RUNTIME_SERVICES_MODULE: "k9",
    });
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain(
      "RUNTIME_SERVICES_MODULE=k9 is unknown; use standalone (the default) or cluster",
    );
    const cluster = await octo(["run", "-c", HELLO, "--management-port", "off"], undefined, {
      RUNTIME_SERVICES_MODULE: "cluster",
      POD_NAME: "p-0",
    });
    expect(cluster).toMatchObject({ code: 2 });
    expect(cluster.stderr).toContain(
      "RUNTIME_SERVICES_MODULE=cluster needs POD_NAMESPACE, OCTO_DEPLOYMENT_ID, OCTO_ORCHESTRATOR_URL, OCTO_DEPLOYMENT_TOKEN",
    );
  });
});
