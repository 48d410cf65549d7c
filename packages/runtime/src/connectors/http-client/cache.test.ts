// The http-client's response cache: Cache-Control, expiry, LRU eviction by count and bytes.
import { describe, expect, it } from "vitest";
import { type CachedResponse, cacheKey, cacheLifetimeMs, ResponseCache } from "./cache.ts";

const response = (bytes: number): CachedResponse => ({
  status: 200,
  statusText: "OK",
  headers: [],
  body: new Uint8Array(bytes),
});

function cache(opts: Partial<{ ttlMs: number; maxEntries: number; maxBytes: number }> = {}) {
  let clock = 0;
  const c = new ResponseCache({ ttlMs: 1000, maxEntries: 10, maxBytes: 1000, ...opts, now: () => clock });
  return { c, advance: (ms: number) => (clock += ms) };
}

describe("cacheLifetimeMs", () => {
  it("uses the ttl, shortened by max-age, and refuses what must not be stored", () => {
    expect(cacheLifetimeMs(null, 5000)).toBe(5000);
    expect(cacheLifetimeMs("public, max-age=2", 5000)).toBe(2000);
    expect(cacheLifetimeMs("max-age=60", 5000)).toBe(5000);
    expect(cacheLifetimeMs('max-age="1"', 5000)).toBe(1000);
    for (const cc of ["no-store", "private", "No-Cache", "public, max-age=0", "max-age=10, no-store"])
      expect(cacheLifetimeMs(cc, 5000)).toBe(0);
    expect(cacheLifetimeMs("max-age=soon", 5000)).toBe(5000);
  });
});

describe("cacheKey", () => {
  it("depends on method, URL and headers, not on header order or case", () => {
    const a = cacheKey(
      "GET",
      "http://h/x",
      new Headers([
        ["X-A", "1"],
        ["x-b", "2"],
      ]),
    );
    expect(
      cacheKey(
        "GET",
        "http://h/x",
        new Headers([
          ["x-b", "2"],
          ["x-a", "1"],
        ]),
      ),
    ).toBe(a);
    expect(
      cacheKey(
        "HEAD",
        "http://h/x",
        new Headers([
          ["X-A", "1"],
          ["x-b", "2"],
        ]),
      ),
    ).not.toBe(a);
    expect(
      cacheKey(
        "GET",
        "http://h/x?y",
        new Headers([
          ["X-A", "1"],
          ["x-b", "2"],
        ]),
      ),
    ).not.toBe(a);
    expect(
      cacheKey(
        "GET",
        "http://h/x",
        new Headers([
          ["X-A", "9"],
          ["x-b", "2"],
        ]),
      ),
    ).not.toBe(a);
  });
});

describe("ResponseCache", () => {
  it("returns an entry until its lifetime has passed", () => {
    const { c, advance } = cache();
    expect(c.put("k", response(1), "max-age=0.5")).toBe(true);
    advance(499);
    expect(c.get("k")).toBeDefined();
    advance(1);
    expect(c.get("k")).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("does not store what Cache-Control forbids", () => {
    const { c } = cache();
    expect(c.put("k", response(1), "no-store")).toBe(false);
    expect(c.get("k")).toBeUndefined();
  });

  it("evicts the least recently used past maxEntries", () => {
    const { c } = cache({ maxEntries: 2 });
    c.put("a", response(1), null);
    c.put("b", response(1), null);
    c.get("a"); // a is now more recent than b
    c.put("c", response(1), null);
    expect([c.get("a"), c.get("b"), c.get("c")].map((r) => r !== undefined)).toEqual([true, false, true]);
  });

  it("keeps the total body size under maxBytes", () => {
    const { c } = cache({ maxBytes: 100 });
    c.put("a", response(60), null);
    c.put("b", response(30), null);
    c.put("c", response(30), null); // 120 bytes: a goes
    expect([c.get("a"), c.get("b"), c.get("c")].map((r) => r !== undefined)).toEqual([false, true, true]);
    expect(c.put("huge", response(101), null)).toBe(false);
    c.put("b", response(90), null); // replacing b frees its old bytes, c goes
    expect([c.get("b"), c.get("c")].map((r) => r !== undefined)).toEqual([true, false]);
  });

  it("clear() forgets everything", () => {
    const { c } = cache();
    c.put("a", response(1), null);
    c.clear();
    expect(c.get("a")).toBeUndefined();
    expect(c.size).toBe(0);
  });
});
