import { aad, type Cipher, type Database, secretValues } from "@octo/db";
import { inArray } from "drizzle-orm";
import type { SecretStore } from "../types.ts";

/**
 * The local driver's cluster secrets: AES-GCM ciphertext in the database (AAD `secret:<name>`),
 * decrypted only to start a local process.
 */
export function databaseSecrets(db: Database, cipher: Cipher) {
  const store: SecretStore = {
    async set(name, value) {
      const valueEncrypted = cipher.encrypt(value, aad.secret(name));
      await db
        .insert(secretValues)
        .values({ name, valueEncrypted })
        .onConflictDoUpdate({ target: secretValues.name, set: { valueEncrypted } });
    },
    async delete(name) {
      await db.delete(secretValues).where(inArray(secretValues.name, [name]));
    },
  };
  /** The values of these secrets (absent names are left out). */
  async function resolve(names: string[]): Promise<Record<string, string>> {
    if (names.length === 0) return {};
    const rows = await db.select().from(secretValues).where(inArray(secretValues.name, names));
    return Object.fromEntries(
      rows.map((r) => [r.name, cipher.decrypt(r.valueEncrypted, aad.secret(r.name)).toString("utf8")]),
    );
  }
  return { store, resolve };
}
