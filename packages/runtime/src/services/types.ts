/**
 * Runtime services: state and coordination a deployed integration needs beyond one process.
 * The standalone implementation (this package) keeps everything in memory and is always the
 * leader; the cluster implementation (Kubernetes Leases + the orchestrator's KV API) comes with
 * the Kubernetes driver and plugs in behind the same interfaces.
 */

/** A stored value with its version (1 on create, +1 per write). */
export interface KvEntry {
  value: Uint8Array;
  version: number;
}

/** Raised when a conditional write or delete finds a different version. */
export class VersionConflictError extends Error {
  constructor(namespace: string, key: string) {
    super(`version conflict on ${namespace}/${key}: it was changed by someone else`);
    this.name = "VersionConflictError";
  }
}

/**
 * A versioned key-value store, partitioned by namespace (`system`, `user`; secret stores map
 * them to `system_secrets`, `user_secrets`). Versions follow the orchestrator's KV API.
 */
export interface KeyValueStore {
  /** The entry, or undefined when the key is absent. */
  get(namespace: string, key: string): Promise<KvEntry | undefined>;
  /**
   * Writes a value and returns its new version. `expectedVersion` 0 means "create; fail if it
   * exists", a positive one must equal the stored version, undefined overwrites whatever is there.
   */
  put(namespace: string, key: string, value: Uint8Array, expectedVersion?: number): Promise<number>;
  /** Removes a key (absent keys are fine); a positive `expectedVersion` must match. */
  delete(namespace: string, key: string, expectedVersion?: number): Promise<void>;
}

/** Leadership of one key, held until released; `isLeader()` can change at any time. */
export interface Leadership {
  isLeader(): boolean;
  release(): Promise<void>;
}

/** Elects one replica per key, e.g. so a cron source fires once across replicas. */
export interface LeaderElection {
  campaign(key: string): Leadership;
}

export interface RuntimeServices {
  /** Which implementation this is ("standalone", "k8s"). */
  readonly kind: string;
  readonly kv: KeyValueStore;
  /** Same contract as kv, for secret values (encrypted at rest by cluster implementations). */
  readonly secrets: KeyValueStore;
  readonly leader: LeaderElection;
  close(): Promise<void>;
}
