"use client";

import { useQuery } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useMemo } from "react";
import { useTRPC } from "../trpc/client.tsx";

export interface Permissions {
  write: boolean;
  admin: boolean;
  /** false until users.me answered: no rights then means "not known yet", not "refused". */
  known: boolean;
}

const UNKNOWN: Permissions = { write: false, admin: false, known: false };
/** users.me failed: the caller's rights cannot be shown, so none are offered (the server decides anyway). */
const NONE: Permissions = { write: false, admin: false, known: true };
const Context = createContext<Permissions>(UNKNOWN);

/** The rights users.me reported, none when it failed, unknown while it has not answered. */
export function permissionsFrom(me: {
  data?: { can: { write: boolean; admin: boolean } } | undefined;
  isError: boolean;
}): Permissions {
  if (me.data) return { write: me.data.can.write, admin: me.data.can.admin, known: true };
  return me.isError ? NONE : UNKNOWN;
}

/**
 * What the caller may do, as the orchestrator decides it (users.me): the pages only hide or
 * disable controls; the orchestrator refuses the calls anyway.
 */
export function PermissionsProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  const { write, admin, known } = permissionsFrom(me);
  // One object per answer, not per render: every useCan() caller re-renders when it changes.
  const value = useMemo(() => ({ write, admin, known }), [write, admin, known]);
  return <Context value={value}>{children}</Context>;
}

/** Test and story seam: fixed permissions without an orchestrator; known unless said otherwise. */
export function FixedPermissions({
  value,
  children,
}: {
  value: { write: boolean; admin: boolean; known?: boolean };
  children: ReactNode;
}) {
  return <Context value={{ known: true, ...value }}>{children}</Context>;
}

export function useCan(): Permissions {
  return useContext(Context);
}
