"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { DeployDialog } from "../../../../features/deployments/deploy-dialog.tsx";
import { DefinitionEditor } from "../../../../features/integrations/definition-editor.tsx";
import { DeleteIntegrationDialog } from "../../../../features/integrations/delete-integration-dialog.tsx";
import { DeploymentsPanel, type StreamState } from "../../../../features/integrations/deployments-panel.tsx";
import { formatWhen } from "../../../../features/integrations/forms.ts";
import styles from "../../../../features/integrations/integrations.module.css";
import { NameEditor } from "../../../../features/integrations/name-editor.tsx";
import { DRAFT, VersionDiffPanel } from "../../../../features/integrations/version-diff-view.tsx";
import {
  TagVersionDialog,
  type VersionRow,
  VersionsPanel,
} from "../../../../features/integrations/versions-panel.tsx";
import { useTRPC } from "../../../../trpc/client.tsx";
import { ConfirmDialog } from "../../../../ui/confirm.tsx";
import { useCan } from "../../../../ui/permissions.tsx";
import { QueryState } from "../../../../ui/states.tsx";

/** A chosen side of the diff, or the default when nothing (or a since-deleted version) is chosen. */
function sideOf(chosen: string | null, versions: VersionRow[], fallback: string): string {
  if (chosen === DRAFT) return DRAFT;
  if (chosen !== null && versions.some((v) => v.id === chosen)) return chosen;
  return fallback;
}

