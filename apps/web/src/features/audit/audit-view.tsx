"use client";

import type { AppRouter } from "@octo/orchestrator/client";
import type { inferRouterOutputs } from "@trpc/server";
import { type FormEvent, useId, useState } from "react";
import { Empty, ErrorNote, Loading } from "../../ui/states.tsx";
import styles from "./audit.module.css";
import {
  type AuditFilters,
  hasFilters,
  isForbidden,
  MAX_LIMIT,
  NO_FILTERS,
  sinceProblem,
} from "./audit-filters.ts";

export type AuditEvent = inferRouterOutputs<AppRouter>["audit"]["list"][number];

export function AdminOnly() {
  return (
    <Empty title="Only administrators can read the audit log">
      <p>It records who changed what on the platform. Ask an administrator if you need an entry from it.</p>
    </Empty>
  );
}

function FilterForm({
  filters,
  onFilter,
}: {
  filters: AuditFilters;
  onFilter: (filters: AuditFilters) => void;
}) {
  const ids = { procedure: useId(), actor: useId(), since: useId(), sinceError: useId() };
  const [draft, setDraft] = useState(filters);
  const problem = sinceProblem(draft.since);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!problem) onFilter(draft);
  }
  return (
    <form className={`panel ${styles.filters}`} onSubmit={submit} aria-label="Filter events">
      <div>
        <label htmlFor={ids.procedure}>Action</label>
        <input
          id={ids.procedure}
          value={draft.procedure}
          placeholder="e.g. secrets.set"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setDraft({ ...draft, procedure: e.currentTarget.value })}
        />
      </div>
      <div>
        <label htmlFor={ids.actor}>Actor id</label>
        <input
          id={ids.actor}
          value={draft.actorId}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setDraft({ ...draft, actorId: e.currentTarget.value })}
        />
      </div>
      <div>
        <label htmlFor={ids.since}>Since</label>
        <input
          id={ids.since}
          type="datetime-local"
          value={draft.since}
          aria-invalid={problem !== undefined}
          {...(problem ? { "aria-describedby": ids.sinceError } : {})}
          onChange={(e) => setDraft({ ...draft, since: e.currentTarget.value })}
        />
        {problem ? (
          <p id={ids.sinceError} className="field-error">
            Since {problem}
          </p>
        ) : null}
      </div>
      <div className={styles.filterActions}>
        <button type="submit" className="primary" disabled={problem !== undefined}>
          Apply
        </button>
        <button
          type="button"
          disabled={!hasFilters(draft) && !hasFilters(filters)}
          onClick={() => {
            setDraft(NO_FILTERS);
            onFilter(NO_FILTERS);
          }}
        >
          Clear
        </button>
      </div>
      <p className="field-hint">Action and actor match exactly. Times are in your time zone.</p>
    </form>
  );
}

function EventRow({ event }: { event: AuditEvent }) {
  return (
    <tr>
      <td>
        <time dateTime={event.at}>{new Date(event.at).toLocaleString()}</time>
      </td>
      <td>
        <span className="muted">{event.actorKind}</span> {event.actorId ? <code>{event.actorId}</code> : null}
      </td>
      <td>
        <code>{event.procedure}</code>
      </td>
      <td>
        {event.targetKind || event.targetId ? (
          <>
            {event.targetKind ? <span className="muted">{event.targetKind}</span> : null}{" "}
            {event.targetId ? <code>{event.targetId}</code> : null}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        {event.outcome === "ok" ? (
          <span className="badge status-running">ok</span>
        ) : (
          <span className="badge status-failed">
            {event.outcome}
            {event.errorCode ? `: ${event.errorCode}` : ""}
          </span>
        )}
      </td>
      <td>{event.durationMs} ms</td>
    </tr>
  );
}

/**
 * The audit trail for admins: every mutation, who called it, on what, and how it ended. Values are
 * never recorded, so there are none to show.
 */
export function AuditView({
  canRead,
  events,
  error,
  isPending,
  filters,
  onFilter,
  canLoadMore,
  loadingMore,
  onLoadMore,
}: {
  canRead: boolean;
  events: AuditEvent[] | undefined;
  error: unknown;
  isPending: boolean;
  filters: AuditFilters;
  onFilter: (filters: AuditFilters) => void;
  canLoadMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  const header = (
    <div className="page-header">
      <h1>Audit log</h1>
    </div>
  );
  if (!canRead || isForbidden(error))
    return (
      <>
        {header}
        <AdminOnly />
      </>
    );
  return (
    <>
      {header}
      <p className="muted">
        Every change made through the API, newest first. Secret values are never recorded.
      </p>
      <FilterForm filters={filters} onFilter={onFilter} />
      {error ? (
        <ErrorNote error={error} />
      ) : isPending || events === undefined ? (
        <Loading label="Loading events…" />
      ) : events.length === 0 ? (
        <Empty title={hasFilters(filters) ? "No events match these filters" : "No events yet"} />
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="muted">
                {events.length} event{events.length === 1 ? "" : "s"}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <EventRow key={e.id} event={e} />
                ))}
              </tbody>
            </table>
          </div>
          {canLoadMore ? (
            <div className="actions">
              <button type="button" disabled={loadingMore} onClick={onLoadMore}>
                {loadingMore ? "Loading…" : "Load more"}
              </button>
            </div>
          ) : events.length >= MAX_LIMIT ? (
            <p className="muted">
              Showing the newest {MAX_LIMIT} events: narrow the filters (e.g. Since) to see older ones.
            </p>
          ) : null}
        </>
      )}
    </>
  );
}
