// URL path → what is being addressed: a discovery document or a resource (collection/object).

import { byPath, type ResourceType } from "./resources.ts";

export type Route =
  | { type: "discovery"; group: string; version: string }
  | { type: "versions" }
  | { type: "groups" }
  | {
      type: "resource";
      rt: ResourceType;
      /** undefined for cluster-scoped types and all-namespaces collections. */
      namespace: string | undefined;
      name: string | undefined;
      subresource: string | undefined;
    }
  | { type: "unknown" };

export function parsePath(pathname: string): Route {
  const seg = pathname
    .split("/")
    .filter((s) => s !== "")
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === "api") {
    if (seg.length === 1) return { type: "versions" };
    group = "";
    version = seg[1] ?? "";
    rest = seg.slice(2);
  } else if (seg[0] === "apis") {
    if (seg.length === 1) return { type: "groups" };
    if (seg.length === 2) return { type: "unknown" };
    group = seg[1] ?? "";
    version = seg[2] ?? "";
    rest = seg.slice(3);
  } else return { type: "unknown" };
  if (rest.length === 0) return { type: "discovery", group, version };

  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = "", name, subresource, ...extra] = rest;
  const rt = byPath(group, version, resource);
  if (!rt || extra.length > 0) return { type: "unknown" };
  // A namespaced object must be addressed through its namespace; cluster-scoped ones never are.
  if (rt.namespaced && namespace === undefined && name !== undefined) return { type: "unknown" };
  if (!rt.namespaced && namespace !== undefined) return { type: "unknown" };
  return { type: "resource", rt, namespace, name, subresource };
}
