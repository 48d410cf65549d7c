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
