// The same suite runs against every backend openDatabase() supports: in-memory PGlite, PGlite in a
// data dir (closed and reopened first), and a throwaway PostgreSQL server.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type ThrowawayPostgres } from "../../runtime/test/postgres.ts";
import { type Database, MEMORY, type OpenedDatabase, openDatabase } from "./client.ts";
import { aad, Cipher, loadOrCreateKey } from "./crypto.ts";
import { pgConstraint, pgErrorCode } from "./errors.ts";
import {
  apiKeys,
  auditEvents,
  deploymentEnv,
  deployments,
  deploymentTokens,
  folderMembers,
  folders,
  integrations,
  kvEntries,
  secrets,
  secretValues,
  users,
  versions,
} from "./schema.ts";

const UNIQUE = "23505";
const FOREIGN_KEY = "23503";
const CHECK = "23514";

let serverStart: Promise<ThrowawayPostgres> | undefined;
const tempDirs: string[] = [];

beforeAll(() => {
  // Not awaited: the server boots (its own process) while the PGlite suites run first.
  serverStart = startPostgres();
  serverStart.catch(() => {}); // surfaced by the postgres suite that awaits it
});

afterAll(async () => {
  await (await serverStart?.catch(() => undefined))?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A new, empty database on the throwaway server, so "from scratch" really is. */
async function freshPostgresUrl(): Promise<string> {
  if (!serverStart) throw new Error("postgres not started");
  const server = await serverStart;
  const name = `octo_${randomUUID().replaceAll("-", "")}`;
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}

/** The SQLSTATE a statement fails with ("no error" if it succeeds). */
async function failureCode(statement: PromiseLike<unknown>): Promise<string | undefined> {
  try {
    await statement;
  } catch (e) {
    return pgErrorCode(e) ?? `unexpected: ${String(e)}`;
  }
  return "no error";
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function newIntegration(db: Database, name = unique("int")) {
  const [row] = await db.insert(integrations).values({ name, definition: "flows: []" }).returning();
  if (!row) throw new Error("insert returned nothing");
  return row;
}

async function newVersion(db: Database, integrationId: string, tag = "v1") {
  const [row] = await db.insert(versions).values({ integrationId, tag, definition: "flows: []" }).returning();
  if (!row) throw new Error("insert returned nothing");
  return row;
}

async function newDeployment(db: Database, fields: { slug?: string; subdomain?: string } = {}) {
  const integration = await newIntegration(db);
  const version = await newVersion(db, integration.id);
  const [deployment] = await db
    .insert(deployments)
    .values({
      integrationId: integration.id,
      versionId: version.id,
      name: integration.name,
      tag: "v1",
      ...fields,
    })
    .returning();
  if (!deployment) throw new Error("insert returned nothing");
  return { integration, version, deployment };
}

interface Backend {
  open(): Promise<OpenedDatabase>;
}

const backends: [string, Backend][] = [
  ["pglite in memory", { open: () => openDatabase({ dataDir: MEMORY }) }],
  [
    "pglite data dir (reopened)",
    {
      async open() {
        const dataDir = mkdtempSync(join(tmpdir(), "octo-db-"));
        tempDirs.push(dataDir);
        // The key file shares the data dir with the PGlite cluster.
        loadOrCreateKey({ dataDir });
        const first = await openDatabase({ dataDir });
        expect(first.migrations?.applied).toEqual(["0000_init"]);
        await first.db.insert(integrations).values({ name: "persisted" });
        await first.close();
        const reopened = await openDatabase({ dataDir });
        expect(reopened.migrations).toEqual({ applied: [], total: 1 });
        const rows = await reopened.db.select().from(integrations).where(eq(integrations.name, "persisted"));
        expect(rows).toHaveLength(1);
        return reopened;
      },
    },
  ],
  ["postgres", { open: async () => openDatabase({ url: await freshPostgresUrl(), maxConnections: 4 }) }],
];

describe.each(backends)("%s", (_name, backend) => {
  let handle: OpenedDatabase;
  let db: Database;

  beforeAll(async () => {
    handle = await backend.open();
    db = handle.db;
  }, 60_000);

  afterAll(async () => {
    await handle?.close();
  });

  describe("migrations", () => {
    it("created every table, and applying again is a no-op", async () => {
      expect(handle.migrations?.total).toBe(1);
      const tables = await db.execute(
        sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
      );
      const rows = Array.isArray(tables) ? tables : (tables as { rows: unknown[] }).rows;
      expect(rows[0]).toEqual({ n: 14 });
      expect(await handle.migrate()).toEqual({ applied: [], total: 1 });
      const applied = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const appliedRows = Array.isArray(applied) ? applied : (applied as { rows: unknown[] }).rows;
      expect(appliedRows[0]).toEqual({ n: 1 });
    });
  });

  describe("uniqueness is enforced by the database (23505)", () => {
    it("integration names", async () => {
      const name = unique("dup");
      await newIntegration(db, name);
      expect(await failureCode(db.insert(integrations).values({ name }))).toBe(UNIQUE);
    });

    it("user subjects", async () => {
      const subject = unique("sub");
      await db.insert(users).values({ subject, email: "a@example.com" });
      expect(await failureCode(db.insert(users).values({ subject, email: "b@example.com" }))).toBe(UNIQUE);
    });

    it("sibling folder names, including two roots with the same name", async () => {
      const rootName = unique("root");
      const [root] = await db.insert(folders).values({ name: rootName }).returning();
      expect(await failureCode(db.insert(folders).values({ name: rootName }))).toBe(UNIQUE);
      if (!root) throw new Error("no root");
      await db.insert(folders).values({ parentId: root.id, name: "child" });
      expect(await failureCode(db.insert(folders).values({ parentId: root.id, name: "child" }))).toBe(UNIQUE);
      // The same name under another parent is fine.
      const [other] = await db
        .insert(folders)
        .values({ name: unique("root") })
        .returning();
      if (!other) throw new Error("no folder");
      expect(await failureCode(db.insert(folders).values({ parentId: other.id, name: "child" }))).toBe(
        "no error",
      );
    });

    it("version tags per integration", async () => {
      const a = await newIntegration(db);
      const b = await newIntegration(db);
      await newVersion(db, a.id, "v1");
      expect(await failureCode(newVersion(db, a.id, "v1"))).toBe(UNIQUE);
      expect(await failureCode(newVersion(db, b.id, "v1"))).toBe("no error");
    });

    it("deployment slugs and subdomains (several NULLs allowed)", async () => {
      const slug = unique("slug");
      const subdomain = unique("sub");
      await newDeployment(db, { slug, subdomain });
      expect(await failureCode(newDeployment(db, { slug }))).toBe(UNIQUE);
      expect(await failureCode(newDeployment(db, { subdomain }))).toBe(UNIQUE);
      // Both drivers name the constraint (the API tells a slug clash from a subdomain clash).
      const clash = await newDeployment(db, { subdomain }).catch((e: unknown) => e);
      expect(pgConstraint(clash)).toBe("deployments_subdomain_unique");
      expect(await failureCode(newDeployment(db))).toBe("no error");
      expect(await failureCode(newDeployment(db))).toBe("no error");
    });

    it("api key hashes and deployment token hashes", async () => {
      const [user] = await db
        .insert(users)
        .values({ subject: unique("sub"), email: "k@example.com" })
        .returning();
      if (!user) throw new Error("no user");
      const key = {
        userId: user.id,
        name: "ci",
        keyHash: unique("hash"),
        prefix: "octo_",
        last4: "abcd",
        scope: "write" as const,
        expiresAt: new Date(Date.now() + 86_400_000),
      };
      await db.insert(apiKeys).values(key);
      expect(await failureCode(db.insert(apiKeys).values({ ...key, name: "other" }))).toBe(UNIQUE);

      const tokenHash = unique("token");
      const a = await newDeployment(db);
      const b = await newDeployment(db);
      await db.insert(deploymentTokens).values({ deploymentId: a.deployment.id, tokenHash });
      expect(
        await failureCode(db.insert(deploymentTokens).values({ deploymentId: b.deployment.id, tokenHash })),
      ).toBe(UNIQUE);
    });
  });

  describe("foreign keys", () => {
    it("an integration with a deployment cannot be deleted (23503) until it is undeployed", async () => {
      const { integration, deployment } = await newDeployment(db);
      expect(await failureCode(db.delete(integrations).where(eq(integrations.id, integration.id)))).toBe(
        FOREIGN_KEY,
      );
      await db.delete(deployments).where(eq(deployments.id, deployment.id));
      expect(await failureCode(db.delete(integrations).where(eq(integrations.id, integration.id)))).toBe(
        "no error",
      );
    });

    it("a deployed version cannot be deleted (23503)", async () => {
      const { version } = await newDeployment(db);
      expect(await failureCode(db.delete(versions).where(eq(versions.id, version.id)))).toBe(FOREIGN_KEY);
    });

    it("deleting an integration deletes its versions and folder membership", async () => {
      const integration = await newIntegration(db);
      await newVersion(db, integration.id, "v1");
      await newVersion(db, integration.id, "v2");
      const [folder] = await db
        .insert(folders)
        .values({ name: unique("f") })
        .returning();
      if (!folder) throw new Error("no folder");
      await db.insert(folderMembers).values({ integrationId: integration.id, folderId: folder.id });

      await db.delete(integrations).where(eq(integrations.id, integration.id));
      expect(await db.select().from(versions).where(eq(versions.integrationId, integration.id))).toEqual([]);
      expect(await db.select().from(folderMembers).where(eq(folderMembers.folderId, folder.id))).toEqual([]);
      expect(await db.select().from(folders).where(eq(folders.id, folder.id))).toHaveLength(1);
    });

    it("deleting a folder deletes its subfolders and memberships but not the integrations", async () => {
      const [top] = await db
        .insert(folders)
        .values({ name: unique("top") })
        .returning();
      if (!top) throw new Error("no folder");
      const [sub] = await db.insert(folders).values({ parentId: top.id, name: "sub" }).returning();
      if (!sub) throw new Error("no folder");
      const [subsub] = await db.insert(folders).values({ parentId: sub.id, name: "subsub" }).returning();
      if (!subsub) throw new Error("no folder");
      const inTop = await newIntegration(db);
      const inSubsub = await newIntegration(db);
      await db.insert(folderMembers).values([
        { integrationId: inTop.id, folderId: top.id },
        { integrationId: inSubsub.id, folderId: subsub.id, position: 1 },
      ]);

      await db.delete(folders).where(eq(folders.id, top.id));
      for (const id of [top.id, sub.id, subsub.id]) {
        expect(await db.select().from(folders).where(eq(folders.id, id))).toEqual([]);
      }
      for (const integration of [inTop, inSubsub]) {
        expect(
          await db.select().from(folderMembers).where(eq(folderMembers.integrationId, integration.id)),
        ).toEqual([]);
        expect(await db.select().from(integrations).where(eq(integrations.id, integration.id))).toHaveLength(
          1,
        );
      }
    });

    it("undeploying removes env, token and KV state with the deployment", async () => {
      const { deployment } = await newDeployment(db);
      const deploymentId = deployment.id;
      await db.insert(deploymentEnv).values({ deploymentId, name: "A", kind: "literal", literal: "1" });
      await db.insert(deploymentTokens).values({ deploymentId, tokenHash: unique("t") });
      await db
        .insert(kvEntries)
        .values({ deploymentId, namespace: "app", key: "k", value: Buffer.from("v") });
      await db.delete(deployments).where(eq(deployments.id, deploymentId));
      expect(
        await db.select().from(deploymentEnv).where(eq(deploymentEnv.deploymentId, deploymentId)),
      ).toEqual([]);
      expect(
        await db.select().from(deploymentTokens).where(eq(deploymentTokens.deploymentId, deploymentId)),
      ).toEqual([]);
      expect(await db.select().from(kvEntries).where(eq(kvEntries.deploymentId, deploymentId))).toEqual([]);
    });
  });

  describe("CHECK constraints (23514)", () => {
    it("deployment_env holds exactly the value column matching its kind", async () => {
      const { deployment } = await newDeployment(db);
      const deploymentId = deployment.id;
      const cipher = Cipher.fromKey(Cipher.generateKey());
      const valid = [
        { name: "PLAIN", kind: "literal" as const, literal: "x" },
        { name: "EMPTY", kind: "literal" as const, literal: "" },
        {
          name: "HIDDEN",
          kind: "literal" as const,
          literalEncrypted: cipher.encrypt("pw", aad.env(deploymentId, "HIDDEN")),
        },
        { name: "BOUND", kind: "secret" as const, secretName: "DB_PASSWORD" },
      ];
      for (const row of valid) {
        expect(await failureCode(db.insert(deploymentEnv).values({ deploymentId, ...row }))).toBe("no error");
      }
      const invalid = [
        { name: "NONE", kind: "literal" as const },
        { name: "BOTH", kind: "literal" as const, literal: "x", literalEncrypted: Buffer.from([1]) },
        { name: "MIXED", kind: "literal" as const, literal: "x", secretName: "S" },
        { name: "NOSECRET", kind: "secret" as const },
        { name: "SECRETLIT", kind: "secret" as const, secretName: "S", literal: "x" },
        { name: "SECRETENC", kind: "secret" as const, secretName: "S", literalEncrypted: Buffer.from([1]) },
      ];
      for (const row of invalid) {
        expect(await failureCode(db.insert(deploymentEnv).values({ deploymentId, ...row })), row.name).toBe(
          CHECK,
        );
      }
      // An unknown kind matches neither branch.
      expect(
        await failureCode(
          db.execute(
            sql`insert into deployment_env (deployment_id, name, kind, literal) values (${deploymentId}, 'ODD', 'other', 'x')`,
          ),
        ),
      ).toBe(CHECK);

      const [hidden] = await db
        .select()
        .from(deploymentEnv)
        .where(sql`${deploymentEnv.deploymentId} = ${deploymentId} and ${deploymentEnv.name} = 'HIDDEN'`);
      expect(hidden?.literal).toBeNull();
      expect(Buffer.isBuffer(hidden?.literalEncrypted)).toBe(true);
      expect(
        cipher.decryptString(hidden?.literalEncrypted ?? Buffer.alloc(0), aad.env(deploymentId, "HIDDEN")),
      ).toBe("pw");
    });

    it("secret names are UPPER_SNAKE_CASE", async () => {
      for (const name of ["DB_PASSWORD", "_X", "A1_B2"]) {
        expect(await failureCode(db.insert(secrets).values({ name })), name).toBe("no error");
      }
      for (const name of ["db_password", "1ABC", "A-B", "A B", ""]) {
        expect(await failureCode(db.insert(secrets).values({ name })), name).toBe(CHECK);
      }
    });

    it("enumerated columns (api key scope, audit actor kind and outcome)", async () => {
      const event = { actorKind: "user" as const, procedure: "integrations.create", outcome: "ok" as const };
      expect(await failureCode(db.insert(auditEvents).values(event))).toBe("no error");
      expect(
        await failureCode(
          db.insert(auditEvents).values({ ...event, actorKind: "root" as unknown as "user" }),
        ),
      ).toBe(CHECK);
      expect(
        await failureCode(db.insert(auditEvents).values({ ...event, outcome: "maybe" as unknown as "ok" })),
      ).toBe(CHECK);
    });
  });

  describe("encrypted values", () => {
    it("bytea round-trips as a Buffer, and a ciphertext copied to another row does not decrypt", async () => {
      const cipher = Cipher.fromKey(Cipher.generateKey());
      const { deployment } = await newDeployment(db);
      const deploymentId = deployment.id;
      const value = cipher.encrypt("token-123", aad.kv(deploymentId, "app_secrets", "a"));
      await db.insert(kvEntries).values({ deploymentId, namespace: "app_secrets", key: "a", value });
      const [row] = await db.select().from(kvEntries).where(eq(kvEntries.deploymentId, deploymentId));
      expect(row?.version).toBe(1);
      expect(Buffer.isBuffer(row?.value)).toBe(true);
      expect(row?.value.equals(value)).toBe(true);
      expect(
        cipher.decryptString(row?.value ?? Buffer.alloc(0), aad.kv(deploymentId, "app_secrets", "a")),
      ).toBe("token-123");
      expect(() =>
        cipher.decrypt(row?.value ?? Buffer.alloc(0), aad.kv(deploymentId, "app_secrets", "b")),
      ).toThrow(/cannot be decrypted/);

      await db.insert(secrets).values({ name: "LOCAL_ONE" });
      await db
        .insert(secretValues)
        .values({ name: "LOCAL_ONE", valueEncrypted: cipher.encrypt("v", aad.secret("LOCAL_ONE")) });
      await db.delete(secrets).where(eq(secrets.name, "LOCAL_ONE"));
      expect(await db.select().from(secretValues).where(eq(secretValues.name, "LOCAL_ONE"))).toEqual([]);
    });
  });
});

describe("postgres: migration edge cases", { timeout: 60_000 }, () => {
  it("concurrent first starts serialise their migrations: exactly one applies them", async () => {
    const url = await freshPostgresUrl();
    const handles = await Promise.all([1, 2, 3].map(() => openDatabase({ url, maxConnections: 1 })));
    try {
      const applied = handles.map((h) => h.migrations?.applied.length).sort();
      expect(applied).toEqual([0, 0, 1]);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });

  it("refuses a database where a shipped migration is missing or was changed after applying", async () => {
    const handle = await openDatabase({ url: await freshPostgresUrl() });
    try {
      await handle.db.execute(sql`update drizzle.__drizzle_migrations set hash = 'edited'`);
      await expect(handle.migrate()).rejects.toThrow(/migrations not applied .*0000_init/);
    } finally {
      await handle.close();
    }
  });

  it("opening without migrating leaves the database empty", async () => {
    const handle = await openDatabase({ url: await freshPostgresUrl(), migrate: false });
    try {
      expect(handle.migrations).toBeUndefined();
      expect(await failureCode(handle.db.select().from(integrations))).toBe("42P01"); // undefined_table
      expect((await handle.migrate()).applied).toEqual(["0000_init"]);
    } finally {
      await handle.close();
    }
  });
});
