import {
  type Database,
  folderMembers,
  folders,
  integrations,
  isForeignKeyViolation,
  isUniqueViolation,
} from "@octo/db";
import { and, asc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { badRequest, conflict, constrained, notFound } from "../errors.ts";

export interface FolderNode {
  id: string;
  parentId: string | null;
  name: string;
  position: number;
  children: FolderNode[];
}

const NAME_TAKEN = "a folder with this name already exists here";

/** `parent_id = x`, or `parent_id IS NULL` for the root level. */
const parentIs = (parentId: string | null) =>
  parentId === null ? isNull(folders.parentId) : eq(folders.parentId, parentId);

/** The next free position among a parent's children (0 for the first). */
const nextFolderPosition = (parentId: string | null) =>
  parentId === null
    ? sql<number>`(select coalesce(max(${folders.position}) + 1, 0) from ${folders} where ${folders.parentId} is null)`
    : sql<number>`(select coalesce(max(${folders.position}) + 1, 0) from ${folders} where ${folders.parentId} = ${parentId})`;

const nextMemberPosition = (folderId: string) =>
  sql<number>`(select coalesce(max(${folderMembers.position}) + 1, 0) from ${folderMembers} where ${folderMembers.folderId} = ${folderId})`;

/** `CASE id WHEN a THEN 1 WHEN b THEN 2 … END`: 1-based positions in the order given. */
function positionsOf(column: AnyPgColumn, fallback: AnyPgColumn, ids: string[]): SQL<number> {
  const whens = ids.map((id, i) => sql`when ${id}::uuid then ${i + 1}::int`);
  return sql<number>`(case ${column} ${sql.join(whens, sql` `)} else ${fallback} end)`;
}

/** Every folder as a forest of roots with nested children, siblings by (position, name). */
export async function folderTree(db: Database): Promise<FolderNode[]> {
  const rows = await db.select().from(folders).orderBy(asc(folders.position), asc(folders.name));
  const nodes = new Map<string, FolderNode>(rows.map((r) => [r.id, { ...r, children: [] }]));
  const roots: FolderNode[] = [];
  for (const r of rows) {
    const node = nodes.get(r.id) as FolderNode;
    const parent = r.parentId === null ? undefined : nodes.get(r.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

export async function createFolder(
  db: Database,
  input: { name: string; parentId?: string | null | undefined },
) {
  const parentId = input.parentId ?? null;
  try {
    const [row] = await db
      .insert(folders)
      .values({ name: input.name, parentId, position: nextFolderPosition(parentId) })
      .returning();
    return row as typeof folders.$inferSelect;
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(NAME_TAKEN);
    // A missing parent is the caller's unknown id.
    if (isForeignKeyViolation(e)) throw notFound("parent folder");
    throw e;
  }
}

/**
 * Renames and/or moves a folder. `parentId` undefined keeps the parent, null moves to the root.
 * A move is refused when the new parent is the folder itself or inside its subtree; the check
 * and the move run in one transaction holding a lock that serialises folder moves, so two
 * concurrent moves cannot build a cycle together. A moved folder is appended last.
 */
export async function updateFolder(
  db: Database,
  input: { id: string; name?: string | undefined; parentId?: string | null | undefined },
) {
  return constrained(
    () =>
      db.transaction(async (tx) => {
        await tx.execute(sql`lock table ${folders} in share row exclusive mode`);
        const [current] = await tx.select().from(folders).where(eq(folders.id, input.id));
        if (!current) throw notFound("folder");
        const changes: { name?: string; parentId?: string | null; position?: SQL<number> } = {};
        if (input.name !== undefined) changes.name = input.name;
        if (input.parentId !== undefined && input.parentId !== current.parentId) {
          const parentId = input.parentId;
          if (parentId === input.id) throw badRequest("a folder cannot be its own parent");
          if (parentId !== null) {
            const all = await tx.select({ id: folders.id, parentId: folders.parentId }).from(folders);
            const parentOf = new Map(all.map((f) => [f.id, f.parentId]));
            if (!parentOf.has(parentId)) throw notFound("parent folder");
            // Walk up from the new parent; meeting the moved folder means a cycle.
            for (let at: string | null | undefined = parentId, n = 0; at && n <= all.length; n++) {
              if (at === input.id) throw badRequest("the move would create a cycle");
              at = parentOf.get(at);
            }
          }
          changes.parentId = parentId;
          changes.position = nextFolderPosition(parentId);
        }
        if (Object.keys(changes).length === 0) return current;
        const [row] = await tx.update(folders).set(changes).where(eq(folders.id, input.id)).returning();
        return row as typeof folders.$inferSelect;
      }),
    { onUnique: NAME_TAKEN },
  );
}

/** Sets 1-based positions in the given order for those ids whose parent is `parentId`. */
export async function reorderFolders(db: Database, parentId: string | null, folderIds: string[]) {
  if (folderIds.length === 0) return { updated: 0 };
  const rows = await db
    .update(folders)
    .set({ position: positionsOf(folders.id, folders.position, folderIds) })
    .where(and(inArray(folders.id, folderIds), parentIs(parentId)))
    .returning({ id: folders.id });
  return { updated: rows.length };
}

export async function requireFolder(db: Database, id: string) {
  const [row] = await db.select({ id: folders.id }).from(folders).where(eq(folders.id, id));
  if (!row) throw notFound("folder");
}

/** The integrations filed in a folder, by (position, name). */
export async function folderMembersOf(db: Database, folderId: string) {
  await requireFolder(db, folderId);
  return db
    .select({
      id: integrations.id,
      name: integrations.name,
      position: folderMembers.position,
      createdAt: integrations.createdAt,
      lastUpdated: integrations.lastUpdated,
    })
    .from(folderMembers)
    .innerJoin(integrations, eq(integrations.id, folderMembers.integrationId))
    .where(eq(folderMembers.folderId, folderId))
    .orderBy(asc(folderMembers.position), asc(integrations.name));
}

/** Files an integration into a folder (an integration is in at most one): moves it, appended last. */
export async function putMember(db: Database, folderId: string, integrationId: string) {
  await requireFolder(db, folderId);
  const [integration] = await db
    .select({ id: integrations.id })
    .from(integrations)
    .where(eq(integrations.id, integrationId));
  if (!integration) throw notFound("integration");
  const position = nextMemberPosition(folderId);
  const [row] = await constrained(
    () =>
      db
        .insert(folderMembers)
        .values({ folderId, integrationId, position })
        .onConflictDoUpdate({ target: folderMembers.integrationId, set: { folderId, position } })
        .returning(),
    // The folder or the integration was deleted between the check and the write.
    { onForeignKey: "the folder or the integration was just deleted" },
  );
  return row as typeof folderMembers.$inferSelect;
}

export async function removeMember(db: Database, folderId: string, integrationId: string) {
  const [row] = await db
    .delete(folderMembers)
    .where(and(eq(folderMembers.folderId, folderId), eq(folderMembers.integrationId, integrationId)))
    .returning({ integrationId: folderMembers.integrationId });
  if (!row) throw notFound("folder membership");
  return { folderId, integrationId };
}

export async function reorderMembers(db: Database, folderId: string, integrationIds: string[]) {
  if (integrationIds.length === 0) return { updated: 0 };
  const rows = await db
    .update(folderMembers)
    .set({ position: positionsOf(folderMembers.integrationId, folderMembers.position, integrationIds) })
    .where(and(eq(folderMembers.folderId, folderId), inArray(folderMembers.integrationId, integrationIds)))
    .returning({ id: folderMembers.integrationId });
  return { updated: rows.length };
}
