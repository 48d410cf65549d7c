// Route paths and the segment trie: parsing, precedence, params, methods, removal.
import { describe, expect, it } from "vitest";
import { parseRoutePath, Router, type Segment, splitRequestPath } from "./router.ts";

function segments(path: string): Segment[] {
  const parsed = parseRoutePath(path);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.segments;
}

describe("parseRoutePath", () => {
  it("reads literals and {params}; one trailing slash is ignored; literals are percent-decoded", () => {
    expect(parseRoutePath("/orders/{id}/items/")).toEqual({
      ok: true,
      segments: [
        { param: false, text: "orders" },
        { param: true, name: "id" },
        { param: false, text: "items" },
      ],
      params: ["id"],
    });
    expect(parseRoutePath("/")).toEqual({ ok: true, segments: [], params: [] });
    expect(parseRoutePath("/caf%C3%A9")).toMatchObject({
      ok: true,
      segments: [{ param: false, text: "café" }],
    });
  });

  it("rejects what cannot be a route, saying why", () => {
    expect(parseRoutePath("orders")).toEqual({ ok: false, reason: '"orders" must start with "/"' });
    expect(parseRoutePath("/a//b")).toEqual({ ok: false, reason: '"/a//b" has an empty segment (//)' });
    expect(parseRoutePath("/a?x=1")).toMatchObject({ ok: false, reason: expect.stringMatching(/query/) });
    expect(parseRoutePath("/a/{1x}")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a parameter/),
    });
    expect(parseRoutePath("/a/{id}.json")).toMatchObject({ ok: false });
    expect(parseRoutePath("/{a}/{a}")).toEqual({ ok: false, reason: "parameter {a} appears twice" });
    expect(parseRoutePath("/%E0%A4%A")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/percent/),
    });
    expect(parseRoutePath("/v/{x}", { params: false })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/cannot have parameters/),
    });
  });
});

describe("splitRequestPath", () => {
  it("splits, drops one trailing slash, decodes each segment after splitting", () => {
    expect(splitRequestPath("/")).toEqual([]);
    expect(splitRequestPath("/a/b/")).toEqual(["a", "b"]);
    expect(splitRequestPath("/a%2Fb/c%20d")).toEqual(["a/b", "c d"]);
    expect(splitRequestPath("/a//b")).toEqual(["a", "", "b"]);
    expect(splitRequestPath("/bad%zz")).toBeUndefined();
  });
});

describe("Router", () => {
  const router = () => {
    const r = new Router<string>();
    r.add(segments("/orders"), "GET", "list");
    r.add(segments("/orders"), "POST", "create");
    r.add(segments("/orders/{id}"), "GET", "get");
    r.add(segments("/orders/new"), "GET", "form");
    r.add(segments("/orders/{id}/items/{item}"), undefined, "item");
    r.add(segments("/files/{name}/raw"), "GET", "raw");
    r.add(segments("/files/latest/{part}"), "GET", "latest");
    r.add(segments("/"), "GET", "root");
    return r;
  };
  const match = (r: Router<string>, method: string, path: string) =>
    r.match(method, splitRequestPath(path) ?? []);

  it("matches literals before params and binds params in order", () => {
    const r = router();
    expect(match(r, "GET", "/orders/new")).toEqual({ kind: "found", value: "form", params: [] });
    expect(match(r, "GET", "/orders/7")).toEqual({ kind: "found", value: "get", params: ["7"] });
    expect(match(r, "PATCH", "/orders/7/items/x")).toEqual({
      kind: "found",
      value: "item",
      params: ["7", "x"],
    });
    expect(match(r, "GET", "/")).toEqual({ kind: "found", value: "root", params: [] });
  });

  it("backtracks from a literal branch that has no route to a parameter branch", () => {
    const r = router();
    expect(match(r, "GET", "/files/latest/raw")).toEqual({ kind: "found", value: "latest", params: ["raw"] });
    expect(match(r, "GET", "/files/latest")).toEqual({ kind: "none" });
    expect(match(r, "GET", "/files/a/raw")).toEqual({ kind: "found", value: "raw", params: ["a"] });
  });

  it("HEAD falls back to GET; a known path with another method lists what it allows", () => {
    const r = router();
    expect(match(r, "HEAD", "/orders")).toEqual({ kind: "found", value: "list", params: [] });
    expect(match(r, "DELETE", "/orders")).toEqual({ kind: "method", allow: ["GET", "HEAD", "POST"] });
    expect(match(r, "DELETE", "/orders/new")).toEqual({ kind: "method", allow: ["GET", "HEAD"] });
    expect(match(r, "GET", "/nothing")).toEqual({ kind: "none" });
    expect(match(r, "GET", "/orders//items/x")).toEqual({ kind: "none" });
  });

  it("matches from an offset (after a base path)", () => {
    const r = router();
    expect(r.match("GET", ["api", "orders", "9"], 1)).toEqual({ kind: "found", value: "get", params: ["9"] });
  });

  it("reports a route of the same shape and method; removing one keeps the others", () => {
    const r = router();
    expect(r.add(segments("/orders/{key}"), "GET", "again")).toBe("get");
    expect(r.add(segments("/orders/{key}"), "PUT", "put")).toBeUndefined();
    r.remove("get");
    expect(match(r, "GET", "/orders/7")).toEqual({ kind: "method", allow: ["PUT"] });
    expect(match(r, "GET", "/orders/new")).toEqual({ kind: "found", value: "form", params: [] });
    expect(r.values()).not.toContain("get");
  });
});
