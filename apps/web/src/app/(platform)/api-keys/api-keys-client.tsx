"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiKeysView } from "../../../features/api-keys/api-keys-view.tsx";
import { useTRPC } from "../../../trpc/client.tsx";
import { useCan } from "../../../ui/permissions.tsx";
import { QueryState } from "../../../ui/states.tsx";

/** Wires the API keys view to the orchestrator. */
export function ApiKeysClient() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const can = useCan();
  const list = useQuery(trpc.apiKeys.list.queryOptions());
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  // gcTime 0 + reset(): the created key's token is in the mutation's data and must not stay cached.
  const create = useMutation(trpc.apiKeys.create.mutationOptions({ gcTime: 0, onSuccess: invalidate }));
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: invalidate }));

  if (!list.data)
    return (
      <>
        <div className="page-header">
          <h1>API keys</h1>
        </div>
        <QueryState query={list} label="Loading API keys…">
          {() => null}
        </QueryState>
      </>
    );
  return (
    <ApiKeysView
      keys={list.data}
      canWrite={can.write}
      onCreate={async (input) => {
        try {
          const { name, token } = await create.mutateAsync(input);
          return { name, token };
        } finally {
          create.reset();
        }
      }}
      onRevoke={async (id) => {
        await revoke.mutateAsync({ id });
      }}
    />
  );
}
