import { describe, expect, it } from "vitest";
import {
  canMove,
  descendantIds,
  type FolderNode,
  filterByName,
  findFolder,
  flattenTree,
  folderReorder,
  matchesSearch,
  moveInOrder,
  moveTargets,
  sortTree,
} from "./folder-tree.ts";

const folder = (
  id: string,
  name: string,
  position: number,
  parentId: string | null,
  children: FolderNode[] = [],
): FolderNode => ({ id, name, position, parentId, children });

// Roots deliberately out of order: Billing (position 1) before Archive (position 0) on the wire.
//   Archive
//   Billing
//     Invoices
//       Overdue
//     Payments
//   Crm
const tree: FolderNode[] = [
  folder("billing", "Billing", 1, null, [
    folder("payments", "Payments", 1, "billing"),
    folder("invoices", "Invoices", 0, "billing", [folder("overdue", "Overdue", 0, "invoices")]),
  ]),
  folder("archive", "Archive", 0, null),
  folder("crm", "Crm", 2, null),
];

describe("sortTree / flattenTree", () => {
  it("orders siblings by position at every level without changing the input", () => {
    const sorted = sortTree(tree);
    expect(sorted.map((f) => f.id)).toEqual(["archive", "billing", "crm"]);
    expect(sorted[1]?.children.map((f) => f.id)).toEqual(["invoices", "payments"]);
    expect(tree.map((f) => f.id)).toEqual(["billing", "archive", "crm"]);
  });

  it("breaks equal positions by name", () => {
    const tied = [folder("b", "Beta", 0, null), folder("a", "Alpha", 0, null)];
    expect(sortTree(tied).map((f) => f.name)).toEqual(["Alpha", "Beta"]);
  });

  it("flattens depth-first with depth and path", () => {
    expect(flattenTree(tree).map((f) => [f.id, f.depth, f.path])).toEqual([
      ["archive", 0, "Archive"],
      ["billing", 0, "Billing"],
      ["invoices", 1, "Billing / Invoices"],
      ["overdue", 2, "Billing / Invoices / Overdue"],
      ["payments", 1, "Billing / Payments"],
      ["crm", 0, "Crm"],
    ]);
  });
});

describe("findFolder / descendantIds", () => {
  it("finds nested folders and nothing for an unknown id", () => {
    expect(findFolder(tree, "overdue")?.name).toBe("Overdue");
    expect(findFolder(tree, "nope")).toBeUndefined();
  });

  it("collects every folder below, not the folder itself", () => {
    const billing = findFolder(tree, "billing") as FolderNode;
    expect([...descendantIds(billing)].sort()).toEqual(["invoices", "overdue", "payments"]);
  });
});

describe("moveInOrder", () => {
  it("swaps with the neighbour above or below", () => {
    expect(moveInOrder(["a", "b", "c"], "b", "up")).toEqual(["b", "a", "c"]);
    expect(moveInOrder(["a", "b", "c"], "b", "down")).toEqual(["a", "c", "b"]);
  });

  it("refuses to move past either end or an id that is not there", () => {
    expect(moveInOrder(["a", "b"], "a", "up")).toBeUndefined();
    expect(moveInOrder(["a", "b"], "b", "down")).toBeUndefined();
    expect(moveInOrder(["a", "b"], "x", "up")).toBeUndefined();
  });
});

describe("folderReorder", () => {
  it("gives the parent and the siblings' new order (top level: null)", () => {
    expect(folderReorder(tree, "billing", "up")).toEqual({
      parentId: null,
      folderIds: ["billing", "archive", "crm"],
    });
    expect(folderReorder(tree, "invoices", "down")).toEqual({
      parentId: "billing",
      folderIds: ["payments", "invoices"],
    });
  });

  it("is undefined at the edges and for an only child", () => {
    expect(folderReorder(tree, "archive", "up")).toBeUndefined();
    expect(folderReorder(tree, "crm", "down")).toBeUndefined();
    expect(canMove(tree, "overdue")).toEqual({ up: false, down: false });
    expect(canMove(tree, "billing")).toEqual({ up: true, down: true });
  });
});

describe("moveTargets", () => {
  it("offers every folder except the moved one and its descendants", () => {
    expect(moveTargets(tree, "billing").map((f) => f.id)).toEqual(["archive", "crm"]);
    expect(moveTargets(tree, "invoices").map((f) => f.id)).toEqual(["archive", "billing", "payments", "crm"]);
  });

  it("offers nothing for an unknown folder", () => {
    expect(moveTargets(tree, "nope")).toEqual([]);
  });
});

describe("search", () => {
  it("matches case-insensitively anywhere in the name; blank matches all", () => {
    expect(matchesSearch("Order Sync", "sync")).toBe(true);
    expect(matchesSearch("Order Sync", "  ORDER ")).toBe(true);
    expect(matchesSearch("Order Sync", "invoice")).toBe(false);
    expect(matchesSearch("anything", "   ")).toBe(true);
  });

  it("filters items by name, keeping their order", () => {
    const items = [{ name: "Shop orders" }, { name: "CRM import" }, { name: "Orders archive" }];
    expect(filterByName(items, "order").map((i) => i.name)).toEqual(["Shop orders", "Orders archive"]);
  });
});
