"use client";

import { useQuery } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext } from "react";
import { useTRPC } from "../trpc/client.tsx";

export interface Permissions {
  write: boolean;
  admin: boolean;
}

const NONE: Permissions = { write: false, admin: false };
const Context = createContext<Permissions>(NONE);

/**
 * What the caller may do, as the orchestrator decides it (users.me): the pages only hide or
 * disable controls; the orchestrator refuses the calls anyway.
 */
export function PermissionsProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  return <Context value={me.data?.can ?? NONE}>{children}</Context>;
}

/** Test and story seam: fixed permissions without an orchestrator. */
export function FixedPermissions({ value, children }: { value: Permissions; children: ReactNode }) {
  return <Context value={value}>{children}</Context>;
}

export function useCan(): Permissions {
  return useContext(Context);
}
