// Encryption at rest for KV secret namespaces, secret env literals and the local secrets store.
// AES-256-GCM, fresh 12-byte nonce per write, stored as nonce || ciphertext || tag (16 bytes), with
// associated data naming the row so a ciphertext copied into another row fails to decrypt (the
// reference implementation had no AAD, so values were swappable between rows).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export const ENCRYPTION_KEY_ENV = "OCTO_ENCRYPTION_KEY";
export const KEY_FILE_NAME = "encryption.key";

export class DecryptionError extends Error {
  constructor(context: string) {
    // Never echo the blob or plaintext: only which row could not be decrypted.
    super(`the stored value cannot be decrypted (${context}): wrong key, or it was tampered with or moved`);
    this.name = "DecryptionError";
  }
}

/** Decodes standard base64 strictly (Buffer.from silently skips junk) and checks for 32 bytes. */
export function decodeKey(base64: string, source = ENCRYPTION_KEY_ENV): Buffer {
  const text = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new Error(`${source} is not valid base64 (expected base64 of ${KEY_BYTES} random bytes)`);
  }
  const key = Buffer.from(text, "base64");
  if (key.length !== KEY_BYTES) {
    throw new Error(`${source} must decode to ${KEY_BYTES} bytes for AES-256-GCM, got ${key.length}`);
  }
  return key;
}

/** Associated-data strings naming each encrypted row. JSON-encoded parts keep them unambiguous. */
export const aad = {
  kv: (deploymentId: string, namespace: string, key: string) =>
    `kv:${JSON.stringify([deploymentId, namespace, key])}`,
  env: (deploymentId: string, name: string) => `env:${JSON.stringify([deploymentId, name])}`,
  secret: (name: string) => `secret:${JSON.stringify(name)}`,
};

export class Cipher {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) {
      throw new Error(`encryption key must be ${KEY_BYTES} bytes for AES-256-GCM, got ${key.length}`);
    }
    this.#key = Buffer.from(key); // own copy: callers may zero or reuse theirs
  }

  /** From base64 of 32 bytes (the OCTO_ENCRYPTION_KEY / key file format). */
  static fromKey(base64: string): Cipher {
    return new Cipher(decodeKey(base64));
  }

  /** A random key as base64, e.g. for `openssl rand -base64 32`-style provisioning. */
  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString("base64");
  }

  encrypt(plain: Buffer | string, associatedData: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, "utf8"));
    const body = Buffer.concat([
      cipher.update(typeof plain === "string" ? Buffer.from(plain, "utf8") : plain),
      cipher.final(),
    ]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]);
  }

  /** Throws DecryptionError for a wrong key, wrong associated data, or any modified byte. */
  decrypt(blob: Buffer | Uint8Array, associatedData: string): Buffer {
    if (blob.length < NONCE_BYTES + TAG_BYTES) throw new DecryptionError(associatedData);
    const bytes = Buffer.isBuffer(blob) ? blob : Buffer.from(blob);
    const nonce = bytes.subarray(0, NONCE_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(associatedData, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new DecryptionError(associatedData);
    }
  }

  decryptString(blob: Buffer | Uint8Array, associatedData: string): string {
    return this.decrypt(blob, associatedData).toString("utf8");
  }
}

export interface LoadKeyOptions {
  /** The OCTO_ENCRYPTION_KEY value, if set (empty counts as unset). */
  envValue?: string | undefined;
  /** Embedded mode's data dir: the key file lives at `<dataDir>/encryption.key`; ":memory:" → ephemeral key. */
  dataDir?: string | undefined;
  /** DATABASE_URL, if set: a server database needs an explicit key (no local file to keep it in). */
  databaseUrl?: string | undefined;
}

export interface LoadedKey {
  key: Buffer;
  source: "env" | "file" | "created" | "ephemeral";
  /** The key file, for source "file" / "created". */
  path?: string;
}

/**
 * The encryption key: OCTO_ENCRYPTION_KEY when set; otherwise (embedded PGlite only) a key file in the
 * data dir, created 0600 on first use. Losing the key file makes every encrypted value unreadable.
 */
export function loadOrCreateKey(options: LoadKeyOptions): LoadedKey {
  if (options.envValue !== undefined && options.envValue.trim() !== "") {
    return { key: decodeKey(options.envValue), source: "env" };
  }
  if (options.databaseUrl) throw new Error(`${ENCRYPTION_KEY_ENV} is required with DATABASE_URL`);
  if (!options.dataDir) throw new Error(`${ENCRYPTION_KEY_ENV} or a data directory is required`);
  if (options.dataDir === ":memory:") return { key: randomBytes(KEY_BYTES), source: "ephemeral" };
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const path = join(options.dataDir, KEY_FILE_NAME);
  try {
    // "wx": never overwrite — a concurrent first start must not replace a key already in use.
    writeFileSync(path, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    return { key: decodeKey(readFileSync(path, "utf8"), path), source: "created", path };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return { key: decodeKey(readFileSync(path, "utf8"), path), source: "file", path };
}
