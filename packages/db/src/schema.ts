// The control plane's schema. Every uniqueness rule the product relies on is a DB constraint (not a
// SELECT-then-INSERT in application code) so concurrent writers cannot race past it; repositories map
// the resulting 23505/23503 errors to CONFLICT. Value columns holding secrets are bytea ciphertext
// (see crypto.ts) — nothing secret is ever stored in plain text.
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";

/**
 * bytea as a Node Buffer. drizzle-orm has no built-in bytea; the drivers also disagree on the read
 * side (postgres.js → Buffer, PGlite → Uint8Array), so normalise here.
 */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array | string }>({
  dataType: () => "bytea",
  toDriver: (value) => value,
  fromDriver: (value) => {
    if (typeof value === "string") {
      // Text-format fallback ("\x0a1b…") in case a driver hands back the raw wire value.
      return Buffer.from(value.startsWith("\\x") ? value.slice(2) : value, "hex");
    }
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  },
});

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const lastUpdated = () => timestamp("last_updated", { withTimezone: true }).notNull().defaultNow();

/** SQL `col IN ('a', 'b')` for a CHECK; the values are compile-time constants, never user input. */
function oneOf(column: AnyPgColumn, values: readonly string[]) {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(", "))})`;
}

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  subject: varchar("subject", { length: 255 }).notNull().unique("users_subject_unique"),
  email: varchar("email", { length: 320 }).notNull(),
  name: varchar("name", { length: 200 }).notNull().default(""),
  createdAt: createdAt(),
  lastLoginAt: timestamp("last_login_at", { withTimezone: true }).notNull().defaultNow(),
});

export const integrations = pgTable("integrations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: varchar("name", { length: 200 }).notNull().unique("integrations_name_unique"),
  definition: text("definition").notNull().default(""),
  createdAt: createdAt(),
  lastUpdated: lastUpdated(),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
});

export const folders = pgTable(
  "folders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    parentId: uuid("parent_id").references((): AnyPgColumn => folders.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 200 }).notNull(),
    position: integer("position").notNull().default(0),
  },
  // NULLS NOT DISTINCT (PG15+) makes two root folders (parent_id NULL) with one name collide too.
  // The constraint's index leads with parent_id, so it also serves "children of X" lookups.
  (t) => [unique("folders_parent_name_unique").on(t.parentId, t.name).nullsNotDistinct()],
);

export const folderMembers = pgTable(
  "folder_members",
  {
    integrationId: uuid("integration_id")
      .primaryKey()
      .references(() => integrations.id, { onDelete: "cascade" }),
    folderId: uuid("folder_id")
      .notNull()
      .references(() => folders.id, { onDelete: "cascade" }),
    position: integer("position").notNull().default(0),
  },
  (t) => [index("folder_members_folder_idx").on(t.folderId)],
);

/** Immutable tags: a frozen copy of the definition. */
export const versions = pgTable(
  "versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    tag: varchar("tag", { length: 64 }).notNull(),
    definition: text("definition").notNull(),
    createdAt: createdAt(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [unique("versions_integration_tag_unique").on(t.integrationId, t.tag)],
);

export const deployments = pgTable(
  "deployments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Blocking, not cascade as in the reference: deleting an integration must not orphan running
    // workloads — it has to be undeployed first; likewise a deployed version stays. NO ACTION rather
    // than RESTRICT: both block the delete, but RESTRICT reports SQLSTATE 23001 on PostgreSQL 17+
    // (PGlite) and 23503 on older servers, while NO ACTION is 23503 everywhere.
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "no action" }),
    versionId: uuid("version_id")
      .notNull()
      .references(() => versions.id, { onDelete: "no action" }),
    name: varchar("name", { length: 200 }).notNull(),
    tag: varchar("tag", { length: 64 }).notNull(),
    // Unique but nullable: NULLs are distinct, so deployments without a slug/subdomain coexist.
    slug: varchar("slug", { length: 63 }).unique("deployments_slug_unique"),
    subdomain: varchar("subdomain", { length: 63 }).unique("deployments_subdomain_unique"),
    expose: boolean("expose").notNull().default(false),
    replicas: integer("replicas").notNull().default(1),
    status: varchar("status", { length: 32 }).notNull().default("pending"),
    httpPort: integer("http_port"),
    internalUrl: text("internal_url"),
    externalUrl: text("external_url"),
    createdAt: createdAt(),
    lastUpdated: lastUpdated(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("deployments_integration_idx").on(t.integrationId),
    // Without it, every version delete would seq-scan deployments for the RESTRICT check.
    index("deployments_version_idx").on(t.versionId),
    check("deployments_replicas_check", sql`${t.replicas} >= 0`),
  ],
);

export const ENV_KINDS = ["literal", "secret"] as const;
export type EnvKind = (typeof ENV_KINDS)[number];

export const deploymentEnv = pgTable(
  "deployment_env",
  {
    deploymentId: uuid("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 255 }).notNull(),
    kind: varchar("kind", { length: 16, enum: ENV_KINDS }).notNull(),
    /** A plain literal (the env var is not declared `secret: true`). */
    literal: text("literal"),
    /** A literal of a `secret: true` env var: AES-GCM ciphertext, AAD `env:<deploymentId>:<name>`. */
    literalEncrypted: bytea("literal_encrypted"),
    /** A binding to a cluster secret by name (no FK: secret deletion has its own in-use/force rules). */
    secretName: varchar("secret_name", { length: 128 }),
  },
  (t) => [
    primaryKey({ name: "deployment_env_pk", columns: [t.deploymentId, t.name] }),
    // Exactly one value column, and the one that matches kind.
    check(
      "deployment_env_value_check",
      sql`(${t.kind} = 'literal' and ${t.secretName} is null and num_nonnulls(${t.literal}, ${t.literalEncrypted}) = 1) or (${t.kind} = 'secret' and ${t.secretName} is not null and num_nulls(${t.literal}, ${t.literalEncrypted}) = 2)`,
    ),
  ],
);

/** Secret metadata only; values live in the secrets driver (secret_values for the local one). */
export const secrets = pgTable(
  "secrets",
  {
    name: varchar("name", { length: 128 }).primaryKey(),
    createdAt: createdAt(),
    lastUpdated: lastUpdated(),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [check("secrets_name_check", sql`${t.name} ~ '^[A-Z_][A-Z0-9_]*$'`)],
);

/** The local secrets driver's store: AES-GCM ciphertext, AAD `secret:<name>`. */
export const secretValues = pgTable("secret_values", {
  name: varchar("name", { length: 128 })
    .primaryKey()
    .references(() => secrets.name, { onDelete: "cascade", onUpdate: "cascade" }),
  valueEncrypted: bytea("value_encrypted").notNull(),
});

export const API_KEY_SCOPES = ["read", "write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 200 }).notNull(),
    keyHash: varchar("key_hash", { length: 128 }).notNull().unique("api_keys_key_hash_unique"),
    prefix: varchar("prefix", { length: 32 }).notNull(),
    last4: varchar("last4", { length: 4 }).notNull(),
    scope: varchar("scope", { length: 8, enum: API_KEY_SCOPES }).notNull().default("read"),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    index("api_keys_user_idx").on(t.userId),
    check("api_keys_scope_check", oneOf(t.scope, API_KEY_SCOPES)),
  ],
);

/** Per-deployment bearer tokens (pod → orchestrator KV API); only the hash is stored. */
export const deploymentTokens = pgTable("deployment_tokens", {
  deploymentId: uuid("deployment_id")
    .primaryKey()
    .references(() => deployments.id, { onDelete: "cascade" }),
  tokenHash: varchar("token_hash", { length: 128 }).notNull().unique("deployment_tokens_token_hash_unique"),
  createdAt: createdAt(),
});

/** Runtime KV. Values of secret namespaces are ciphertext, AAD `kv:<deploymentId>:<namespace>:<key>`. */
export const kvEntries = pgTable(
  "kv_entries",
  {
    // A real FK (the reference had none and cleaned up best-effort): undeploy wipes KV state.
    deploymentId: uuid("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    namespace: varchar("namespace", { length: 255 }).notNull(),
    key: varchar("key", { length: 1024 }).notNull(),
    value: bytea("value").notNull(),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "kv_entries_pk", columns: [t.deploymentId, t.namespace, t.key] })],
);

/** Local RUNs started from the editor. */
export const runs = pgTable(
  "runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    startedBy: uuid("started_by").references(() => users.id, { onDelete: "set null" }),
    status: varchar("status", { length: 32 }).notNull().default("starting"),
    port: integer("port"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    exitCode: integer("exit_code"),
  },
  (t) => [index("runs_integration_idx").on(t.integrationId)],
);

export const ACTOR_KINDS = ["user", "api-key", "deployment", "anonymous", "system"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];
export const AUDIT_OUTCOMES = ["ok", "error"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Who called what, and how it ended. Deliberately no column for request bodies or values. */
export const auditEvents = pgTable(
  "audit_events",
  {
    // bigserial: cheap, and gives a total insertion order for tailing the log.
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorKind: varchar("actor_kind", { length: 16, enum: ACTOR_KINDS }).notNull(),
    actorId: text("actor_id"),
    procedure: text("procedure").notNull(),
    targetKind: varchar("target_kind", { length: 32 }),
    targetId: text("target_id"),
    outcome: varchar("outcome", { length: 8, enum: AUDIT_OUTCOMES }).notNull(),
    errorCode: varchar("error_code", { length: 64 }),
    durationMs: integer("duration_ms").notNull().default(0),
  },
  (t) => [
    index("audit_events_at_idx").on(t.at),
    check("audit_events_actor_kind_check", oneOf(t.actorKind, ACTOR_KINDS)),
    check("audit_events_outcome_check", oneOf(t.outcome, AUDIT_OUTCOMES)),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Integration = typeof integrations.$inferSelect;
export type NewIntegration = typeof integrations.$inferInsert;
export type Folder = typeof folders.$inferSelect;
export type NewFolder = typeof folders.$inferInsert;
export type FolderMember = typeof folderMembers.$inferSelect;
export type NewFolderMember = typeof folderMembers.$inferInsert;
export type Version = typeof versions.$inferSelect;
export type NewVersion = typeof versions.$inferInsert;
export type Deployment = typeof deployments.$inferSelect;
export type NewDeployment = typeof deployments.$inferInsert;
export type DeploymentEnv = typeof deploymentEnv.$inferSelect;
export type NewDeploymentEnv = typeof deploymentEnv.$inferInsert;
export type Secret = typeof secrets.$inferSelect;
export type NewSecret = typeof secrets.$inferInsert;
export type SecretValue = typeof secretValues.$inferSelect;
export type NewSecretValue = typeof secretValues.$inferInsert;
export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
export type DeploymentToken = typeof deploymentTokens.$inferSelect;
export type NewDeploymentToken = typeof deploymentTokens.$inferInsert;
export type KvEntry = typeof kvEntries.$inferSelect;
export type NewKvEntry = typeof kvEntries.$inferInsert;
export type Run = typeof runs.$inferSelect;
export type NewRun = typeof runs.$inferInsert;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
