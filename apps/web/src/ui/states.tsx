"use client";

import type { ReactNode } from "react";

/** The message an API error carries: the orchestrator's own words, never a stack. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string")
    return error.message.split("\n")[0] || "something went wrong";
  return "something went wrong";
}

export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  return (
    <div role="alert" className="note note-error">
      {title ? <strong>{title}: </strong> : null}
      {errorMessage(error)}
    </div>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="muted" aria-busy="true">
      {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p>
        <strong>{title}</strong>
      </p>
      {children}
    </div>
  );
}

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
}

/** Loading, error and loaded states of one query, the same way on every page. */
export function QueryState<T>({
  query,
  label,
  children,
}: {
  query: QueryLike<T>;
  label?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorNote error={query.error} />;
  if (query.isPending || query.data === undefined) return <Loading {...(label ? { label } : {})} />;
  return <>{children(query.data)}</>;
}
