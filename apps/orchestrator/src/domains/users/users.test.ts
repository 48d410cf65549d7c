// users.me in open mode: the one `local-dev` user, recorded once. (With OIDC and API keys:
// api-keys/api-keys.test.ts.)
import { users } from "@octo/db";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "../../../test/orchestrator.ts";

let orch: TestOrchestrator;
beforeAll(async () => {
  orch = await startTestOrchestrator();
}, 60_000);
afterAll(() => orch?.close());

it("answers open-mode callers as the local-dev user, upserted once", async () => {
  const api = orch.client();
  const first = await api.users.me.query();
  expect(first).toMatchObject({
    email: "local-dev@localhost",
    name: "Local developer",
    roles: [],
    via: "open",
    can: { write: true, admin: true },
  });
  const again = await api.users.me.query();
  expect(again.id).toBe(first.id);
  const rows = await orch.services.db.select().from(users);
  expect(rows.map((r) => r.subject)).toEqual(["local-dev"]);
});

it("lets the local-dev user manage API keys in open mode", async () => {
  const api = orch.client();
  const key = await api.apiKeys.create.mutate({ name: "dev", scope: "write", ttlDays: 1 });
  expect((await api.apiKeys.list.query()).map((k) => k.id)).toEqual([key.id]);
  // The key is that user's.
  expect(await orch.client(key.token).users.me.query()).toMatchObject({
    id: (await api.users.me.query()).id,
    via: "api-key",
    scope: "write",
  });
});

it("records who created integrations and versions, and lists users for admins", async () => {
  const api = orch.client();
  const me = await api.users.me.query();
  const integration = await api.integrations.create.mutate({ name: "owned" });
  const version = await api.versions.create.mutate({ integrationId: integration.id, tag: "v1" });
  expect(integration.createdBy).toBe(me.id);
  expect((await api.versions.get.query({ id: version.id })).createdBy).toBe(me.id);
  expect((await api.users.list.query()).map((u) => u.email)).toEqual(["local-dev@localhost"]);
  expect(await api.users.get.query({ id: me.id })).toMatchObject({ email: "local-dev@localhost" });
  await expect(api.users.get.query({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
    data: { code: "NOT_FOUND" },
  });
});
