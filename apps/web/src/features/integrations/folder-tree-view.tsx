"use client";

import { type KeyboardEvent, useRef } from "react";
import {
  canMove,
  type FolderNode,
  type FolderReorder,
  findFolder,
  folderReorder,
  sortTree,
} from "./folder-tree.ts";
import styles from "./integrations.module.css";

export interface FolderTreeViewProps {
  roots: FolderNode[];
  /** The selected folder; null is "All integrations". */
  selectedId: string | null;
  onSelect: (folderId: string | null) => void;
  canWrite: boolean;
  /** A folder change is in flight: the action buttons wait. */
  busy?: boolean;
  onCreate: () => void;
  onRename: (folder: FolderNode) => void;
  onMove: (folder: FolderNode) => void;
  onDelete: (folder: FolderNode) => void;
  onReorder: (reorder: FolderReorder) => void;
}

/** Up/Down/Home/End move focus between the tree's buttons (Tab still works as usual). */
function focusNeighbour(event: KeyboardEvent<HTMLButtonElement>, container: HTMLElement | null) {
  if (!container || !["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key)) return;
  const items = [...container.querySelectorAll<HTMLButtonElement>("button.tree-item")];
  const at = items.indexOf(event.currentTarget);
  const next =
    event.key === "Home"
      ? items[0]
      : event.key === "End"
        ? items.at(-1)
        : items[event.key === "ArrowDown" ? at + 1 : at - 1];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

function Branch({
  nodes,
  selectedId,
  onSelect,
  onKeyDown,
}: {
  nodes: FolderNode[];
  selectedId: string | null;
  onSelect: (folderId: string) => void;
  onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => void;
}) {
  return (
    <ul className="tree">
      {nodes.map((node) => (
        <li key={node.id}>
          <button
            type="button"
            className="tree-item"
            aria-current={node.id === selectedId ? "true" : undefined}
            onClick={() => onSelect(node.id)}
            onKeyDown={onKeyDown}
          >
            {node.name}
          </button>
          {node.children.length > 0 ? (
            <Branch nodes={node.children} selectedId={selectedId} onSelect={onSelect} onKeyDown={onKeyDown} />
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** The folder tree: "All integrations", then every folder nested; writers get the selected folder's actions. */
export function FolderTreeView({
  roots,
  selectedId,
  onSelect,
  canWrite,
  busy = false,
  onCreate,
  onRename,
  onMove,
  onDelete,
  onReorder,
}: FolderTreeViewProps) {
  const container = useRef<HTMLElement>(null);
  const sorted = sortTree(roots);
  const selected = selectedId === null ? undefined : findFolder(sorted, selectedId);
  const movable = selected ? canMove(sorted, selected.id) : { up: false, down: false };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => focusNeighbour(event, container.current);
  const reorder = (direction: "up" | "down") => {
    if (!selected) return;
    const payload = folderReorder(sorted, selected.id, direction);
    if (payload) onReorder(payload);
  };
  return (
    <div>
      <nav aria-label="Folders" ref={container}>
        <ul className="tree">
          <li>
            <button
              type="button"
              className="tree-item"
              aria-current={selectedId === null ? "true" : undefined}
              onClick={() => onSelect(null)}
              onKeyDown={onKeyDown}
            >
              All integrations
            </button>
            {sorted.length > 0 ? (
              <Branch nodes={sorted} selectedId={selectedId} onSelect={onSelect} onKeyDown={onKeyDown} />
            ) : null}
          </li>
        </ul>
        {sorted.length === 0 ? <p className="muted">No folders yet.</p> : null}
      </nav>
      {canWrite ? (
        <fieldset className={styles.toolbar} aria-label="Folder actions" disabled={busy}>
          <p className={`muted ${styles.toolbarTitle}`}>
            {selected ? (
              <>
                Selected folder: <strong>{selected.name}</strong>
              </>
            ) : (
              "New folders go at the top level; select a folder to nest one inside it."
            )}
          </p>
          <button type="button" onClick={onCreate}>
            {selected ? "New subfolder" : "New folder"}
          </button>
          {selected ? (
            <>
              <button type="button" onClick={() => onRename(selected)}>
                Rename
              </button>
              <button type="button" onClick={() => onMove(selected)}>
                Move…
              </button>
              <button type="button" disabled={!movable.up} onClick={() => reorder("up")}>
                Move up
              </button>
              <button type="button" disabled={!movable.down} onClick={() => reorder("down")}>
                Move down
              </button>
              <button type="button" className="danger" onClick={() => onDelete(selected)}>
                Delete
              </button>
            </>
          ) : null}
        </fieldset>
      ) : null}
    </div>
  );
}
