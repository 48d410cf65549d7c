// API keys with OIDC on: self-service keys that authenticate against the orchestrator, shown
// once, never listed with their token, revocable only by their owner, and never minted by a key.
import { apiKeys, auditEvents, users } from "@octo/db";
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import type { TestIssuer } from "../../../test/oidc-provider.ts";
import { oidcOrchestratorPerFile, type TestOrchestrator } from "../../../test/orchestrator.ts";
import { tokenHash } from "../../auth/tokens.ts";

let issuer: TestIssuer;
let orch: TestOrchestrator;
oidcOrchestratorPerFile((o, i) => {
  orch = o;
  issuer = i;
});

const writer = async () =>
  orch.client(
    await issuer.token({ sub: "ada", email: "ada@example.com", name: "Ada", roles: ["octo-writer"] }),
  );
const reader = async () => orch.client(await issuer.token({ sub: "bo", email: "bo@example.com" }));

it("records a signed-in person on users.me and refreshes them on every sign-in", async () => {
  const me = await (await writer()).users.me.query();
  expect(me).toMatchObject({ email: "ada@example.com", name: "Ada", roles: ["octo-writer"], via: "oidc" });
  // What each may do, as the orchestrator decides it (the web app only reflects this).
  expect(me.can).toEqual({ write: true, admin: false });
  expect((await (await reader()).users.me.query()).can).toEqual({ write: false, admin: false });
  const admin = orch.client(await issuer.token({ sub: "cy", roles: ["octo-admin", "octo-writer"] }));
  expect((await admin.users.me.query()).can).toEqual({ write: true, admin: true });
  const renamed = orch.client(await issuer.token({ sub: "ada", email: "ada@new.example", name: "Ada L." }));
  expect(await renamed.users.me.query()).toMatchObject({
    id: me.id,
    email: "ada@new.example",
    name: "Ada L.",
  });
  const [row] = await orch.services.db.select().from(users).where(eq(users.subject, "ada"));
  expect(row).toMatchObject({ id: me.id, email: "ada@new.example" });
  await expect(orch.client().users.me.query()).rejects.toMatchObject({
    data: { code: "UNAUTHORIZED", reason: "missing_auth" },
  });
  // Over HTTP as a script sees it: 401 and a machine-readable reason, with or without a credential.
  const missing = await fetch(`${orch.url}/trpc/integrations.list`);
  expect(missing.status).toBe(401);
  expect(await missing.json()).toMatchObject({
    error: { data: { httpStatus: 401, reason: "missing_auth" } },
  });
  const wrong = await fetch(`${orch.url}/trpc/integrations.list`, {
    headers: { authorization: "Bearer nope" },
  });
  expect(wrong.status).toBe(401);
  expect(await wrong.json()).toMatchObject({ error: { data: { httpStatus: 401, reason: "invalid_token" } } });
});

