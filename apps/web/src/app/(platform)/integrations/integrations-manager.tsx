"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { CreateIntegrationDialog } from "../../../features/integrations/create-integration-dialog.tsx";
import { DeleteIntegrationDialog } from "../../../features/integrations/delete-integration-dialog.tsx";
import {
  FileIntegrationDialog,
  FolderNameDialog,
  MoveFolderDialog,
} from "../../../features/integrations/folder-dialogs.tsx";
import {
  type FolderNode,
  findFolder,
  flattenTree,
  moveTargets,
} from "../../../features/integrations/folder-tree.ts";
import { FolderTreeView } from "../../../features/integrations/folder-tree-view.tsx";
import {
  IntegrationListView,
  type IntegrationRow,
} from "../../../features/integrations/integration-list-view.tsx";
import { useTRPC } from "../../../trpc/client.tsx";
import { ConfirmDialog } from "../../../ui/confirm.tsx";
import { useCan } from "../../../ui/permissions.tsx";
import { ErrorNote, QueryState } from "../../../ui/states.tsx";

type FolderDialog =
  | { kind: "create"; parent: FolderNode | undefined }
  | { kind: "rename"; folder: FolderNode }
  | { kind: "move"; folder: FolderNode }
  | { kind: "delete"; folder: FolderNode };

