// The control plane's main path through the typed client: an integration from YAML, a version
// tag, env bindings, a local deploy that becomes ready over SSE, its HTTP endpoint, scale,
// undeploy — each write audited.
import { auditEvents } from "@octo/db";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GREETER_YAML as YAML } from "./fixtures.ts";
import { startTestOrchestrator, type TestOrchestrator } from "./orchestrator.ts";

let orch: TestOrchestrator;
// PGlite's WebAssembly start takes seconds on a busy machine.
beforeAll(async () => {
  orch = await startTestOrchestrator();
}, 60_000);
afterAll(() => orch?.close());

it("creates, tags, deploys (ready over SSE), serves, scales and undeploys an integration", async () => {
  const api = orch.client();
  const integration = await api.integrations.create.mutate({ name: "Greeter", definition: YAML });
  const version = await api.versions.create.mutate({ integrationId: integration.id, tag: "v1" });

  const options = await api.deployments.options.query({
    integrationId: integration.id,
    versionId: version.id,
  });
  expect(options).toEqual({
    networked: true,
    envVars: [{ name: "GREETING", default: undefined, required: true, secret: false }],
    slug: "greeter",
    slugValid: true,
    slugAvailable: true,
    baseDomain: null,
  });
  const asked = await api.deployments.options.query({ integrationId: integration.id, slug: "My Greeter!" });
  expect(asked).toMatchObject({ slug: "my-greeter", slugValid: true, slugAvailable: true });
  expect(await api.deployments.options.query({ integrationId: integration.id, slug: "!!" })).toMatchObject({
    slugValid: false,
    slugAvailable: false,
  });
  await expect(
    api.deployments.create.mutate({ integrationId: integration.id, versionId: version.id }),
  ).rejects.toThrow(/GREETING is required/);

  const deployment = await api.deployments.create.mutate({
    integrationId: integration.id,
    versionId: version.id,
    env: { GREETING: { value: "hello" } },
  });
  expect(deployment).toMatchObject({ slug: "greeter", tag: "v1", replicas: 1 });
  expect(
    await api.deployments.options.query({ integrationId: integration.id, slug: "greeter" }),
  ).toMatchObject({
    slugAvailable: false,
  });
  expect(await api.deployments.options.query({ integrationId: integration.id })).toMatchObject({
    slug: "greeter-001",
  });

  // Live status over SSE until the deployment is running.
  const running = await new Promise<{ url?: string | undefined; readyReplicas: number }>(
    (resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("not running within 20 s")), 20_000);
      const sub = api.deployments.watch.subscribe(
        { integrationId: integration.id },
        {
          onData: ({ data }) => {
            const d = data.find((x) => x.id === deployment.id);
            if (d?.status === "running") {
              clearTimeout(timer);
              sub.unsubscribe();
              resolve(d);
            }
          },
          onError: reject,
        },
      );
    },
  );
  expect(running.readyReplicas).toBe(1);
  // The dashboard's view: every deployment, without naming an integration.
  expect((await api.deployments.list.query({})).map((d) => d.id)).toContain(deployment.id);
  const answer = await fetch(`${running.url}/hello?name=Ada`);
  expect(await answer.json()).toEqual({ greeting: "hello, Ada" });

  const scaled = await api.deployments.scale.mutate({ id: deployment.id, replicas: 2 });
  expect(scaled.desiredReplicas).toBe(2);
  expect((await fetch(`${running.url}/hello?name=Bo`)).status).toBe(200);

  await api.deployments.delete.mutate({ id: deployment.id });
  expect(await api.deployments.list.query({ integrationId: integration.id })).toEqual([]);
  await expect(fetch(`${running.url}/hello?name=Cy`)).rejects.toThrow();

  const audit = await orch.services.db.select().from(auditEvents);
  expect(audit.map((a) => [a.procedure, a.outcome])).toEqual([
    ["integrations.create", "ok"],
    ["versions.create", "ok"],
    ["deployments.create", "error"],
    ["deployments.create", "ok"],
    ["deployments.scale", "ok"],
    ["deployments.delete", "ok"],
  ]);
  expect(audit[2]?.errorCode).toBe("BAD_REQUEST");
  expect(JSON.stringify(audit)).not.toContain("hello");
}, 60_000);

it("answers malformed ids and bodies with BAD_REQUEST, unknown ones with NOT_FOUND", async () => {
  const api = orch.client();
  await expect(api.integrations.get.query({ id: "not-a-uuid" })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
    message: "id: must be a UUID",
  });
  await expect(
    api.integrations.get.query({ id: "00000000-0000-4000-8000-000000000000" }),
  ).rejects.toMatchObject({
    data: { code: "NOT_FOUND" },
  });
  await expect(api.integrations.create.mutate({ name: " " })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
  });
  await api.integrations.create.mutate({ name: "Twice" });
  await expect(api.integrations.create.mutate({ name: "Twice" })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
  });
});
