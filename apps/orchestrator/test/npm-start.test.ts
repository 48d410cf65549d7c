// `npm start`'s real command (scripts/start.mjs) starts the orchestrator with the samples
// imported; the example script then deploys one of them through the typed client.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { createOctoClient } from "../src/client/index.ts";

const ROOT = join(import.meta.dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "octo-start-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env } });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const end = Date.now() + ms;
      const poll = setInterval(() => {
        const m = pattern.exec(output);
        if (m) {
          clearInterval(poll);
          resolve(m);
        } else if (Date.now() > end || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`no ${pattern} within ${ms} ms:\n${output}`));
        }
      }, 50);
    });
  return { child, exited, waitFor, output: () => output };
}

it("starts the orchestrator with the samples, which the example deploys and undeploys", async () => {
  const start = run(["scripts/start.mjs"], { OCTO_DATA_DIR: dir, PORT: "0" });
  const [, url] = await start.waitFor(/serving (http:\/\/[^ ]+)\/trpc/, 60_000);
  const api = createOctoClient({ url: url as string });
  const names = (await api.integrations.list.query()).map((i) => i.name);
  expect(names).toEqual(expect.arrayContaining(["hello-world", "http-orders", "weather"]));
  expect(start.output()).toContain("open mode");

  const example = run([
    "apps/orchestrator/examples/deploy-sample.ts",
    url as string,
    "error-handling",
    "/stock/A-1",
    "INVENTORY_URL=http://127.0.0.1:9",
  ]);
  expect(await example.exited, example.output()).toBe(0);
  expect(example.output()).toMatch(/status: running \(1\/1 ready\)/);
  // The bound inventory is unreachable: the sample's handle-errors answers "degraded".
  expect(example.output()).toMatch(/GET \/stock\/A-1 → 200 .*"status":"degraded"/);
  expect(example.output()).toContain("scaled: 2/2 ready");
  expect(example.output()).toContain("undeployed");
  // Every write of the example is in the audit trail.
  const audit = await api.audit.list.query({ limit: 20 });
  expect(audit.map((a) => a.procedure)).toEqual(
    expect.arrayContaining([
      "versions.create",
      "deployments.create",
      "deployments.scale",
      "deployments.delete",
    ]),
  );

  start.child.kill("SIGTERM");
  expect(await start.exited).toBe(0);
}, 120_000);
