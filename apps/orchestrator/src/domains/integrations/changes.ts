import { EventEmitter, on } from "node:events";

/** What changed about an integration: enough for an open editor to know it is stale. */
export interface IntegrationChange {
  id: string;
  kind: "updated" | "deleted";
  name?: string;
  lastUpdated?: Date;
}

/**
 * Integration changes inside this orchestrator process, for editors watching one integration
 * (another tab, an API client). One process only: with several orchestrator replicas a client
 * still learns of a conflict when it saves (the update's `expectedLastUpdated` check).
 */
export class IntegrationChanges {
  readonly #events = new EventEmitter();

  constructor() {
    // Every open editor listens; that is not a leak.
    this.#events.setMaxListeners(0);
  }

  emit(change: IntegrationChange): void {
    this.#events.emit("change", change);
  }

  /**
   * A deployment row changed (its version after a rollout, its replicas after a scale): watchers
   * of deployments re-read them. The driver's own watch only knows about workload status, which
   * may settle before the row is written.
   */
  deploymentsChanged(): void {
    this.#events.emit("deployments");
  }

  /** Calls `listener` on every deploymentsChanged(); returns the way to stop. */
  onDeployments(listener: () => void): () => void {
    this.#events.on("deployments", listener);
    return () => this.#events.off("deployments", listener);
  }

  /** The changes of one integration from this call on (listening starts at once), until `signal` aborts. */
  of(id: string, signal: AbortSignal | undefined): AsyncIterable<IntegrationChange> {
    const events = on(this.#events, "change", signal ? { signal } : {});
    return (async function* () {
      for await (const [change] of events) {
        if ((change as IntegrationChange).id === id) yield change as IntegrationChange;
      }
    })();
  }
}
