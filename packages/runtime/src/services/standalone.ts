import {
  type KeyValueStore,
  type KvEntry,
  type LeaderElection,
  type RuntimeServices,
  VersionConflictError,
} from "./types.ts";

/** An in-process KV map; values are copied in and out so callers never share buffers. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly entries = new Map<string, KvEntry>();

  private static id(namespace: string, key: string) {
    return `${namespace}\u0000${key}`;
  }

  async get(namespace: string, key: string): Promise<KvEntry | undefined> {
    const e = this.entries.get(MemoryKeyValueStore.id(namespace, key));
    return e && { value: e.value.slice(), version: e.version };
  }

  async put(namespace: string, key: string, value: Uint8Array, expectedVersion?: number): Promise<number> {
    const id = MemoryKeyValueStore.id(namespace, key);
    const current = this.entries.get(id)?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) {
      throw new VersionConflictError(namespace, key);
    }
    const version = current + 1;
    this.entries.set(id, { value: value.slice(), version });
    return version;
  }

  async delete(namespace: string, key: string, expectedVersion = 0): Promise<void> {
    const id = MemoryKeyValueStore.id(namespace, key);
    const current = this.entries.get(id);
    if (current && expectedVersion > 0 && current.version !== expectedVersion) {
      throw new VersionConflictError(namespace, key);
    }
    this.entries.delete(id);
  }
}

/** One process is the only replica, so it always leads. */
const alwaysLeader: LeaderElection = {
  campaign: () => ({ isLeader: () => true, release: async () => {} }),
};

/** The services of a runtime that runs alone: in-memory KV and secrets, always the leader. */
export function standaloneServices(): RuntimeServices {
  return {
    kind: "standalone",
    kv: new MemoryKeyValueStore(),
    secrets: new MemoryKeyValueStore(),
    leader: alwaysLeader,
    close: async () => {},
  };
}