/** /integrations/[id]: name, definition, versions and their diff, live deployments. */
export function IntegrationDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const can = useCan();

  const integration = useQuery(trpc.integrations.get.queryOptions({ id }));
  const versions = useQuery(trpc.versions.list.queryOptions({ integrationId: id }));
  const watch = useSubscription(trpc.deployments.watch.subscriptionOptions({ integrationId: id }));
  const deployments = watch.data?.data;
  // "connecting" with an error is the client retrying a lost stream; "error" means it gave up.
  const stream: StreamState =
    watch.status === "pending"
      ? "live"
      : watch.status === "error"
        ? "stopped"
        : watch.error
          ? "reconnecting"
          : "connecting";
  const deployedVersionIds = useMemo(
    () => new Set((deployments ?? []).map((d) => d.versionId)),
    [deployments],
  );

  const [tagging, setTagging] = useState(false);
  const [deletingVersion, setDeletingVersion] = useState<VersionRow | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  const [deploying, setDeploying] = useState(false);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);

  const refreshIntegration = () => qc.invalidateQueries({ queryKey: trpc.integrations.pathKey() });
  const refreshVersions = () =>
    qc.invalidateQueries({ queryKey: trpc.versions.list.queryKey({ integrationId: id }) });
  // Separate mutations so a refused rename and a refused definition each show their error in place.
  const rename = useMutation(trpc.integrations.update.mutationOptions({ onSuccess: refreshIntegration }));
  const saveDefinition = useMutation(
    trpc.integrations.update.mutationOptions({ onSuccess: refreshIntegration }),
  );
  const tag = useMutation(
    trpc.versions.create.mutationOptions({
      onSuccess: async () => {
        setTagging(false);
        await refreshVersions();
      },
    }),
  );
  const deleteVersion = useMutation(
    trpc.versions.delete.mutationOptions({
      onSuccess: async () => {
        setDeletingVersion(null);
        await refreshVersions();
      },
    }),
  );
  const deleteIntegration = useMutation(
    trpc.integrations.delete.mutationOptions({
      onSuccess: () =>
        Promise.all([
          qc.invalidateQueries({ queryKey: trpc.integrations.list.queryKey() }),
          qc.invalidateQueries({ queryKey: trpc.folders.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.deployments.pathKey() }),
        ]),
    }),
  );

  const versionRows = versions.data ?? [];
  // By default: the newest version against the current definition.
  const fromSide = sideOf(from, versionRows, versionRows[0]?.id ?? DRAFT);
  const toSide = sideOf(to, versionRows, DRAFT);
  const fromVersion = useQuery(
    trpc.versions.get.queryOptions(fromSide === DRAFT ? skipToken : { id: fromSide }),
  );
  const toVersion = useQuery(trpc.versions.get.queryOptions(toSide === DRAFT ? skipToken : { id: toSide }));
  const draftText = integration.data?.definition;
  const before = fromSide === DRAFT ? draftText : fromVersion.data?.definition;
  const after = toSide === DRAFT ? draftText : toVersion.data?.definition;

  return (
    <>
      <p>
        <Link href="/integrations">← Integrations</Link>
      </p>
      <QueryState query={integration} label="Loading the integration…">
        {(data) => (
          <>
            <div className="page-header">
              <NameEditor
                key={data.name}
                name={data.name}
                canWrite={can.write}
                busy={rename.isPending}
                error={rename.error}
                onRename={(name) => rename.mutate({ id, name })}
                onCancel={() => rename.reset()}
              />
              <div className="actions">
                <Link className="button primary" href={`/integrations/${id}/edit`}>
                  {can.write ? "Open the editor" : "View in the editor"}
                </Link>
                {can.write ? (
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setDeleting({ id, name: data.name })}
                  >
                    Delete integration
                  </button>
                ) : null}
              </div>
            </div>
            <p className="muted">Last updated {formatWhen(data.lastUpdated)}</p>

            <section className="panel" aria-label="Definition">
              <DefinitionEditor
                definition={data.definition}
                canWrite={can.write}
                busy={saveDefinition.isPending}
                error={saveDefinition.error}
                onSave={(definition) => saveDefinition.mutate({ id, definition })}
              />
            </section>

            <div className={styles.stack}>
              <DeploymentsPanel
                deployments={deployments}
                stream={stream}
                error={watch.error}
                canWrite={can.write}
                deployAvailable
                onDeploy={() => setDeploying(true)}
              />
              <QueryState query={versions} label="Loading versions…">
                {(rows) => (
                  <>
                    <VersionsPanel
                      versions={rows}
                      deployedVersionIds={deployedVersionIds}
                      canWrite={can.write}
                      onTag={() => setTagging(true)}
                      onDelete={setDeletingVersion}
                    />
                    <VersionDiffPanel
                      versions={rows}
                      from={fromSide}
                      to={toSide}
                      onFromChange={setFrom}
                      onToChange={setTo}
                      before={before}
                      after={after}
                      error={fromVersion.error ?? toVersion.error}
                    />
                  </>
                )}
              </QueryState>
            </div>

            {can.write ? (
              <DeployDialog
                integrationId={id}
                integrationName={data.name}
                open={deploying}
                onClose={() => setDeploying(false)}
                onDeployed={() => setDeploying(false)}
              />
            ) : null}
          </>
        )}
      </QueryState>

      <DeleteIntegrationDialog
        integration={deleting}
        busy={deleteIntegration.isPending}
        error={deleteIntegration.error}
        result={deleteIntegration.data ?? null}
        onConfirm={() => deleteIntegration.mutate({ id })}
        onClose={() => {
          // Once deleted there is nothing left to show here.
          if (deleteIntegration.data) return router.push("/integrations");
          setDeleting(null);
          deleteIntegration.reset();
        }}
      />

      <TagVersionDialog
        open={tagging}
        busy={tag.isPending}
        error={tag.error}
        onSubmit={(value) => tag.mutate({ integrationId: id, tag: value })}
        onClose={() => {
          setTagging(false);
          tag.reset();
        }}
      />
      <ConfirmDialog
        open={deletingVersion !== null}
        title={`Delete version “${deletingVersion?.tag ?? ""}”?`}
        confirmLabel="Delete version"
        busy={deleteVersion.isPending}
        error={deleteVersion.error}
        onConfirm={() => deletingVersion && deleteVersion.mutate({ id: deletingVersion.id })}
        onClose={() => {
          setDeletingVersion(null);
          deleteVersion.reset();
        }}
      >
        <p>
          The tag and its frozen definition are removed; the integration's current definition does not change.
          A version that is deployed cannot be deleted: undeploy it or roll its deployments to another version
          first.
        </p>
      </ConfirmDialog>
    </>
  );
}
