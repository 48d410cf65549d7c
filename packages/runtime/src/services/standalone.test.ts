// The standalone runtime services: the in-memory KV follows the orchestrator KV API's version
// rules (platform spec §1.7) and the single replica always leads.
import { describe, expect, it } from "vitest";
import { MemoryKeyValueStore, standaloneServices } from "./standalone.ts";
import { VersionConflictError } from "./types.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value ? new TextDecoder().decode(value) : undefined);

describe("MemoryKeyValueStore", () => {
  it("an absent key reads as undefined; the first write is version 1, each write adds 1", async () => {
    const kv = new MemoryKeyValueStore();
    expect(await kv.get("user", "k")).toBeUndefined();
    expect(await kv.put("user", "k", bytes("a"))).toBe(1);
    expect(await kv.put("user", "k", bytes("b"))).toBe(2);
    const entry = await kv.get("user", "k");
    expect(text(entry?.value)).toBe("b");
    expect(entry?.version).toBe(2);
  });

  it("expectedVersion 0 creates, and fails when the key exists", async () => {
    const kv = new MemoryKeyValueStore();
    expect(await kv.put("user", "k", bytes("first"), 0)).toBe(1);
    await expect(kv.put("user", "k", bytes("second"), 0)).rejects.toThrow(VersionConflictError);
    await expect(kv.put("user", "k", bytes("second"), 0)).rejects.toThrow(
      "version conflict on user/k: it was changed by someone else",
    );
    expect(text((await kv.get("user", "k"))?.value)).toBe("first");
  });

  it("a positive expectedVersion must equal the stored version", async () => {
    const kv = new MemoryKeyValueStore();
    await kv.put("user", "k", bytes("v1"));
    expect(await kv.put("user", "k", bytes("v2"), 1)).toBe(2);
    await expect(kv.put("user", "k", bytes("stale"), 1)).rejects.toThrow(VersionConflictError);
    await expect(kv.put("user", "absent", bytes("x"), 1)).rejects.toThrow(VersionConflictError);
    expect(text((await kv.get("user", "k"))?.value)).toBe("v2");
    expect(await kv.get("user", "absent")).toBeUndefined();
  });

  it("an undefined expectedVersion overwrites whatever is there", async () => {
    const kv = new MemoryKeyValueStore();
    expect(await kv.put("user", "k", bytes("a"), undefined)).toBe(1);
    expect(await kv.put("user", "k", bytes("b"), undefined)).toBe(2);
    expect(text((await kv.get("user", "k"))?.value)).toBe("b");
  });

  it("delete: absent keys are fine, 0 is unconditional, a mismatched positive version conflicts", async () => {
    const kv = new MemoryKeyValueStore();
    await kv.delete("user", "never-written");
    await kv.delete("user", "never-written", 3);

    await kv.put("user", "k", bytes("a"));
    await kv.put("user", "k", bytes("b"));
    await expect(kv.delete("user", "k", 1)).rejects.toThrow(VersionConflictError);
    expect(text((await kv.get("user", "k"))?.value)).toBe("b");
    await kv.delete("user", "k", 2);
    expect(await kv.get("user", "k")).toBeUndefined();

    await kv.put("user", "k", bytes("c"));
    await kv.delete("user", "k", 0);
    expect(await kv.get("user", "k")).toBeUndefined();
    // A key created again starts over at version 1, as a new row does.
    expect(await kv.put("user", "k", bytes("d"), 0)).toBe(1);
  });

  it("namespaces are separate, and a key cannot reach into another namespace", async () => {
    const kv = new MemoryKeyValueStore();
    await kv.put("user", "k", bytes("user value"));
    await kv.put("system", "k", bytes("system value"));
    expect(text((await kv.get("user", "k"))?.value)).toBe("user value");
    expect(text((await kv.get("system", "k"))?.value)).toBe("system value");
    await kv.delete("user", "k");
    expect(await kv.get("user", "k")).toBeUndefined();
    expect(text((await kv.get("system", "k"))?.value)).toBe("system value");
    // Keys may hold any character (the orchestrator's key is a trailing path wildcard).
    await kv.put("a", "b/c", bytes("1"));
    expect(await kv.get("a/b", "c")).toBeUndefined();
  });

  it("values are copied in and out: no caller shares the stored bytes", async () => {
    const kv = new MemoryKeyValueStore();
    const written = bytes("abc");
    await kv.put("user", "k", written);
    written[0] = 0x7a;
    const read = await kv.get("user", "k");
    expect(text(read?.value)).toBe("abc");
    if (read) read.value[0] = 0x79;
    expect(text((await kv.get("user", "k"))?.value)).toBe("abc");
  });
});

describe("standaloneServices", () => {
  it("always leads, for any key, until and after release", async () => {
    const { leader, kind } = standaloneServices();
    expect(kind).toBe("standalone");
    const a = leader.campaign("cron:a");
    const b = leader.campaign("cron:a");
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(true);
    await a.release();
    expect(leader.campaign("cron:b").isLeader()).toBe(true);
  });

  it("kv and secrets are separate stores, fresh per call", async () => {
    const one = standaloneServices();
    await one.kv.put("user", "k", bytes("plain"));
    expect(await one.secrets.get("user", "k")).toBeUndefined();
    expect(await standaloneServices().kv.get("user", "k")).toBeUndefined();
    await one.close();
  });
});
