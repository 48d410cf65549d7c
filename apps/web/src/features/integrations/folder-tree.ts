import type { AppRouter } from "@octo/orchestrator/client";
import type { inferRouterOutputs } from "@trpc/server";

/** A folder as folders.tree returns it: roots with nested children. */
export type FolderNode = inferRouterOutputs<AppRouter>["folders"]["tree"][number];

/** One folder in depth-first order, for lists and selects ("A / B" paths, indentation). */
export interface FlatFolder {
  id: string;
  parentId: string | null;
  name: string;
  depth: number;
  path: string;
}

export type Direction = "up" | "down";

const bySiblingOrder = (a: FolderNode, b: FolderNode) =>
  a.position - b.position || a.name.localeCompare(b.name);

/** Siblings by (position, name) at every level, as the server orders them; the input is not changed. */
export function sortTree(roots: readonly FolderNode[]): FolderNode[] {
  return [...roots].sort(bySiblingOrder).map((node) => ({ ...node, children: sortTree(node.children) }));
}

/** Depth-first, parents before their children, siblings in order. */
export function flattenTree(roots: readonly FolderNode[]): FlatFolder[] {
  const out: FlatFolder[] = [];
  const walk = (nodes: readonly FolderNode[], depth: number, prefix: string) => {
    for (const node of sortTree(nodes)) {
      const path = prefix ? `${prefix} / ${node.name}` : node.name;
      out.push({ id: node.id, parentId: node.parentId, name: node.name, depth, path });
      walk(node.children, depth + 1, path);
    }
  };
  walk(roots, 0, "");
  return out;
}

export function findFolder(roots: readonly FolderNode[], id: string): FolderNode | undefined {
  for (const node of roots) {
    if (node.id === id) return node;
    const inside = findFolder(node.children, id);
    if (inside) return inside;
  }
  return undefined;
}

/** The ids of every folder inside `node` (not `node` itself). */
export function descendantIds(node: FolderNode): Set<string> {
  const ids = new Set<string>();
  const walk = (children: readonly FolderNode[]) => {
    for (const child of children) {
      ids.add(child.id);
      walk(child.children);
    }
  };
  walk(node.children);
  return ids;
}

/**
 * The order of `ids` after moving `id` one place up or down, or undefined when it cannot move
 * (already first/last, or not in the list).
 */
export function moveInOrder(ids: readonly string[], id: string, direction: Direction): string[] | undefined {
  const at = ids.indexOf(id);
  const to = direction === "up" ? at - 1 : at + 1;
  if (at < 0 || to < 0 || to >= ids.length) return undefined;
  const next = [...ids];
  [next[at], next[to]] = [next[to] as string, next[at] as string];
  return next;
}

/** What folders.reorder takes: a parent (null for the top level) and its children's new order. */
export interface FolderReorder {
  parentId: string | null;
  folderIds: string[];
}

/** The folders.reorder payload that moves a folder one place among its siblings, or undefined when it cannot. */
export function folderReorder(
  roots: readonly FolderNode[],
  id: string,
  direction: Direction,
): FolderReorder | undefined {
  const node = findFolder(roots, id);
  if (!node) return undefined;
  const siblings =
    node.parentId === null ? roots : (findFolder(roots, node.parentId)?.children ?? ([] as FolderNode[]));
  const folderIds = moveInOrder(
    sortTree(siblings).map((s) => s.id),
    id,
    direction,
  );
  return folderIds ? { parentId: node.parentId, folderIds } : undefined;
}

/** Whether a folder can move up / down among its siblings (for disabling the buttons). */
export function canMove(roots: readonly FolderNode[], id: string): Record<Direction, boolean> {
  return {
    up: folderReorder(roots, id, "up") !== undefined,
    down: folderReorder(roots, id, "down") !== undefined,
  };
}

/**
 * Where a folder may move: every folder except itself and its descendants (the server refuses a
 * cycle anyway; the list just does not offer one). The top level is offered separately.
 */
export function moveTargets(roots: readonly FolderNode[], id: string): FlatFolder[] {
  const node = findFolder(roots, id);
  if (!node) return [];
  const excluded = descendantIds(node).add(id);
  return flattenTree(roots).filter((f) => !excluded.has(f.id));
}

/** Case-insensitive "name contains the query"; a blank query matches everything. */
export function matchesSearch(name: string, query: string): boolean {
  const wanted = query.trim().toLocaleLowerCase();
  return wanted === "" || name.toLocaleLowerCase().includes(wanted);
}

export function filterByName<T extends { name: string }>(items: readonly T[], query: string): T[] {
  return items.filter((item) => matchesSearch(item.name, query));
}
