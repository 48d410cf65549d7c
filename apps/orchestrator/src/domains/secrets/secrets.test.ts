// Secrets through the typed client: write-only values, encrypted at rest with the secret's AAD,
// refused deletion while bound (unless forced), and no value in any response, audit row or log.
import { aad, auditEvents, deploymentEnv, deployments, integrations, secretValues, versions } from "@octo/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "../../../test/orchestrator.ts";

let orch: TestOrchestrator;
beforeAll(async () => {
  orch = await startTestOrchestrator();
}, 60_000);
afterAll(() => orch?.close());

const VALUE = "s3cr3t-value-that-must-never-leak";
const OTHER_VALUE = "another-value-never-shown-anywhere";

it("sets, lists and overwrites a secret without ever returning its value", async () => {
  const api = orch.client();
  const responses: unknown[] = [];
  const created = await api.secrets.set.mutate({ name: "DB_PASSWORD", value: VALUE });
  responses.push(created);
  expect(Object.keys(created).sort()).toEqual(["createdAt", "lastUpdated", "name"]);
  const list = await api.secrets.list.query();
  responses.push(list);
  expect(list).toEqual([
    { name: "DB_PASSWORD", createdAt: created.createdAt, lastUpdated: created.lastUpdated, usedBy: [] },
  ]);

  const updated = await api.secrets.set.mutate({ name: "DB_PASSWORD", value: OTHER_VALUE });
  responses.push(updated, await api.secrets.list.query());
  expect(updated.createdAt).toBe(created.createdAt);
  expect(new Date(updated.lastUpdated).getTime()).toBeGreaterThanOrEqual(
    new Date(created.lastUpdated).getTime(),
  );

  // Stored as ciphertext bound to the name.
  const [stored] = await orch.services.db
    .select()
    .from(secretValues)
    .where(eq(secretValues.name, "DB_PASSWORD"));
  if (!stored) throw new Error("no stored value");
  expect(stored.valueEncrypted.toString("latin1")).not.toContain(OTHER_VALUE);
  expect(orch.services.cipher.decryptString(stored.valueEncrypted, aad.secret("DB_PASSWORD"))).toBe(
    OTHER_VALUE,
  );
  expect(() => orch.services.cipher.decrypt(stored.valueEncrypted, aad.secret("OTHER"))).toThrow();

  // A failing write (bad name) must not echo the value either.
  const refused = await api.secrets.set.mutate({ name: "lower-case", value: VALUE }).catch((e: unknown) => e);
  expect(refused).toMatchObject({ data: { code: "BAD_REQUEST" } });
  responses.push(String(refused), JSON.stringify(refused));

  const audit = await orch.services.db.select().from(auditEvents);
  expect(audit.filter((a) => a.procedure === "secrets.set").map((a) => [a.targetId, a.outcome])).toEqual([
    ["DB_PASSWORD", "ok"],
    ["DB_PASSWORD", "ok"],
    ["lower-case", "error"],
  ]);
  const everything = JSON.stringify([responses, audit, orch.logs]);
  expect(everything).not.toContain(VALUE);
  expect(everything).not.toContain(OTHER_VALUE);
});

it("refuses to delete a secret a deployment binds, unless forced", async () => {
  const api = orch.client();
  await api.secrets.set.mutate({ name: "API_TOKEN", value: VALUE });
  const { db } = orch.services;
  const [integration] = await db.insert(integrations).values({ name: "uses-secret" }).returning();
  const [version] = await db
    .insert(versions)
    .values({ integrationId: integration?.id as string, tag: "v1", definition: "" })
    .returning();
  const [deployment] = await db
    .insert(deployments)
    .values({
      integrationId: integration?.id as string,
      versionId: version?.id as string,
      name: "x",
      tag: "v1",
    })
    .returning();
  const deploymentId = deployment?.id as string;
  await db
    .insert(deploymentEnv)
    .values({ deploymentId, name: "TOKEN", kind: "secret", secretName: "API_TOKEN" });

  await expect(api.secrets.delete.mutate({ name: "API_TOKEN" })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
    message: `secret is in use by a deployment: ${deploymentId}`,
  });
  // The list says who binds it before anyone tries to delete it.
  const listed = (await api.secrets.list.query()).find((s) => s.name === "API_TOKEN");
  expect(listed?.usedBy).toEqual([{ id: deploymentId, name: "x" }]);
  expect(await api.secrets.delete.mutate({ name: "API_TOKEN", force: true })).toEqual({
    name: "API_TOKEN",
    stillBoundBy: [deploymentId],
  });
  expect((await api.secrets.list.query()).map((s) => s.name)).not.toContain("API_TOKEN");
  expect(await db.select().from(secretValues).where(eq(secretValues.name, "API_TOKEN"))).toEqual([]);
  await expect(api.secrets.delete.mutate({ name: "API_TOKEN" })).rejects.toMatchObject({
    data: { code: "NOT_FOUND" },
  });

  // An unbound secret goes without force.
  await api.secrets.set.mutate({ name: "UNUSED", value: OTHER_VALUE });
  expect(await api.secrets.delete.mutate({ name: "UNUSED" })).toEqual({ name: "UNUSED", stillBoundBy: [] });
  expect(JSON.stringify([await db.select().from(auditEvents), orch.logs])).not.toContain(VALUE);
});
