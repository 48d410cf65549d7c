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