it("creates a key that authenticates, stores only its hash, and lists it without the token", async () => {
  const api = await writer();
  const key = await api.apiKeys.create.mutate({ name: "ci", scope: "write", ttlDays: 30 });
  expect(key.token).toMatch(/^octo_[A-Za-z0-9_-]{43}$/);
  expect(key.prefix).toBe(key.token.slice(0, 9));
  expect(key.last4).toBe(key.token.slice(-4));
  const days = (new Date(key.expiresAt).getTime() - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(29.9);
  expect(days).toBeLessThanOrEqual(30);

  const [stored] = await orch.services.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
  expect(stored?.keyHash).toBe(tokenHash(key.token));
  expect(JSON.stringify(stored)).not.toContain(key.token);

  // The key works: its owner (as last signed in), its scope, a write.
  const viaKey = orch.client(key.token);
  const me = await viaKey.users.me.query();
  expect(me).toMatchObject({ email: "ada@example.com", via: "api-key", scope: "write", roles: [] });
  expect(me.can.write).toBe(true);
  expect(await viaKey.integrations.create.mutate({ name: "made-by-key" })).toMatchObject({
    name: "made-by-key",
  });

  const listed = await api.apiKeys.list.query();
  expect(listed.map((k) => k.id)).toContain(key.id);
  const text = JSON.stringify(listed);
  expect(text).not.toContain(key.token);
  expect(text).not.toContain(tokenHash(key.token));
  expect(Object.keys(listed[0] ?? {}).sort()).toEqual(
    ["createdAt", "expired", "expiresAt", "id", "last4", "lastUsedAt", "name", "prefix", "scope"].sort(),
  );
  // The key lists its owner's keys too.
  expect((await viaKey.apiKeys.list.query()).map((k) => k.id)).toContain(key.id);

  // Nothing of the token reaches the audit trail or the logs.
  const audit = JSON.stringify(await orch.services.db.select().from(auditEvents));
  expect(audit).not.toContain(key.token);
  expect(JSON.stringify(orch.logs)).not.toContain(key.token);
});

it("gives a read key 403 on a write, and lets a reader create only read keys", async () => {
  const api = await reader();
  await expect(api.apiKeys.create.mutate({ name: "nope", scope: "write", ttlDays: 1 })).rejects.toMatchObject(
    {
      data: { code: "FORBIDDEN" },
    },
  );
  const key = await api.apiKeys.create.mutate({ name: "ro", ttlDays: 1 });
  expect(key.scope).toBe("read");
  const viaKey = orch.client(key.token);
  expect(await viaKey.integrations.list.query()).toEqual(expect.any(Array));
  await expect(viaKey.integrations.create.mutate({ name: "by-read-key" })).rejects.toMatchObject({
    data: { code: "FORBIDDEN", httpStatus: 403 },
  });
  // A writer's read key is read-only as well.
  const ro = await (await writer()).apiKeys.create.mutate({ name: "ro2", scope: "read", ttlDays: 1 });
  await expect(orch.client(ro.token).integrations.create.mutate({ name: "x" })).rejects.toMatchObject({
    data: { httpStatus: 403 },
  });
});

it("refuses keys minted or revoked by an API key", async () => {
  const key = await (await writer()).apiKeys.create.mutate({ name: "bot", scope: "write", ttlDays: 1 });
  const viaKey = orch.client(key.token);
  await expect(viaKey.apiKeys.create.mutate({ name: "child", ttlDays: 1 })).rejects.toMatchObject({
    data: { code: "FORBIDDEN" },
  });
  await expect(viaKey.apiKeys.revoke.mutate({ id: key.id })).rejects.toMatchObject({
    data: { code: "FORBIDDEN" },
  });
});

it("revokes only the caller's own keys; a revoked or expired key gets 401", async () => {
  const ada = await writer();
  const bo = await reader();
  const key = await ada.apiKeys.create.mutate({ name: "short-lived", scope: "read", ttlDays: 1 });
  expect(await orch.client(key.token).integrations.list.query()).toEqual(expect.any(Array));

  await expect(bo.apiKeys.revoke.mutate({ id: key.id })).rejects.toMatchObject({
    data: { code: "NOT_FOUND" },
  });
  expect(await orch.client(key.token).integrations.list.query()).toEqual(expect.any(Array));

  expect(await ada.apiKeys.revoke.mutate({ id: key.id })).toEqual({ id: key.id });
  await expect(ada.apiKeys.revoke.mutate({ id: key.id })).rejects.toMatchObject({
    data: { code: "NOT_FOUND" },
  });
  expect((await ada.apiKeys.list.query()).map((k) => k.id)).not.toContain(key.id);
  const revoked = await fetch(`${orch.url}/trpc/integrations.list`, {
    headers: { authorization: `Bearer ${key.token}` },
  });
  expect(revoked.status).toBe(401);

  const old = await ada.apiKeys.create.mutate({ name: "old", scope: "read", ttlDays: 1 });
  await orch.services.db
    .update(apiKeys)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(apiKeys.id, old.id));
  const expired = await fetch(`${orch.url}/trpc/integrations.list`, {
    headers: { authorization: `Bearer ${old.token}` },
  });
  expect(expired.status).toBe(401);
  // Listed (flagged expired) until revoked.
  expect((await ada.apiKeys.list.query()).find((k) => k.id === old.id)?.expired).toBe(true);
});

it("checks key input", async () => {
  const api = await writer();
  for (const ttlDays of [0, 366, 1.5])
    await expect(api.apiKeys.create.mutate({ name: "bad", ttlDays })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
    });
  await expect(api.apiKeys.create.mutate({ name: " ", ttlDays: 1 })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
  });
});
