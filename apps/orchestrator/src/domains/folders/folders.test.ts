// Folders through the typed client: the tree, sibling order, moves (no cycles), membership
// (one folder per integration, appended last), and cascades on delete.
import { auditEvents, folderMembers } from "@octo/db";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "../../../test/orchestrator.ts";

let orch: TestOrchestrator;
beforeAll(async () => {
  orch = await startTestOrchestrator();
}, 60_000);
afterAll(() => orch?.close());

const names = (nodes: { name: string; children: unknown[] }[]): unknown =>
  nodes.map((n) =>
    n.children.length ? { [n.name]: names(n.children as { name: string; children: unknown[] }[]) } : n.name,
  );

it("builds a forest ordered by position then name, appends new folders last, and reorders", async () => {
  const api = orch.client();
  const b = await api.folders.create.mutate({ name: "B" });
  const a = await api.folders.create.mutate({ name: "A" });
  expect([b.position, a.position]).toEqual([0, 1]);
  const a1 = await api.folders.create.mutate({ name: "A1", parentId: a.id });
  const a0 = await api.folders.create.mutate({ name: "A0", parentId: a.id });
  await api.folders.create.mutate({ name: "deep", parentId: a1.id });
  expect(names(await api.folders.tree.query())).toEqual(["B", { A: [{ A1: ["deep"] }, "A0"] }]);

  // Reorder: only ids under the given parent move; others are ignored.
  const result = await api.folders.reorder.mutate({ parentId: a.id, folderIds: [a0.id, a1.id, b.id] });
  expect(result).toEqual({ updated: 2 });
  await api.folders.reorder.mutate({ parentId: null, folderIds: [a.id, b.id] });
  expect(names(await api.folders.tree.query())).toEqual([{ A: ["A0", { A1: ["deep"] }] }, "B"]);

  const tree = await api.folders.tree.query();
  expect(tree[0]?.parentId).toBeNull();
  expect(tree[0]?.children[0]).toMatchObject({ name: "A0", parentId: a.id, position: 1 });
});

it("maps a sibling name clash to CONFLICT and an unknown parent to NOT_FOUND", async () => {
  const api = orch.client();
  const root = await api.folders.create.mutate({ name: "Clash" });
  await expect(api.folders.create.mutate({ name: "Clash" })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
  });
  // The same name under another parent is fine.
  const child = await api.folders.create.mutate({ name: "Clash", parentId: root.id });
  await expect(api.folders.update.mutate({ id: child.id, parentId: null })).rejects.toMatchObject({
    data: { code: "CONFLICT" },
  });
  await expect(
    api.folders.create.mutate({ name: "Orphan", parentId: "00000000-0000-4000-8000-000000000000" }),
  ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  await expect(api.folders.create.mutate({ name: "x", parentId: "nope" })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
  });
});

it("renames and moves, refusing its own parent and cycles", async () => {
  const api = orch.client();
  const top = await api.folders.create.mutate({ name: "Top" });
  const mid = await api.folders.create.mutate({ name: "Mid", parentId: top.id });
  const low = await api.folders.create.mutate({ name: "Low", parentId: mid.id });
  const other = await api.folders.create.mutate({ name: "Other" });
  await api.folders.create.mutate({ name: "First", parentId: other.id });

  await expect(api.folders.update.mutate({ id: top.id, parentId: top.id })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
    message: "a folder cannot be its own parent",
  });
  await expect(api.folders.update.mutate({ id: top.id, parentId: low.id })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
    message: "the move would create a cycle",
  });
  await expect(
    api.folders.update.mutate({ id: top.id, parentId: "00000000-0000-4000-8000-000000000000" }),
  ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });

  const renamed = await api.folders.update.mutate({ id: mid.id, name: "Middle" });
  expect(renamed).toMatchObject({ name: "Middle", parentId: top.id });
  // Moved under Other: appended after its existing child; renamed in the same call.
  const moved = await api.folders.update.mutate({ id: mid.id, parentId: other.id, name: "Moved" });
  expect(moved).toMatchObject({ name: "Moved", parentId: other.id, position: 1 });
  const tree = await api.folders.tree.query();
  expect(names(tree.filter((n) => n.name === "Other" || n.name === "Top"))).toEqual([
    "Top",
    { Other: ["First", { Moved: ["Low"] }] },
  ]);
  // Back to the root.
  expect(await api.folders.update.mutate({ id: low.id, parentId: null })).toMatchObject({ parentId: null });
  await expect(
    api.folders.update.mutate({ id: "00000000-0000-4000-8000-000000000000", name: "x" }),
  ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
});

