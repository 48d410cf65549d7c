"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  type AuditFilters,
  auditListInput,
  canLoadMore,
  NO_FILTERS,
  nextLimit,
  PAGE_SIZE,
} from "../../../features/audit/audit-filters.ts";
import { AuditView } from "../../../features/audit/audit-view.tsx";
import { useTRPC } from "../../../trpc/client.tsx";
import { useCan } from "../../../ui/permissions.tsx";
import { Loading } from "../../../ui/states.tsx";

/** Wires the audit view to the orchestrator; non-admins never send the query. */
export function AuditClient() {
  const trpc = useTRPC();
  const can = useCan();
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [limit, setLimit] = useState(PAGE_SIZE);
  const input = auditListInput(filters, limit) ?? { limit };
  // Loading more keeps the rows on screen; new filters must not show the old filters' rows meanwhile.
  const growing = limit > PAGE_SIZE;
  const events = useQuery(
    trpc.audit.list.queryOptions(input, {
      enabled: can.admin,
      ...(growing ? { placeholderData: keepPreviousData } : {}),
    }),
  );

  // Until users.me answers, "no rights" means "not known yet": wait rather than flash the admins-only state.
  if (!can.known) return <Loading />;
  const rows = events.data;
  return (
    <AuditView
      canRead={can.admin}
      events={rows}
      error={events.error}
      isPending={events.isPending}
      filters={filters}
      onFilter={(next) => {
        setFilters(next);
        setLimit(PAGE_SIZE);
      }}
      canLoadMore={rows !== undefined && (events.isPlaceholderData || canLoadMore(rows.length, limit))}
      loadingMore={events.isPlaceholderData}
      onLoadMore={() => setLimit(nextLimit(limit))}
    />
  );
}
