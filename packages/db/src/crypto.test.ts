import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aad, Cipher, DecryptionError, loadOrCreateKey } from "./crypto.ts";

const KEY = Cipher.generateKey();

describe("Cipher", () => {
  const cipher = Cipher.fromKey(KEY);

  it("round-trips strings and buffers with a fresh nonce each time", () => {
    const a = cipher.encrypt("s3cret", aad.secret("API_TOKEN"));
    const b = cipher.encrypt("s3cret", aad.secret("API_TOKEN"));
    expect(a.equals(b)).toBe(false);
    expect(a.length).toBe(12 + 6 + 16); // nonce || ciphertext || tag
    expect(cipher.decryptString(a, aad.secret("API_TOKEN"))).toBe("s3cret");
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect(cipher.decrypt(cipher.encrypt(bytes, "x"), "x").equals(bytes)).toBe(true);
    expect(cipher.decryptString(cipher.encrypt("", "x"), "x")).toBe("");
  });

  it("rejects a ciphertext moved to another row (wrong associated data)", () => {
    const blob = cipher.encrypt("v", aad.kv("d1", "app_secrets", "a"));
    expect(() => cipher.decrypt(blob, aad.kv("d1", "app_secrets", "b"))).toThrow(DecryptionError);
    expect(() => cipher.decrypt(blob, aad.kv("d2", "app_secrets", "a"))).toThrow(/cannot be decrypted/);
    expect(() => cipher.decrypt(blob, aad.env("d1", "a"))).toThrow(DecryptionError);
  });

  it("keeps associated data unambiguous when parts contain the separator", () => {
    expect(aad.kv("d", "a:b", "c")).not.toBe(aad.kv("d", "a", "b:c"));
  });

  it("rejects any modified byte, a truncated blob and a different key, without leaking the plaintext", () => {
    const blob = cipher.encrypt("plaintext-marker", "row");
    for (const index of [0, 12, blob.length - 1]) {
      const tampered = Buffer.from(blob);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(() => cipher.decrypt(tampered, "row")).toThrow(DecryptionError);
    }
    expect(() => cipher.decrypt(blob.subarray(0, 20), "row")).toThrow(DecryptionError);
    const other = Cipher.fromKey(Cipher.generateKey());
    try {
      other.decrypt(blob, "row");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecryptionError);
      expect(String((e as Error).message)).not.toContain("plaintext-marker");
    }
  });

  it("rejects keys of the wrong length or encoding", () => {
    expect(() => Cipher.fromKey(Buffer.alloc(16).toString("base64"))).toThrow(/32 bytes.*got 16/);
    expect(() => Cipher.fromKey("not base64!!")).toThrow(/not valid base64/);
    expect(() => new Cipher(Buffer.alloc(31))).toThrow(/32 bytes/);
  });
});

describe("loadOrCreateKey", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-db-key-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("uses OCTO_ENCRYPTION_KEY when set, even with a data dir or a database url", () => {
    const loaded = loadOrCreateKey({ envValue: KEY, dataDir: tempDir(), databaseUrl: "postgres://x/y" });
    expect(loaded.source).toBe("env");
    expect(loaded.key.toString("base64")).toBe(KEY);
  });

  it("rejects an invalid OCTO_ENCRYPTION_KEY clearly", () => {
    expect(() => loadOrCreateKey({ envValue: "abc", dataDir: tempDir() })).toThrow(
      /OCTO_ENCRYPTION_KEY is not valid base64/,
    );
    expect(() => loadOrCreateKey({ envValue: Buffer.alloc(24).toString("base64") })).toThrow(
      /OCTO_ENCRYPTION_KEY must decode to 32 bytes.*got 24/,
    );
  });

  it("requires the env key with DATABASE_URL", () => {
    expect(() => loadOrCreateKey({ databaseUrl: "postgres://db/octo", dataDir: tempDir() })).toThrow(
      "OCTO_ENCRYPTION_KEY is required with DATABASE_URL",
    );
  });

  it("creates <dataDir>/encryption.key with mode 0600 once and reuses it", () => {
    const dataDir = join(tempDir(), "nested", "data");
    const first = loadOrCreateKey({ dataDir });
    expect(first.source).toBe("created");
    expect(first.path).toBe(join(dataDir, "encryption.key"));
    expect(statSync(join(dataDir, "encryption.key")).mode & 0o777).toBe(0o600);
    const second = loadOrCreateKey({ dataDir });
    expect(second.source).toBe("file");
    expect(second.key.equals(first.key)).toBe(true);
    // The file holds the same base64 format as the env variable, so it can be moved there.
    expect(Cipher.fromKey(readFileSync(join(dataDir, "encryption.key"), "utf8").trim())).toBeInstanceOf(
      Cipher,
    );
  });

  it("gives an in-memory database an ephemeral key", () => {
    const a = loadOrCreateKey({ dataDir: ":memory:" });
    expect(a.source).toBe("ephemeral");
    expect(a.key.length).toBe(32);
  });
});