it("files integrations in one folder at a time, appended last, and reorders them", async () => {
  const api = orch.client();
  const left = await api.folders.create.mutate({ name: "Left" });
  const right = await api.folders.create.mutate({ name: "Right" });
  const [x, y, z] = await Promise.all(
    ["x-int", "y-int", "z-int"].map((name) => api.integrations.create.mutate({ name })),
  );
  if (!x || !y || !z) throw new Error("unreachable");
  for (const i of [z, x, y]) await api.folders.members.put.mutate({ folderId: left.id, integrationId: i.id });
  expect((await api.folders.members.list.query({ folderId: left.id })).map((m) => m.name)).toEqual([
    "z-int",
    "x-int",
    "y-int",
  ]);

  await api.folders.members.reorder.mutate({ folderId: left.id, integrationIds: [x.id, y.id, z.id] });
  expect((await api.folders.members.list.query({ folderId: left.id })).map((m) => m.name)).toEqual([
    "x-int",
    "y-int",
    "z-int",
  ]);

  // Putting it into another folder moves it there.
  await api.folders.members.put.mutate({ folderId: right.id, integrationId: x.id });
  expect((await api.folders.members.list.query({ folderId: left.id })).map((m) => m.name)).toEqual([
    "y-int",
    "z-int",
  ]);
  expect((await api.folders.members.list.query({ folderId: right.id })).map((m) => m.name)).toEqual([
    "x-int",
  ]);

  await api.folders.members.remove.mutate({ folderId: left.id, integrationId: y.id });
  await expect(
    api.folders.members.remove.mutate({ folderId: left.id, integrationId: y.id }),
  ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  await expect(
    api.folders.members.put.mutate({
      folderId: left.id,
      integrationId: "00000000-0000-4000-8000-000000000000",
    }),
  ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  await expect(
    api.folders.members.list.query({ folderId: "00000000-0000-4000-8000-000000000000" }),
  ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });

  // Deleting an integration inside a folder works; its membership goes with it.
  await api.integrations.delete.mutate({ id: z.id });
  expect((await api.folders.members.list.query({ folderId: left.id })).map((m) => m.name)).toEqual([]);
});

it("deletes a folder with its subfolders and memberships, keeping the integrations", async () => {
  const api = orch.client();
  const parent = await api.folders.create.mutate({ name: "Doomed" });
  const child = await api.folders.create.mutate({ name: "Child", parentId: parent.id });
  const kept = await api.integrations.create.mutate({ name: "kept" });
  await api.folders.members.put.mutate({ folderId: child.id, integrationId: kept.id });

  expect(await api.folders.delete.mutate({ id: parent.id })).toEqual({ id: parent.id });
  const all = JSON.stringify(await api.folders.tree.query());
  expect(all).not.toContain(parent.id);
  expect(all).not.toContain(child.id);
  expect(await api.integrations.get.query({ id: kept.id })).toMatchObject({ name: "kept" });
  const rows = await orch.services.db.select().from(folderMembers);
  expect(rows.some((r) => r.integrationId === kept.id)).toBe(false);
  await expect(api.folders.delete.mutate({ id: parent.id })).rejects.toMatchObject({
    data: { code: "NOT_FOUND" },
  });

  const audit = await orch.services.db.select().from(auditEvents);
  expect(
    audit.filter((a) => a.procedure === "folders.delete").map((a) => [a.targetKind, a.targetId]),
  ).toEqual([
    ["folder", parent.id],
    ["folder", parent.id],
  ]);
  expect(audit.some((a) => a.procedure === "folders.members.put" && a.targetId === child.id)).toBe(true);
});
