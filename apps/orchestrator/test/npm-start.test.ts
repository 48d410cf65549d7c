// `npm start`'s real command (scripts/start.mjs) starts the orchestrator with the samples
// imported; the example script then deploys one of them through the typed client.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { freePort, killAll, startNode as run } from "../../../packages/runtime/test/octo-process.ts";
import { createOctoClient } from "../src/client/index.ts";

const dir = mkdtempSync(join(tmpdir(), "octo-start-"));
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

it("starts the orchestrator with the samples and the web app; the example deploys and undeploys", async () => {
  const webPort = await freePort();
  const start = run(["scripts/start.mjs"], { OCTO_DATA_DIR: dir, PORT: "0", WEB_PORT: String(webPort) });
  const [, url] = await start.waitFor(/serving (http:\/\/[^ ]+)\/trpc/, 60_000);
  // The web app (built first when its sources changed) serves the platform against that orchestrator.
  await start.waitFor(/the web app serves (http:\/\/\S+)/, 240_000);
  await start.waitFor(/Ready in/, 60_000);
  const web = `http://localhost:${webPort}`;
  const page = await fetch(`${web}/integrations`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("Open mode");
  const viaWeb = createOctoClient({ url: `${web}/api` });
  const api = createOctoClient({ url: url as string });
  const names = (await api.integrations.list.query()).map((i) => i.name);
  expect(names).toEqual(expect.arrayContaining(["hello-world", "http-orders", "weather"]));
  // The same answer through the web app's /api/trpc (open mode: nothing to forward).
  expect((await viaWeb.integrations.list.query()).map((i) => i.name).sort()).toEqual([...names].sort());
  expect(start.output()).toContain("open mode");

  const example = run([
    "apps/orchestrator/examples/deploy-sample.ts",
    url as string,
    "error-handling",
    "/stock/A-1",
    "INVENTORY_URL=http://127.0.0.1:9",
  ]);
  expect((await example.exited).code, example.output()).toBe(0);
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

  expect((await start.stop("SIGTERM")).code).toBe(0);
}, 360_000);
