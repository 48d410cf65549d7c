/** A status change seen on the live stream while the page was open. */
export interface StatusEvent {
  /** When this page saw it (ISO). */
  at: string;
  from: string;
  to: string;
  reason?: string;
}

/** Shown when a deployment drops out of the live snapshot. */
export const REMOVED = "removed";

/** How many events the page keeps. */
export const EVENT_LIMIT = 200;

/**
 * The events after one more snapshot, newest first: a change of status (or the deployment
 * disappearing) compared with the previous snapshot. The first snapshot is only the baseline.
 */
export function nextStatusEvents(
  events: readonly StatusEvent[],
  previous: { status: string } | undefined,
  current: { status: string; reason?: string } | undefined,
  at: string,
): StatusEvent[] {
  if (!previous) return events as StatusEvent[];
  const to = current?.status ?? REMOVED;
  if (to === previous.status) return events as StatusEvent[];
  const event: StatusEvent = { at, from: previous.status, to };
  if (current?.reason) event.reason = current.reason;
  return [event, ...events].slice(0, EVENT_LIMIT);
}
