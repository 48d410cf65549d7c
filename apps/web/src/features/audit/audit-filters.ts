/** Rules of the audit log page: its filters as the router's input, and "Load more" by limit. */

/** audit.list pages by limit only (newest first, at most 500): "Load more" asks for a larger page. */
export const PAGE_SIZE = 100;
export const MAX_LIMIT = 500;

export interface AuditFilters {
  /** A procedure path exactly, e.g. `secrets.set`. */
  procedure: string;
  /** An actor id exactly (an OIDC subject, an API key id …). */
  actorId: string;
  /** A `datetime-local` value, in the browser's time zone; empty: no lower bound. */
  since: string;
}

export const NO_FILTERS: AuditFilters = { procedure: "", actorId: "", since: "" };

export interface AuditListInput {
  limit: number;
  procedure?: string;
  actorId?: string;
  since?: string;
}

export function sinceProblem(since: string): string | undefined {
  return since.trim() !== "" && Number.isNaN(new Date(since).getTime())
    ? "must be a date and time"
    : undefined;
}

/** The audit.list input for these filters (empty ones left out), or undefined while one is invalid. */
export function auditListInput(filters: AuditFilters, limit: number): AuditListInput | undefined {
  if (sinceProblem(filters.since)) return undefined;
  const procedure = filters.procedure.trim();
  const actorId = filters.actorId.trim();
  const since = filters.since.trim();
  return {
    limit: Math.min(Math.max(limit, 1), MAX_LIMIT),
    ...(procedure ? { procedure } : {}),
    ...(actorId ? { actorId } : {}),
    // The local wall-clock time the admin picked, as the instant the router expects.
    ...(since ? { since: new Date(since).toISOString() } : {}),
  };
}

export function hasFilters(filters: AuditFilters): boolean {
  return filters.procedure.trim() !== "" || filters.actorId.trim() !== "" || filters.since.trim() !== "";
}

/** A full page means there may be older events; past MAX_LIMIT the filters must narrow instead. */
export function canLoadMore(rowCount: number, limit: number): boolean {
  return rowCount >= limit && limit < MAX_LIMIT;
}

export function nextLimit(limit: number): number {
  return Math.min(limit + PAGE_SIZE, MAX_LIMIT);
}

/** Whether the answer was a refusal for lack of rights (shown as the admins-only state). */
export function isForbidden(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { data?: { code?: unknown } }).data?.code === "FORBIDDEN"
  );
}
