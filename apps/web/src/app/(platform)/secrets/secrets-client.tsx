"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { SecretsView } from "../../../features/secrets/secrets-view.tsx";
import { useTRPC } from "../../../trpc/client.tsx";
import { useCan } from "../../../ui/permissions.tsx";
import { QueryState } from "../../../ui/states.tsx";

/** Wires the secrets view to the orchestrator. */
export function SecretsClient() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const can = useCan();
  const list = useQuery(trpc.secrets.list.queryOptions());
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.secrets.list.queryKey() });
  // gcTime 0 + reset(): the mutation's variables hold the value, so they must not outlive the call.
  const set = useMutation(trpc.secrets.set.mutationOptions({ gcTime: 0, onSuccess: invalidate }));
  const remove = useMutation(trpc.secrets.delete.mutationOptions({ gcTime: 0, onSuccess: invalidate }));

  if (!list.data)
    return (
      <>
        <div className="page-header">
          <h1>Secrets</h1>
        </div>
        <QueryState query={list} label="Loading secrets…">
          {() => null}
        </QueryState>
      </>
    );
  return (
    <SecretsView
      secrets={list.data}
      canAdmin={can.admin}
      onSave={async (input) => {
        try {
          await set.mutateAsync(input);
        } finally {
          set.reset();
        }
      }}
      onDelete={async (input) => {
        try {
          return await remove.mutateAsync(input);
        } finally {
          remove.reset();
        }
      }}
      // Someone bound the secret since the list was read: read it again so the warning names them.
      onInUse={() => void invalidate()}
    />
  );
}