/** /integrations: the folder tree on the left, the selected bucket's integrations on the right. */
export function IntegrationsManager() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const can = useCan();

  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [folderDialog, setFolderDialog] = useState<FolderDialog | null>(null);
  const [creating, setCreating] = useState(false);
  const [filing, setFiling] = useState<IntegrationRow | null>(null);
  const [deleting, setDeleting] = useState<IntegrationRow | null>(null);

  const tree = useQuery(trpc.folders.tree.queryOptions());
  const roots = tree.data ?? [];
  // A folder deleted (here or elsewhere) falls back to "All integrations".
  const selected = selectedId === null ? undefined : findFolder(roots, selectedId);
  const folderId = selected?.id ?? null;

  const all = useQuery(trpc.integrations.list.queryOptions());
  const members = useQuery(
    trpc.folders.members.list.queryOptions(folderId === null ? skipToken : { folderId }),
  );
  const deployments = useQuery(trpc.deployments.list.queryOptions({}));
  const deploymentCounts = useMemo(() => {
    if (!deployments.data) return null;
    const counts = new Map<string, number>();
    for (const d of deployments.data) counts.set(d.integrationId, (counts.get(d.integrationId) ?? 0) + 1);
    return counts;
  }, [deployments.data]);

  const refreshFolders = () => qc.invalidateQueries({ queryKey: trpc.folders.pathKey() });
  const refreshAll = () =>
    Promise.all([
      refreshFolders(),
      qc.invalidateQueries({ queryKey: trpc.integrations.list.queryKey() }),
      qc.invalidateQueries({ queryKey: trpc.deployments.pathKey() }),
    ]);

  const closeFolderDialog = () => {
    setFolderDialog(null);
    for (const m of [createFolder, renameFolder, moveFolder, deleteFolder]) m.reset();
  };
  const folderDone = {
    onSuccess: async () => {
      setFolderDialog(null);
      await refreshFolders();
    },
  };
  const createFolder = useMutation(trpc.folders.create.mutationOptions(folderDone));
  const renameFolder = useMutation(trpc.folders.update.mutationOptions(folderDone));
  const moveFolder = useMutation(trpc.folders.update.mutationOptions(folderDone));
  const deleteFolder = useMutation(trpc.folders.delete.mutationOptions(folderDone));
  const reorderFolders = useMutation(trpc.folders.reorder.mutationOptions({ onSettled: refreshFolders }));

  const closeFiling = () => {
    setFiling(null);
    putMember.reset();
  };
  const putMember = useMutation(
    trpc.folders.members.put.mutationOptions({
      onSuccess: async () => {
        setFiling(null);
        await refreshFolders();
      },
    }),
  );
  const removeMember = useMutation(
    trpc.folders.members.remove.mutationOptions({ onSuccess: refreshFolders }),
  );
  const reorderMembers = useMutation(
    trpc.folders.members.reorder.mutationOptions({ onSettled: refreshFolders }),
  );

  const createIntegration = useMutation(
    trpc.integrations.create.mutationOptions({
      onSuccess: async (row) => {
        await qc.invalidateQueries({ queryKey: trpc.integrations.list.queryKey() });
        router.push(`/integrations/${row.id}`);
      },
    }),
  );
  const deleteIntegration = useMutation(trpc.integrations.delete.mutationOptions({ onSuccess: refreshAll }));
  const closeDelete = () => {
    setDeleting(null);
    deleteIntegration.reset();
  };

  const folderBusy =
    createFolder.isPending ||
    renameFolder.isPending ||
    moveFolder.isPending ||
    deleteFolder.isPending ||
    reorderFolders.isPending;
  const listBusy = putMember.isPending || removeMember.isPending || reorderMembers.isPending;
  const listQuery = folderId === null ? all : members;

  return (
    <>
      <div className="page-header">
        <h1>Integrations</h1>
        {can.write ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New integration
          </button>
        ) : null}
      </div>
      <div className="grid-2">
        <aside className="panel" aria-label="Folders">
          {reorderFolders.error ? <ErrorNote error={reorderFolders.error} title="Reorder failed" /> : null}
          <QueryState query={tree} label="Loading folders…">
            {(data) => (
              <FolderTreeView
                roots={data}
                selectedId={folderId}
                onSelect={(id) => {
                  setSelectedId(id);
                  reorderMembers.reset();
                  removeMember.reset();
                }}
                canWrite={can.write}
                busy={folderBusy}
                onCreate={() => setFolderDialog({ kind: "create", parent: selected })}
                onRename={(folder) => setFolderDialog({ kind: "rename", folder })}
                onMove={(folder) => setFolderDialog({ kind: "move", folder })}
                onDelete={(folder) => setFolderDialog({ kind: "delete", folder })}
                onReorder={(payload) => reorderFolders.mutate(payload)}
              />
            )}
          </QueryState>
        </aside>
        <div className="panel">
          {removeMember.error ? <ErrorNote error={removeMember.error} title="Could not remove" /> : null}
          {reorderMembers.error ? <ErrorNote error={reorderMembers.error} title="Reorder failed" /> : null}
          <QueryState query={listQuery} label="Loading integrations…">
            {(rows) => (
              <IntegrationListView
                integrations={rows}
                folderName={selected?.name ?? null}
                query={query}
                onQueryChange={setQuery}
                deploymentCounts={deploymentCounts}
                canWrite={can.write}
                busy={listBusy}
                onFile={setFiling}
                onRemoveFromFolder={(row) =>
                  folderId && removeMember.mutate({ folderId, integrationId: row.id })
                }
                onReorderMembers={(integrationIds) =>
                  folderId && reorderMembers.mutate({ folderId, integrationIds })
                }
                onDelete={setDeleting}
              />
            )}
          </QueryState>
        </div>
      </div>

      <CreateIntegrationDialog
        open={creating}
        busy={createIntegration.isPending}
        error={createIntegration.error}
        onSubmit={(payload) => createIntegration.mutate(payload)}
        onClose={() => {
          setCreating(false);
          createIntegration.reset();
        }}
      />
      <DeleteIntegrationDialog
        integration={deleting}
        busy={deleteIntegration.isPending}
        error={deleteIntegration.error}
        result={deleteIntegration.data ?? null}
        onConfirm={() => deleting && deleteIntegration.mutate({ id: deleting.id })}
        onClose={closeDelete}
      />
      <FileIntegrationDialog
        open={filing !== null}
        integrationName={filing?.name ?? ""}
        folders={flattenTree(roots).filter((f) => f.id !== folderId)}
        busy={putMember.isPending}
        error={putMember.error}
        onSubmit={(target) => filing && putMember.mutate({ folderId: target, integrationId: filing.id })}
        onClose={closeFiling}
      />

      <FolderNameDialog
        open={folderDialog?.kind === "create"}
        title={
          folderDialog?.kind === "create" && folderDialog.parent
            ? `New folder in “${folderDialog.parent.name}”`
            : "New folder"
        }
        submitLabel="Create folder"
        busy={createFolder.isPending}
        error={createFolder.error}
        onSubmit={(name) =>
          folderDialog?.kind === "create" &&
          createFolder.mutate({ name, parentId: folderDialog.parent?.id ?? null })
        }
        onClose={closeFolderDialog}
      />
      <FolderNameDialog
        open={folderDialog?.kind === "rename"}
        title="Rename folder"
        initialName={folderDialog?.kind === "rename" ? folderDialog.folder.name : ""}
        submitLabel="Rename"
        busy={renameFolder.isPending}
        error={renameFolder.error}
        onSubmit={(name) =>
          folderDialog?.kind === "rename" && renameFolder.mutate({ id: folderDialog.folder.id, name })
        }
        onClose={closeFolderDialog}
      />
      <MoveFolderDialog
        open={folderDialog?.kind === "move"}
        folderName={folderDialog?.kind === "move" ? folderDialog.folder.name : ""}
        currentParentId={folderDialog?.kind === "move" ? folderDialog.folder.parentId : null}
        targets={folderDialog?.kind === "move" ? moveTargets(roots, folderDialog.folder.id) : []}
        busy={moveFolder.isPending}
        error={moveFolder.error}
        onSubmit={(parentId) =>
          folderDialog?.kind === "move" && moveFolder.mutate({ id: folderDialog.folder.id, parentId })
        }
        onClose={closeFolderDialog}
      />
      <ConfirmDialog
        open={folderDialog?.kind === "delete"}
        title={`Delete folder “${folderDialog?.kind === "delete" ? folderDialog.folder.name : ""}”?`}
        confirmLabel="Delete folder"
        busy={deleteFolder.isPending}
        error={deleteFolder.error}
        onConfirm={() =>
          folderDialog?.kind === "delete" && deleteFolder.mutate({ id: folderDialog.folder.id })
        }
        onClose={closeFolderDialog}
      >
        <p>
          Its subfolders are deleted with it. The integrations filed in them are <strong>not</strong> deleted:
          they stay, in no folder, under “All integrations”.
        </p>
      </ConfirmDialog>
    </>
  );
}
