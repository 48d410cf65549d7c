import { folders } from "@octo/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { procedure, router } from "../../api/trpc.ts";
import { notFound } from "../errors.ts";
import { id, name } from "../fields.ts";
import {
  createFolder,
  folderMembersOf,
  folderTree,
  putMember,
  removeMember,
  reorderFolders,
  reorderMembers,
  updateFolder,
} from "./service.ts";

/** An ordered list of ids (bounded so one request stays small). */
const ids = z.array(id).max(10_000, "must hold at most 10000 ids");
const FOLDER = { kind: "folder", field: "folderId" } as const;

/** Folder membership: an integration is filed in at most one folder. */
const membersRouter = router({
  /** The integrations in a folder, ordered by their position, then name. */
  list: procedure("read")
    .input(z.object({ folderId: id }))
    .query(({ ctx, input }) => folderMembersOf(ctx.services.db, input.folderId)),

  /** Files an integration into the folder (moving it out of any other), appended last. */
  put: procedure("write", FOLDER)
    .input(z.object({ folderId: id, integrationId: id }))
    .mutation(({ ctx, input }) => putMember(ctx.services.db, input.folderId, input.integrationId)),

  remove: procedure("write", FOLDER)
    .input(z.object({ folderId: id, integrationId: id }))
    .mutation(({ ctx, input }) => removeMember(ctx.services.db, input.folderId, input.integrationId)),

  /** 1-based positions in the given order for those ids that are members; others are ignored. */
  reorder: procedure("write", FOLDER)
    .input(z.object({ folderId: id, integrationIds: ids }))
    .mutation(({ ctx, input }) => reorderMembers(ctx.services.db, input.folderId, input.integrationIds)),
});

export const foldersRouter = router({
  /** Every folder as a forest (roots with nested `children`), siblings by position, then name. */
  tree: procedure("read").query(({ ctx }) => folderTree(ctx.services.db)),

  /** A new folder, appended last among its siblings; no parentId (or null) makes a root folder. */
  create: procedure("write", { kind: "folder", field: "name" })
    .input(z.object({ name, parentId: id.nullish() }))
    .mutation(({ ctx, input }) => createFolder(ctx.services.db, input)),

  /** Rename and/or move: parentId omitted keeps the parent, null moves to the root. */
  update: procedure("write", { kind: "folder", field: "id" })
    .input(z.object({ id, name: name.optional(), parentId: id.nullable().optional() }))
    .mutation(({ ctx, input }) => updateFolder(ctx.services.db, input)),

  /** Child folders and memberships go with it; the integrations stay (unfiled). */
  delete: procedure("write", { kind: "folder", field: "id" })
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      const [row] = await ctx.services.db
        .delete(folders)
        .where(eq(folders.id, input.id))
        .returning({ id: folders.id });
      if (!row) throw notFound("folder");
      return row;
    }),

  /** 1-based positions in the given order for those ids whose parent is `parentId` (null: roots). */
  reorder: procedure("write", { kind: "folder", field: "parentId" })
    .input(z.object({ parentId: id.nullable(), folderIds: ids }))
    .mutation(({ ctx, input }) => reorderFolders(ctx.services.db, input.parentId, input.folderIds)),

  members: membersRouter,
});
