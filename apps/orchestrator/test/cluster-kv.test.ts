// A deployed pod's key-value store (the runtime's cluster services) against this orchestrator's
// KV API with the deployment's own token: the same contract as the standalone store.
import { deployments, deploymentTokens, integrations, versions } from "@octo/db";
import { orchestratorKv } from "@octo/k8s/runtime-services";
import { VersionConflictError } from "@octo/runtime/services";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEPLOYMENT_TOKEN_PREFIX, newToken, tokenHash } from "../src/auth/tokens.ts";
import { startTestOrchestrator, type TestOrchestrator } from "./orchestrator.ts";

let orch: TestOrchestrator;
let token: string;
beforeAll(async () => {
  orch = await startTestOrchestrator();
  const { db } = orch.services;
  const [i] = await db.insert(integrations).values({ name: "pod" }).returning();
  const [v] = await db
    .insert(versions)
    .values({ integrationId: i?.id as string, tag: "v1", definition: "" })
    .returning();
  const [d] = await db
    .insert(deployments)
    .values({ integrationId: i?.id as string, versionId: v?.id as string, name: "pod", tag: "v1" })
    .returning();
  token = newToken(DEPLOYMENT_TOKEN_PREFIX);
  await db.insert(deploymentTokens).values({ deploymentId: d?.id as string, tokenHash: tokenHash(token) });
}, 60_000);
afterAll(() => orch?.close());

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

it("gets, puts (conditionally and not), and deletes through the orchestrator", async () => {
  const kv = orchestratorKv({ url: orch.url, token });
  expect(await kv.get("user", "a/b")).toBeUndefined();
  expect(await kv.put("user", "a/b", bytes("one"), 0)).toBe(1);
  await expect(kv.put("user", "a/b", bytes("x"), 0)).rejects.toBeInstanceOf(VersionConflictError);
  // Unconditional writes overwrite whatever is there.
  expect(await kv.put("user", "a/b", bytes("two"))).toBe(2);
  const entry = await kv.get("user", "a/b");
  expect([text(entry?.value), entry?.version]).toEqual(["two", 2]);
  await expect(kv.delete("user", "a/b", 1)).rejects.toBeInstanceOf(VersionConflictError);
  await kv.delete("user", "a/b", 2);
  expect(await kv.get("user", "a/b")).toBeUndefined();
});

it("keeps secrets in their own encrypted namespace, and refuses a wrong token", async () => {
  const secrets = orchestratorKv({ url: orch.url, token, namespace: (ns) => `${ns}_secrets` });
  await secrets.put("user", "api", bytes("s3cret"));
  expect(text((await secrets.get("user", "api"))?.value)).toBe("s3cret");
  expect(await orchestratorKv({ url: orch.url, token }).get("user", "api")).toBeUndefined();

  const wrong = newToken(DEPLOYMENT_TOKEN_PREFIX);
  const denied = orchestratorKv({ url: orch.url, token: wrong });
  const error = await denied.get("user", "api").catch((e: Error) => e);
  expect(String(error)).toMatch(/orchestrator KV kv.get failed \(401\)/);
  expect(String(error)).not.toContain(wrong);
});
