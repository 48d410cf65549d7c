// Every procedure declares who may call it, and the declaration is enforced: anonymous callers
// get 401 on everything but public procedures, a reader gets 403 on every write.

import { Cipher } from "@octo/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type ThrowawayPostgres } from "../../../../packages/runtime/test/postgres.ts";
import { startTestIssuer, type TestIssuer } from "../../test/oidc-provider.ts";
import { startTestOrchestrator, type TestOrchestrator } from "../../test/orchestrator.ts";
import { type Identity, PERMISSIONS, type Permission } from "../auth/identity.ts";
import { appRouter } from "../router.ts";
import type { AuditEvent } from "./audit.ts";
import type { Services } from "./services.ts";
import { createCallerFactory, type Meta } from "./trpc.ts";

interface ProcedureInfo {
  path: string;
  type: "query" | "mutation" | "subscription";
  permission: Permission | undefined;
}

function procedures(): ProcedureInfo[] {
  return Object.entries(appRouter._def.procedures).map(([path, p]) => {
    const def = (p as unknown as { _def: { type: ProcedureInfo["type"]; meta?: Meta } })._def;
    return { path, type: def.type, permission: def.meta?.permission };
  });
}

describe("the router", () => {
  it("has a permission on every procedure, and no public write", () => {
    const all = procedures();
    expect(all.length).toBeGreaterThan(10);
    for (const p of all) {
      expect(PERMISSIONS, `${p.path} declares no valid permission`).toContain(p.permission);
      if (p.type === "mutation") expect(p.permission, `${p.path} is a public write`).not.toBe("public");
    }
  });

  const audit: AuditEvent[] = [];
  const caller = (identity: Identity) =>
    createCallerFactory(appRouter)({
      identity,
      policy: { writeRoles: ["octo-writer"], adminRoles: ["octo-admin"] },
      audit: { record: async (e) => void audit.push(e) },
      // Never reached: refusals happen before a procedure touches anything.
      services: {} as Services,
      logError: () => {},
    });
  const call = async (identity: Identity, p: ProcedureInfo) => {
    let fn: unknown = caller(identity);
    for (const part of p.path.split(".")) fn = (fn as Record<string, unknown>)[part];
    try {
      const result = await (fn as (input: unknown) => Promise<unknown>)({});
      // A subscription resolves to its stream; read one item to run its middleware.
      if (p.type === "subscription") await (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().next();
      return "allowed";
    } catch (e) {
      return (e as { code?: string }).code ?? "error";
    }
  };

  it("refuses anonymous callers (401) on every non-public procedure", async () => {
    for (const p of procedures().filter((x) => x.permission !== "public"))
      expect(await call({ kind: "anonymous" }, p), p.path).toBe("UNAUTHORIZED");
  });

  it("refuses a signed-in reader (403) on every write and admin procedure, and audits the refusal", async () => {
    const reader: Identity = { kind: "user", subject: "r", email: undefined, name: undefined, roles: [] };
    const writes = procedures().filter((x) => x.permission === "write" || x.permission === "admin");
    expect(writes.length).toBeGreaterThan(5);
    audit.length = 0;
    for (const p of writes) expect(await call(reader, p), p.path).toBe("FORBIDDEN");
    const mutations = writes.filter((p) => p.type === "mutation").map((p) => p.path);
    expect(audit.map((a) => a.procedure)).toEqual(mutations);
    expect(
      audit.every((a) => a.outcome === "error" && a.errorCode === "FORBIDDEN" && a.actorId === "r"),
    ).toBe(true);
  });
});

// The same checks on the embedded database and on a real PostgreSQL server.
describe.each(["pglite", "postgres"] as const)("over HTTP with OIDC on (%s)", (database) => {
  let issuer: TestIssuer;
  let orch: TestOrchestrator;
  let postgres: ThrowawayPostgres | undefined;
  beforeAll(async () => {
    issuer = await startTestIssuer();
    const env: Record<string, string> = {
      OIDC_ISSUER: issuer.issuer,
      OIDC_AUDIENCE: "octo",
      AUTH_WRITE_ROLES: "octo-writer",
    };
    if (database === "postgres") {
      postgres = await startPostgres();
      env.DATABASE_URL = postgres.url;
      env.OCTO_ENCRYPTION_KEY = Cipher.generateKey();
    }
    orch = await startTestOrchestrator(env);
  }, 120_000);
  afterAll(async () => {
    await orch?.close();
    await issuer?.close();
    await postgres?.stop();
  });

  it("answers 401 without credentials, 403 for a reader's write, 200 for a writer", async () => {
    const list = await fetch(`${orch.url}/trpc/integrations.list`);
    expect(list.status).toBe(401);
    const reader = await issuer.token({ sub: "reader" });
    const writer = await issuer.token({ sub: "writer", roles: ["octo-writer"] });
    const create = (token: string) =>
      fetch(`${orch.url}/trpc/integrations.create`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ name: `made-by-${token.length}` }),
      });
    expect((await create(reader)).status).toBe(403);
    expect((await create(writer)).status).toBe(200);
    expect((await create("garbage")).status).toBe(401);
    expect(
      (await fetch(`${orch.url}/trpc/integrations.list`, { headers: { authorization: `Bearer ${reader}` } }))
        .status,
    ).toBe(200);
    expect(orch.logs.some((l) => l.includes("open mode"))).toBe(false);
  });
});
