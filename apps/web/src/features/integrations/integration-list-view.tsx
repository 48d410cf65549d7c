"use client";

import Link from "next/link";
import { useId } from "react";
import { Empty } from "../../ui/states.tsx";
import { filterByName, moveInOrder } from "./folder-tree.ts";
import { formatWhen } from "./forms.ts";
import styles from "./integrations.module.css";

export interface IntegrationRow {
  id: string;
  name: string;
  lastUpdated: string;
}

export interface IntegrationListViewProps {
  /** The integrations of the bucket (all, or one folder's members in their stored order). */
  integrations: IntegrationRow[];
  /** The selected folder's name; null for "All integrations" (no membership actions). */
  folderName: string | null;
  query: string;
  onQueryChange: (query: string) => void;
  /** Deployments per integration id; null when unknown (the column is left out). */
  deploymentCounts: ReadonlyMap<string, number> | null;
  canWrite: boolean;
  busy?: boolean;
  onFile: (integration: IntegrationRow) => void;
  onRemoveFromFolder: (integration: IntegrationRow) => void;
  /** The folder's members in their new order (folders.members.reorder). */
  onReorderMembers: (integrationIds: string[]) => void;
  onDelete: (integration: IntegrationRow) => void;
}

/** The integrations of the selected bucket with an instant name search. */
export function IntegrationListView({
  integrations,
  folderName,
  query,
  onQueryChange,
  deploymentCounts,
  canWrite,
  busy = false,
  onFile,
  onRemoveFromFolder,
  onReorderMembers,
  onDelete,
}: IntegrationListViewProps) {
  const searchId = useId();
  const shown = filterByName(integrations, query);
  const inFolder = folderName !== null;
  const searching = query.trim() !== "";
  const allIds = integrations.map((i) => i.id);
  const reorder = (id: string, direction: "up" | "down") => {
    const order = moveInOrder(allIds, id, direction);
    if (order) onReorderMembers(order);
  };
  return (
    <section aria-labelledby={`${searchId}-title`}>
      <h2 id={`${searchId}-title`}>{folderName ?? "All integrations"}</h2>
      <label htmlFor={searchId}>Search by name</label>
      <input
        id={searchId}
        type="search"
        className={styles.search}
        value={query}
        onChange={(e) => onQueryChange(e.target.value)}
        placeholder="Type to filter…"
      />
      <p className="field-hint" aria-live="polite">
        {searching ? `${shown.length} of ${integrations.length} shown` : `${integrations.length} in total`}
        {inFolder && canWrite && searching ? " · clear the search to reorder" : ""}
      </p>
      {integrations.length === 0 ? (
        <Empty title={inFolder ? "This folder is empty" : "No integrations yet"}>
          <p>
            {inFolder
              ? "Put integrations here from “All integrations” with “Put in folder”."
              : canWrite
                ? "Create one with “New integration”."
                : "Writers can create them."}
          </p>
        </Empty>
      ) : shown.length === 0 ? (
        <Empty title="No integration matches">
          <p>Nothing here has “{query.trim()}” in its name.</p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Last updated</th>
                {deploymentCounts ? <th scope="col">Deployments</th> : null}
                {canWrite ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => {
                const at = allIds.indexOf(row.id);
                return (
                  <tr key={row.id}>
                    <td>
                      <Link href={`/integrations/${row.id}`}>{row.name}</Link>
                    </td>
                    <td>{formatWhen(row.lastUpdated)}</td>
                    {deploymentCounts ? <td>{deploymentCounts.get(row.id) ?? 0}</td> : null}
                    {canWrite ? (
                      <td>
                        <div className={styles.rowActions}>
                          {inFolder ? (
                            <>
                              <button
                                type="button"
                                aria-label={`Move ${row.name} up`}
                                disabled={busy || searching || at === 0}
                                onClick={() => reorder(row.id, "up")}
                              >
                                ↑
                              </button>
                              <button
                                type="button"
                                aria-label={`Move ${row.name} down`}
                                disabled={busy || searching || at === allIds.length - 1}
                                onClick={() => reorder(row.id, "down")}
                              >
                                ↓
                              </button>
                              <button type="button" disabled={busy} onClick={() => onRemoveFromFolder(row)}>
                                Remove from folder
                              </button>
                            </>
                          ) : null}
                          <button type="button" disabled={busy} onClick={() => onFile(row)}>
                            {inFolder ? "Move to folder…" : "Put in folder…"}
                          </button>
                          <button
                            type="button"
                            className="danger"
                            aria-label={`Delete ${row.name}`}
                            onClick={() => onDelete(row)}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
