// The resource table the fake serves, plus the discovery documents KubernetesObjectApi reads
// (it GETs /api/v1 or /apis/{group}/{version} to map a kind to its plural and scope).

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Has a status subresource: main-resource writes keep the stored status, like the real API. */
  readonly hasStatus: boolean;
  readonly shortNames?: readonly string[];
}

const r = (
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  hasStatus: boolean,
  shortNames?: readonly string[],
): ResourceType => ({
  group,
  version,
  resource,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  hasStatus,
  ...(shortNames ? { shortNames } : {}),
});

export const RESOURCES: readonly ResourceType[] = [
  r("", "v1", "namespaces", "Namespace", false, true, ["ns"]),
  r("", "v1", "configmaps", "ConfigMap", true, false, ["cm"]),
  r("", "v1", "secrets", "Secret", true, false),
  r("", "v1", "services", "Service", true, true, ["svc"]),
  r("", "v1", "pods", "Pod", true, true, ["po"]),
  r("", "v1", "events", "Event", true, false, ["ev"]),
  r("apps", "v1", "deployments", "Deployment", true, true, ["deploy"]),
  r("networking.k8s.io", "v1", "ingresses", "Ingress", true, true, ["ing"]),
  r("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false, ["netpol"]),
  r("coordination.k8s.io", "v1", "leases", "Lease", true, false),
];

export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

export function byPath(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCES.find((x) => x.group === group && x.version === version && x.resource === resource);
}

export function byKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((x) => apiVersionOf(x) === apiVersion && x.kind === kind);
}

/**
 * Resolve a loose test-side reference: "Deployment", "deployments", "deploy", "apps/v1/Deployment",
 * "apps/v1/deployments" or a collection path such as "/apis/apps/v1/deployments".
 */
export function resolveType(ref: string): ResourceType {
  const cleaned = ref.replace(/^\/?apis?\//, "").replace(/^\//, "");
  const parts = cleaned.split("/");
  const last = (parts.at(-1) ?? "").toLowerCase();
  const prefix = parts.slice(0, -1).join("/");
  const found = RESOURCES.find(
    (x) =>
      (prefix === "" || prefix === apiVersionOf(x)) &&
      (x.kind.toLowerCase() === last ||
        x.resource === last ||
        x.singular === last ||
        (x.shortNames ?? []).includes(last)),
  );
  if (!found) throw new Error(`fake api server: unknown resource type ${JSON.stringify(ref)}`);
  return found;
}

const VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];

export function resourceList(group: string, version: string): object | undefined {
  const types = RESOURCES.filter((x) => x.group === group && x.version === version);
  if (types.length === 0) return undefined;
  const resources: object[] = [];
  for (const x of types) {
    resources.push({
      name: x.resource,
      singularName: x.singular,
      namespaced: x.namespaced,
      kind: x.kind,
      verbs: VERBS,
      ...(x.shortNames ? { shortNames: x.shortNames } : {}),
    });
    if (x.hasStatus) {
      resources.push({
        name: `${x.resource}/status`,
        singularName: "",
        namespaced: x.namespaced,
        kind: x.kind,
        verbs: ["get", "patch", "update"],
      });
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

export function coreVersions(): object {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
}

export function groupList(): object {
  const groups = [...new Set(RESOURCES.filter((x) => x.group).map((x) => `${x.group}/${x.version}`))];
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groups.map((gv) => {
      const [name = "", version = ""] = gv.split("/");
      const v = { groupVersion: gv, version };
      return { name, versions: [v], preferredVersion: v };
    }),
  };
}
