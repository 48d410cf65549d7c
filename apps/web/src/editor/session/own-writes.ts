/**
 * Tells a change announced by the integration watch apart from the editor's own writes. A write
 * in flight announces itself before its answer arrives, so what is announced meanwhile is held
 * until the write settles and then compared with what the write saved: only a different
 * timestamp is someone else's change.
 */
export interface OwnWrites {
  /** The saved definition's timestamp (after a load, a reload or a successful write). */
  saved(lastUpdated: string): void;
  /** A change the watch announced; `elsewhere` hears it only when it is not ours. */
  announced(lastUpdated: string): void;
  writeStarted(): void;
  /** After the write's success or failure. */
  writeSettled(): void;
}

export function ownWrites(elsewhere: (lastUpdated: string) => void): OwnWrites {
  let savedAt: string | undefined;
  let inFlight = 0;
  let held: string | undefined;
  const gate: OwnWrites = {
    saved(lastUpdated) {
      savedAt = lastUpdated;
    },
    announced(lastUpdated) {
      if (lastUpdated === savedAt) return;
      if (inFlight > 0) {
        held = lastUpdated;
        return;
      }
      elsewhere(lastUpdated);
    },
    writeStarted() {
      inFlight++;
    },
    writeSettled() {
      inFlight = Math.max(0, inFlight - 1);
      const at = held;
      held = undefined;
      if (at !== undefined) gate.announced(at);
    },
  };
  return gate;
}
