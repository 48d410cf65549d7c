import {
  aad,
  type Cipher,
  type Database,
  isForeignKeyViolation,
  isUniqueViolation,
  kvEntries,
} from "@octo/db";
import { and, eq } from "drizzle-orm";
import { conflict } from "../errors.ts";

export interface KvAddress {
  deploymentId: string;
  namespace: string;
  key: string;
}

/** Namespaces ending in `_secrets` are encrypted at rest, bound to their row (deployment, namespace, key). */
export const isSecretNamespace = (namespace: string) => namespace.endsWith("_secrets");

const at = (a: KvAddress) =>
  and(
    eq(kvEntries.deploymentId, a.deploymentId),
    eq(kvEntries.namespace, a.namespace),
    eq(kvEntries.key, a.key),
  );

const seal = (cipher: Cipher, a: KvAddress, value: Buffer) =>
  isSecretNamespace(a.namespace) ? cipher.encrypt(value, aad.kv(a.deploymentId, a.namespace, a.key)) : value;

export async function kvGet(db: Database, cipher: Cipher, a: KvAddress) {
  const [row] = await db.select().from(kvEntries).where(at(a));
  if (!row) return null;
  const value = isSecretNamespace(a.namespace)
    ? cipher.decrypt(row.value, aad.kv(a.deploymentId, a.namespace, a.key))
    : row.value;
  return { value: value.toString("base64"), version: row.version };
}

/**
 * Compare-and-set: `expectedVersion` 0 creates (CONFLICT if the key exists), a positive one must
 * equal the stored version. The row is locked (SELECT … FOR UPDATE) for the check and the write;
 * two concurrent creates race on the primary key, and the loser gets CONFLICT too.
 */
export async function kvPut(
  db: Database,
  cipher: Cipher,
  a: KvAddress,
  value: Buffer,
  expectedVersion: number,
) {
  const stored = seal(cipher, a, value);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .select({ version: kvEntries.version })
        .from(kvEntries)
        .where(at(a))
        .for("update");
      const current = row?.version ?? 0;
      if (current !== expectedVersion)
        throw conflict(`version conflict: expected ${expectedVersion}, stored ${current}`);
      if (!row) {
        await tx.insert(kvEntries).values({ ...a, value: stored, version: 1 });
        return { version: 1 };
      }
      const version = current + 1;
      await tx.update(kvEntries).set({ value: stored, version, updatedAt: new Date() }).where(at(a));
      return { version };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict("version conflict: the key was created concurrently");
    if (isForeignKeyViolation(e)) throw conflict("the deployment no longer exists");
    throw e;
  }
}

/**
 * Deletes a key (also when absent). A positive `expectedVersion` must match an existing row's
 * version — one conditional statement, so the check cannot race the delete.
 */
export async function kvDelete(db: Database, a: KvAddress, expectedVersion: number) {
  const condition = expectedVersion > 0 ? and(at(a), eq(kvEntries.version, expectedVersion)) : at(a);
  const deleted = await db.delete(kvEntries).where(condition).returning({ version: kvEntries.version });
  if (deleted.length === 0 && expectedVersion > 0) {
    const [row] = await db.select({ version: kvEntries.version }).from(kvEntries).where(at(a));
    if (row) throw conflict(`version conflict: expected ${expectedVersion}, stored ${row.version}`);
  }
  return { deleted: deleted.length > 0 };
}
