// The deployment-scoped KV store through the typed client with deployment tokens: the
// deployment comes from the token, compare-and-set versions, secret namespaces encrypted with
// their row's AAD, and no access for users or other deployments.
import { aad, auditEvents, deployments, deploymentTokens, integrations, kvEntries, versions } from "@octo/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "../../../test/orchestrator.ts";
import { DEPLOYMENT_TOKEN_PREFIX, newToken, tokenHash } from "../../auth/tokens.ts";

let orch: TestOrchestrator;
let first: { id: string; token: string };
let second: { id: string; token: string };

/** A deployment row and its token, straight into the database (no driver involved). */
async function deploymentWithToken(name: string) {
  const { db } = orch.services;
  const [integration] = await db.insert(integrations).values({ name }).returning();
  const integrationId = integration?.id as string;
  const [version] = await db
    .insert(versions)
    .values({ integrationId, tag: "v1", definition: "" })
    .returning();
  const [deployment] = await db
    .insert(deployments)
    .values({ integrationId, versionId: version?.id as string, name, tag: "v1" })
    .returning();
  const token = newToken(DEPLOYMENT_TOKEN_PREFIX);
  await db
    .insert(deploymentTokens)
    .values({ deploymentId: deployment?.id as string, tokenHash: tokenHash(token) });
  return { id: deployment?.id as string, token };
}

beforeAll(async () => {
  orch = await startTestOrchestrator();
  first = await deploymentWithToken("kv-one");
  second = await deploymentWithToken("kv-two");
}, 60_000);
afterAll(() => orch?.close());

const b64 = (text: string) => Buffer.from(text).toString("base64");

it("creates, reads, updates with compare-and-set, and deletes", async () => {
  const kv = orch.client(first.token).kv;
  const at = { namespace: "user", key: "orders/42" };
  expect(await kv.get.query(at)).toBeNull();
  expect(await kv.put.mutate({ ...at, value: b64("one"), expectedVersion: 0 })).toEqual({ version: 1 });
  expect(await kv.get.query(at)).toEqual({ value: b64("one"), version: 1 });

  // 0 means create only; a stale version is refused.
  await expect(kv.put.mutate({ ...at, value: b64("x"), expectedVersion: 0 })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
  });
  expect(await kv.put.mutate({ ...at, value: b64("two"), expectedVersion: 1 })).toEqual({ version: 2 });
  await expect(kv.put.mutate({ ...at, value: b64("x"), expectedVersion: 1 })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
  });
  await expect(
    kv.put.mutate({ namespace: "user", key: "absent", value: b64("x"), expectedVersion: 3 }),
  ).rejects.toMatchObject({ data: { code: "CONFLICT" } });
  expect(await kv.get.query(at)).toEqual({ value: b64("two"), version: 2 });

  await expect(kv.delete.mutate({ ...at, expectedVersion: 1 })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
  });
  expect(await kv.delete.mutate({ ...at, expectedVersion: 2 })).toEqual({ deleted: true });
  expect(await kv.get.query(at)).toBeNull();
  // Deleting an absent key is fine.
  expect(await kv.delete.mutate(at)).toEqual({ deleted: false });
  expect(await kv.delete.mutate({ ...at, expectedVersion: 5 })).toEqual({ deleted: false });
  // Runtime data: none of it reaches the audit trail.
  const audited = await orch.services.db.select().from(auditEvents);
  expect(audited.filter((a) => a.procedure.startsWith("kv."))).toEqual([]);
});

it("lets exactly one of two concurrent creates win", async () => {
  const kv = orch.client(first.token).kv;
  const at = { namespace: "system", key: "lock" };
  const results = await Promise.allSettled(
    ["a", "b", "c"].map((v) => kv.put.mutate({ ...at, value: b64(v), expectedVersion: 0 })),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  for (const r of results.filter((x) => x.status === "rejected"))
    expect((r as PromiseRejectedResult).reason).toMatchObject({ data: { code: "CONFLICT" } });
});

it("stores secret namespaces as ciphertext bound to the row", async () => {
  const kv = orch.client(first.token).kv;
  const plain = "the-password-in-kv";
  await kv.put.mutate({ namespace: "user_secrets", key: "pw", value: b64(plain) });
  expect(await kv.get.query({ namespace: "user_secrets", key: "pw" })).toEqual({
    value: b64(plain),
    version: 1,
  });
  const [row] = await orch.services.db
    .select()
    .from(kvEntries)
    .where(and(eq(kvEntries.deploymentId, first.id), eq(kvEntries.namespace, "user_secrets")));
  if (!row) throw new Error("no row");
  expect(row.value.toString("latin1")).not.toContain(plain);
  expect(orch.services.cipher.decryptString(row.value, aad.kv(first.id, "user_secrets", "pw"))).toBe(plain);
  expect(() => orch.services.cipher.decrypt(row.value, aad.kv(second.id, "user_secrets", "pw"))).toThrow();

  // A plain namespace holds the bytes as they are.
  await kv.put.mutate({ namespace: "user", key: "plain", value: b64("visible") });
  const [plainRow] = await orch.services.db
    .select()
    .from(kvEntries)
    .where(and(eq(kvEntries.deploymentId, first.id), eq(kvEntries.key, "plain")));
  expect(plainRow?.value.toString()).toBe("visible");
});

it("keeps each deployment in its own store, and refuses users", async () => {
  await orch.client(first.token).kv.put.mutate({ namespace: "user", key: "mine", value: b64("1") });
  const other = orch.client(second.token).kv;
  expect(await other.get.query({ namespace: "user", key: "mine" })).toBeNull();
  expect(await other.get.query({ namespace: "user_secrets", key: "pw" })).toBeNull();
  // Its own row with the same address is separate.
  expect(await other.put.mutate({ namespace: "user", key: "mine", value: b64("2") })).toEqual({ version: 1 });
  expect(await orch.client(first.token).kv.get.query({ namespace: "user", key: "mine" })).toEqual({
    value: b64("1"),
    version: 1,
  });
  // A deployment token is good for nothing else.
  await expect(orch.client(first.token).integrations.list.query()).rejects.toMatchObject({
    data: { code: "FORBIDDEN" },
  });

  // A user (open mode: allowed everything else) gets no KV, and there is no input to name a deployment.
  await expect(orch.client().kv.get.query({ namespace: "user", key: "mine" })).rejects.toMatchObject({
    data: { code: "FORBIDDEN" },
  });
  await expect(
    orch.client().kv.put.mutate({ namespace: "user", key: "x", value: b64("1") }),
  ).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  await expect(
    orch.client(newToken(DEPLOYMENT_TOKEN_PREFIX)).kv.get.query({ namespace: "user", key: "mine" }),
  ).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
});

it("validates values: base64 only, at most 1 MiB", async () => {
  const kv = orch.client(first.token).kv;
  await expect(kv.put.mutate({ namespace: "user", key: "bad", value: "not base64!" })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
  });
  const big = Buffer.alloc(1_048_577).toString("base64");
  await expect(kv.put.mutate({ namespace: "user", key: "big", value: big })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
  });
  const max = Buffer.alloc(1_048_576, 7).toString("base64");
  expect(await kv.put.mutate({ namespace: "user", key: "max", value: max })).toEqual({ version: 1 });
  await expect(kv.get.query({ namespace: "bad/ns", key: "k" })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
  });
});

it("goes with its deployment", async () => {
  await orch.services.db.delete(deployments).where(eq(deployments.id, second.id));
  expect(
    await orch.services.db.select().from(kvEntries).where(eq(kvEntries.deploymentId, second.id)),
  ).toEqual([]);
});
