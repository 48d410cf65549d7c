// Exposing a deployment at https://<subdomain>.<BASE_DOMAIN>: only with a base domain, only for
// a network service, one subdomain per deployment (a database constraint).
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "./orchestrator.ts";

const NETWORKED = `
env: [{ name: HTTP_PORT, default: "8080" }, { name: HTTP_HOST, default: "127.0.0.1" }]
connectors: [{ name: api, type: http, settings: { host: "\${HTTP_HOST}", port: "\${HTTP_PORT}" } }]
flows: [{ name: x, source: { connector: api, type: http, settings: { path: /x } }, process: [] }]
`;
const SOURCELESS = `flows: [{ name: x, process: [] }]\n`;

let orch: TestOrchestrator;
let plain: TestOrchestrator;
beforeAll(async () => {
  [orch, plain] = await Promise.all([
    startTestOrchestrator({ BASE_DOMAIN: "apps.example.com" }),
    startTestOrchestrator(),
  ]);
}, 90_000);
afterAll(async () => {
  await orch?.close();
  await plain?.close();
});

async function tagged(o: TestOrchestrator, name: string, definition: string) {
  const api = o.client();
  const integration = await api.integrations.create.mutate({ name, definition });
  const version = await api.versions.create.mutate({ integrationId: integration.id, tag: "v1" });
  return { integrationId: integration.id, versionId: version.id };
}

it("exposes a network service under its subdomain, once", async () => {
  const api = orch.client();
  const shop = await tagged(orch, "Shop", NETWORKED);
  // The deploy dialog shows the resulting URL from the base domain it is told.
  expect(await api.deployments.options.query({ integrationId: shop.integrationId })).toMatchObject({
    baseDomain: "apps.example.com",
  });
  const d = await api.deployments.create.mutate({ ...shop, expose: true });
  expect(d).toMatchObject({ slug: "shop", externalUrl: "https://shop.apps.example.com" });

  const other = await tagged(orch, "Other", NETWORKED);
  await expect(
    api.deployments.create.mutate({ ...other, expose: true, subdomain: "Shop" }),
  ).rejects.toMatchObject({
    data: { code: "CONFLICT" },
    message: "the subdomain shop is already in use",
  });
  await expect(api.deployments.create.mutate({ ...other, slug: "shop" })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
    message: "the slug shop is already in use",
  });
  const job = await tagged(orch, "Job", SOURCELESS);
  await expect(api.deployments.create.mutate({ ...job, expose: true })).rejects.toThrow(
    /only an integration that declares HTTP_PORT can be exposed/,
  );
  await api.deployments.delete.mutate({ id: d.id });
}, 60_000);

it("refuses to expose anything without BASE_DOMAIN", async () => {
  const shop = await tagged(plain, "Shop", NETWORKED);
  expect(await plain.client().deployments.options.query({ integrationId: shop.integrationId })).toMatchObject(
    {
      baseDomain: null,
    },
  );
  await expect(plain.client().deployments.create.mutate({ ...shop, expose: true })).rejects.toThrow(
    /external endpoints are not configured \(BASE_DOMAIN is unset\)/,
  );
});
