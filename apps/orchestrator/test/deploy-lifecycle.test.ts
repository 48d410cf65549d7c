// Rollout, logs, failures and teardown of deployments through the typed client.
import { readFileSync } from "node:fs";
import { deploymentEnv } from "@octo/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "./orchestrator.ts";

const greeter = (greeting: string) => `
env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: HTTP_HOST, default: "127.0.0.1" }
  - { name: TOKEN, required: true, secret: true }
connectors:
  - { name: api, type: http, settings: { host: "\${HTTP_HOST}", port: "\${HTTP_PORT}" } }
flows:
  - name: hello
    source: { connector: api, type: http, settings: { path: /hello } }
    process:
      - { type: log, settings: { message: '"token is " + env.TOKEN' } }
      - { type: set-payload, settings: { value: '"${greeting}"' } }
`;

let orch: TestOrchestrator;
beforeAll(async () => {
  orch = await startTestOrchestrator();
}, 60_000);
afterAll(() => orch?.close());

async function untilStatus(integrationId: string, deploymentId: string, want: string) {
  const api = orch.client();
  return new Promise<{ url?: string | undefined; reason?: string | undefined }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ${want} within 20 s`)), 20_000);
    const sub = api.deployments.watch.subscribe(
      { integrationId },
      {
        onData: ({ data }) => {
          const d = data.find((x) => x.id === deploymentId);
          if (d?.status === want) {
            clearTimeout(timer);
            sub.unsubscribe();
            resolve(d);
          }
        },
        onError: reject,
      },
    );
  });
}

it("rolls out a new version, streams redacted logs, encrypts the secret literal, and undeploys on integration delete", async () => {
  const api = orch.client();
  const integration = await api.integrations.create.mutate({ name: "lifecycle", definition: greeter("one") });
  const v1 = await api.versions.create.mutate({ integrationId: integration.id, tag: "v1" });
  await api.integrations.update.mutate({ id: integration.id, definition: greeter("two") });
  const v2 = await api.versions.create.mutate({ integrationId: integration.id, tag: "v2" });
  await expect(
    api.versions.create.mutate({ integrationId: integration.id, tag: "v2" }),
  ).rejects.toMatchObject({
    data: { code: "CONFLICT" },
  });

  const d = await api.deployments.create.mutate({
    integrationId: integration.id,
    versionId: v1.id,
    env: { TOKEN: { value: "s3cr3t-token" } },
  });
  const { url } = await untilStatus(integration.id, d.id, "running");
  expect(await (await fetch(`${url}/hello`)).json()).toBe("one");

  // A secret literal is stored encrypted, never as text.
  const [env] = await orch.services.db.select().from(deploymentEnv);
  expect(env).toMatchObject({ name: "TOKEN", kind: "literal", literal: null });
  expect(env?.literalEncrypted?.toString("latin1")).not.toContain("s3cr3t-token");

  // The log stream from the start, with the secret redacted.
  const lines: string[] = [];
  let tokenLine = "";
  await new Promise<void>((resolve, reject) => {
    const sub = api.deployments.logs.subscribe(
      { id: d.id },
      {
        onData: ({ id, data }) => {
          lines.push(data.text);
          if (data.text.includes("token is")) {
            tokenLine = id;
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  // Resuming after that line's id replays only what came later.
  await fetch(`${url}/hello`);
  const resumed = await new Promise<{ id: string; text: string }>((resolve, reject) => {
    const sub = api.deployments.logs.subscribe(
      { id: d.id, lastEventId: tokenLine },
      {
        onData: ({ id, data }) => {
          sub.unsubscribe();
          resolve({ id, text: data.text });
        },
        onError: reject,
      },
    );
  });
  expect(Number(resumed.id)).toBeGreaterThan(Number(tokenLine));
  // The runtime redacts a secret env value itself; the driver redacts anything that slips through.
  expect(lines.join("\n")).toMatch(/token is \[(redacted|REDACTED)\]/);
  expect(lines.join("\n")).not.toContain("s3cr3t-token");

  // Watchers see the new version without reloading (the row changes after the workload settles).
  const watchedV2 = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the watch never showed v2")), 20_000);
    const sub = api.deployments.watch.subscribe(
      { integrationId: integration.id },
      {
        onData: ({ data }) => {
          if (data.find((x) => x.id === d.id)?.tag !== "v2") return;
          clearTimeout(timer);
          sub.unsubscribe();
          resolve();
        },
        onError: reject,
      },
    );
  });
  const rolled = await api.deployments.rollout.mutate({ id: d.id, versionId: v2.id });
  expect(rolled.tag).toBe("v2");
  await watchedV2;
  expect(await (await fetch(`${url}/hello`)).json()).toBe("two");
  await expect(api.versions.delete.mutate({ id: v2.id })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
  });

  const deleted = await api.integrations.delete.mutate({ id: integration.id });
  expect(deleted.undeployed).toBe(1);
  expect(orch.services.driver.status(d.id)).toBeUndefined();
  await expect(fetch(`${url}/hello`)).rejects.toThrow();
}, 90_000);

it("refuses a version that does not load, and reports one that crashes at start as failed", async () => {
  const api = orch.client();
  const broken = `env: [{ name: HTTP_PORT, default: "8080" }]\nflows:\n  - name: x\n    process: [{ type: nope }]\n`;
  const bad = await api.integrations.create.mutate({ name: "broken", definition: broken });
  const v = await api.versions.create.mutate({ integrationId: bad.id, tag: "v1" });
  await expect(api.deployments.create.mutate({ integrationId: bad.id, versionId: v.id })).rejects.toThrow(
    /the version does not load: 4:\d+: unknown block type "nope"/,
  );
  expect(await api.deployments.list.query({ integrationId: bad.id })).toEqual([]);

  // Loads, but cannot listen on an address this machine does not have.
  const crashing = `
env: [{ name: HTTP_PORT, default: "8080" }]
connectors: [{ name: api, type: http, settings: { host: 192.0.2.1, port: "\${HTTP_PORT}" } }]
flows: [{ name: x, source: { connector: api, type: http, settings: { path: /x } }, process: [] }]
`;
  const crash = await api.integrations.create.mutate({ name: "crashing", definition: crashing });
  const cv = await api.versions.create.mutate({ integrationId: crash.id, tag: "v1" });
  const d = await api.deployments.create.mutate({ integrationId: crash.id, versionId: cv.id });
  const failed = await untilStatus(crash.id, d.id, "failed");
  expect(failed.reason).toMatch(/exited with code 1: .*192\.0\.2\.1/);
  await api.deployments.delete.mutate({ id: d.id });
}, 60_000);

it("refuses bindings the rules forbid", async () => {
  const api = orch.client();
  const integration = await api.integrations.create.mutate({ name: "rules", definition: greeter("x") });
  const v = await api.versions.create.mutate({ integrationId: integration.id, tag: "v1" });
  const deploy = (env: Record<string, { value?: string; secret?: string }>) =>
    api.deployments.create.mutate({ integrationId: integration.id, versionId: v.id, env });
  await expect(deploy({ TOKEN: { value: "t" }, HTTP_PORT: { value: "1" } })).rejects.toThrow(
    /HTTP_PORT is managed by the platform/,
  );
  await expect(deploy({ TOKEN: { value: "t" }, OTHER: { value: "1" } })).rejects.toThrow(
    /OTHER is not declared/,
  );
  await expect(deploy({ TOKEN: { secret: "NO_SUCH_SECRET" } })).rejects.toThrow(
    /no secret named NO_SUCH_SECRET/,
  );
  expect(await api.deployments.list.query({ integrationId: integration.id })).toEqual([]);
});

it("binds a cluster secret: the process gets its value, nothing else shows it", async () => {
  const api = orch.client();
  await api.secrets.set.mutate({ name: "SHARED_TOKEN", value: "cluster-s3cret" });
  const definition = greeter("x").replace(`'"x"'`, "'string(size(env.TOKEN)) + \":\" + env.TOKEN'");
  const integration = await api.integrations.create.mutate({ name: "secret-bound", definition });
  const v = await api.versions.create.mutate({ integrationId: integration.id, tag: "v1" });
  const d = await api.deployments.create.mutate({
    integrationId: integration.id,
    versionId: v.id,
    env: { TOKEN: { value: "ignored", secret: "SHARED_TOKEN" } },
  });
  const { url } = await untilStatus(integration.id, d.id, "running");
  // The flow sees the secret's value (it answers with it here, to prove it arrived).
  expect(await (await fetch(`${url}/hello`)).json()).toBe("14:cluster-s3cret");
  const [row] = await orch.services.db
    .select()
    .from(deploymentEnv)
    .where(eq(deploymentEnv.deploymentId, d.id));
  expect(row).toMatchObject({
    kind: "secret",
    secretName: "SHARED_TOKEN",
    literal: null,
    literalEncrypted: null,
  });
  await expect(api.secrets.delete.mutate({ name: "SHARED_TOKEN" })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
  });
  await api.deployments.delete.mutate({ id: d.id });
  await api.secrets.delete.mutate({ name: "SHARED_TOKEN" });
}, 60_000);

it("says what it is", async () => {
  expect(await orch.client().system.info.query()).toMatchObject({
    service: "octo-orchestrator",
    database: "pglite",
    driver: "local",
    auth: "open",
  });
});

it("serves /healthz, /readyz and /metrics", async () => {
  expect(await (await fetch(`${orch.url}/healthz`)).json()).toEqual({
    ok: true,
    service: "octo-orchestrator",
    version: JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version,
  });
  expect((await fetch(`${orch.url}/readyz`)).status).toBe(200);
  const api = orch.client();
  const integration = await api.integrations.create.mutate({ name: "measured", definition: greeter("m") });
  const version = await api.versions.create.mutate({ integrationId: integration.id, tag: "v1" });
  const d = await api.deployments.create.mutate({
    integrationId: integration.id,
    versionId: version.id,
    replicas: 2,
    env: { TOKEN: { value: "t" } },
  });
  await untilStatus(integration.id, d.id, "running");
  const metrics = await (await fetch(`${orch.url}/metrics`)).text();
  expect(metrics).toMatch(/octo_orchestrator_requests_total\{procedure="[^"]+",status="200"\} \d+/);
  // What is deployed, read from the database at scrape time (the Grafana dashboard's panels).
  const rows = await api.deployments.list.query({});
  expect(rows.map((r) => [r.name, r.replicas, r.status])).toContainEqual([d.name, 2, "running"]);
  const byStatus = new Map<string, number>();
  for (const d of rows) byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + 1);
  for (const [status, n] of byStatus) expect(metrics).toContain(`octo_deployments{status="${status}"} ${n}`);
  for (const d of rows)
    expect(metrics).toContain(`octo_deployment_replicas{deployment="${d.name}"} ${d.replicas}`);
  expect((await fetch(`${orch.url}/nope`)).status).toBe(404);
});
