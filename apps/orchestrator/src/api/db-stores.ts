import { apiKeys, auditEvents, type Database, deploymentTokens } from "@octo/db";
import { eq } from "drizzle-orm";
import type { CredentialStore } from "../auth/authenticate.ts";
import type { AuditSink } from "./audit.ts";

/** API keys and deployment tokens, looked up by their hash. */
export function dbCredentials(db: Database): CredentialStore {
  return {
    async apiKey(hash) {
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, hash));
      return (
        row && {
          id: row.id,
          userId: row.userId,
          scope: row.scope,
          expiresAt: row.expiresAt,
          revokedAt: row.revokedAt,
        }
      );
    },
    async touchApiKey(id) {
      await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
    },
    async deploymentToken(hash) {
      const [row] = await db
        .select({ deploymentId: deploymentTokens.deploymentId })
        .from(deploymentTokens)
        .where(eq(deploymentTokens.tokenHash, hash));
      return row;
    },
  };
}

export function dbAudit(db: Database): AuditSink {
  return {
    async record(e) {
      await db.insert(auditEvents).values({
        actorKind: e.actorKind,
        actorId: e.actorId ?? null,
        procedure: e.procedure,
        targetKind: e.targetKind ?? null,
        targetId: e.targetId ?? null,
        outcome: e.outcome,
        errorCode: e.errorCode ?? null,
        durationMs: e.durationMs,
      } as typeof auditEvents.$inferInsert);
    },
  };
}
