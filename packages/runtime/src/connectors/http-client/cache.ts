/** A response as the cache keeps it: everything a rest block reads, nothing live. */
export interface CachedResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array;
}

interface Entry {
  response: CachedResponse;
  expires: number;
}

export interface ResponseCacheOptions {
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
  /** Monotonic clock in ms (injectable so expiry can be tested without waiting). */
  now?: () => number;
}

/**
 * How long the server lets a response be reused, capped by `ttlMs`: 0 when Cache-Control says
 * it must not be stored or reused without revalidation (no-store, no-cache, private, max-age=0).
 */
export function cacheLifetimeMs(cacheControl: string | null, ttlMs: number): number {
  if (cacheControl === null) return ttlMs;
  let lifetime = ttlMs;
  for (const part of cacheControl.toLowerCase().split(",")) {
    const [name = "", value] = part.trim().split("=", 2);
    if (name === "no-store" || name === "no-cache" || name === "private") return 0;
    if (name === "max-age" && value !== undefined) {
      const seconds = Number(value.trim().replace(/^"|"$/g, ""));
      if (Number.isFinite(seconds)) lifetime = Math.min(lifetime, Math.max(0, seconds) * 1000);
    }
  }
  return lifetime;
}

/** The cache key: method, full URL and the request's headers (names lower-cased, sorted). */
export function cacheKey(method: string, url: string, headers: Headers): string {
  // Headers iterates sorted by lower-cased name, so equal header sets give equal keys.
  return JSON.stringify([method, url, [...headers]]);
}

/**
 * An LRU cache of responses bounded by entry count and by total body bytes, so its memory
 * stays bounded whatever the API returns.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private bytes = 0;

  constructor(opts: ResponseCacheOptions) {
    this.ttlMs = opts.ttlMs;
    this.maxEntries = opts.maxEntries;
    this.maxBytes = opts.maxBytes;
    this.now = opts.now ?? (() => performance.now());
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.now()) {
      this.bytes -= entry.response.body.byteLength;
      return undefined;
    }
    this.entries.set(key, entry); // most recently used goes last
    return entry.response;
  }

  /** Stores a response unless its Cache-Control forbids it; returns whether it was stored. */
  put(key: string, response: CachedResponse, cacheControl: string | null): boolean {
    const lifetime = cacheLifetimeMs(cacheControl, this.ttlMs);
    if (lifetime <= 0 || response.body.byteLength > this.maxBytes) return false;
    this.remove(key);
    this.entries.set(key, { response, expires: this.now() + lifetime });
    this.bytes += response.body.byteLength;
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.response.body.byteLength;
  }
}
