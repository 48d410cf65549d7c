// The audit trail for admins: rows for every write (refused ones too), newest first, filtered,
// limited, and holding no values.
import { expect, it } from "vitest";
import type { TestIssuer } from "../../../test/oidc-provider.ts";
import { oidcOrchestratorPerFile, type TestOrchestrator } from "../../../test/orchestrator.ts";

let issuer: TestIssuer;
let orch: TestOrchestrator;
oidcOrchestratorPerFile((o, i) => {
  orch = o;
  issuer = i;
});

const SECRET = "value-that-is-not-audited";

it("lists write rows newest first, filters them, and never holds a value", async () => {
  const admin = orch.client(await issuer.token({ sub: "root", roles: ["octo-admin", "octo-writer"] }));
  const writer = orch.client(await issuer.token({ sub: "wanda", roles: ["octo-writer"] }));
  const started = new Date(Date.now() - 1000).toISOString();

  const integration = await writer.integrations.create.mutate({ name: "audited", definition: SECRET });
  await writer.integrations.update.mutate({ id: integration.id, definition: `${SECRET}-2` });
  await admin.secrets.set.mutate({ name: "AUDITED", value: SECRET });
  await expect(writer.secrets.set.mutate({ name: "NOPE", value: SECRET })).rejects.toMatchObject({
    data: { code: "FORBIDDEN" },
  });
  // Reads are not audited.
  await writer.integrations.list.query();

  const rows = await admin.audit.list.query({});
  expect(rows.map((r) => [r.procedure, r.actorId, r.outcome, r.errorCode])).toEqual([
    ["secrets.set", "wanda", "error", "FORBIDDEN"],
    ["secrets.set", "root", "ok", null],
    ["integrations.update", "wanda", "ok", null],
    ["integrations.create", "wanda", "ok", null],
  ]);
  expect(rows[1]).toMatchObject({ actorKind: "user", targetKind: "secret", targetId: "AUDITED" });
  expect(JSON.stringify(rows)).not.toContain(SECRET);

  expect((await admin.audit.list.query({ actorId: "wanda" })).map((r) => r.procedure)).toEqual([
    "secrets.set",
    "integrations.update",
    "integrations.create",
  ]);
  expect((await admin.audit.list.query({ procedure: "integrations.create" })).map((r) => r.targetId)).toEqual(
    ["audited"],
  );
  expect(await admin.audit.list.query({ limit: 1 })).toHaveLength(1);
  expect(await admin.audit.list.query({ since: started })).toHaveLength(4);
  expect(await admin.audit.list.query({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
});

it("is for admins only, and checks its limit", async () => {
  const admin = orch.client(await issuer.token({ sub: "root", roles: ["octo-admin"] }));
  const writer = orch.client(await issuer.token({ sub: "wanda", roles: ["octo-writer"] }));
  await expect(writer.audit.list.query({})).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  for (const limit of [0, 501])
    await expect(admin.audit.list.query({ limit })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
  await expect(admin.audit.list.query({ since: "yesterday" })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
  });
  expect(await admin.audit.list.query({ limit: 500 })).toEqual(expect.any(Array));
});
