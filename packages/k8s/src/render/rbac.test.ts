import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { renderRbac, renderRbacYaml } from "./rbac.ts";
import { RBAC_MANIFEST } from "./write-manifests.ts";

const rulesOf = (name: string) => {
  const role = renderRbac().find((o) => o.kind === "Role" && o.metadata?.name === name);
  if (!role) throw new Error(`no Role ${name}`);
  const { rules } = role.toJSON() as {
    rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  };
  // resource → verbs, flattened for comparison
  return Object.fromEntries(
    rules.flatMap((r) => r.resources.map((res) => [`${r.apiGroups[0]}/${res}`, r.verbs])),
  );
};

describe("rbac", () => {
  it("renders valid ServiceAccounts, Roles and RoleBindings", () => {
    const objects = renderRbac();
    for (const o of objects) o.validate();
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "ServiceAccount/octo-orchestrator",
      "Role/octo-orchestrator",
      "RoleBinding/octo-orchestrator",
      "ServiceAccount/octo-runtime",
      "Role/octo-runtime",
      "RoleBinding/octo-runtime",
    ]);
  });

  it("grants the orchestrator exactly the driver's verbs", () => {
    const manage = ["list", "create", "patch", "delete"];
    expect(rulesOf("octo-orchestrator")).toEqual({
      "/configmaps": manage,
      "/services": manage,
      "/secrets": manage,
      "apps/deployments": [...manage, "watch"],
      "networking.k8s.io/ingresses": manage,
      "networking.k8s.io/networkpolicies": manage,
      "/pods": ["list", "watch"],
      "/events": ["list", "watch"],
    });
  });

  it("grants runtime pods only leader election", () => {
    expect(rulesOf("octo-runtime")).toEqual({ "coordination.k8s.io/leases": ["get", "create", "update"] });
  });

  it("binds each Role to its ServiceAccount in the chosen namespace", () => {
    const binding = renderRbac({ namespace: "team-a" }).find((o) => o.kind === "RoleBinding");
    expect(binding?.toJSON()).toMatchObject({
      metadata: { namespace: "team-a" },
      roleRef: { kind: "Role", name: "octo-orchestrator" },
      subjects: [{ kind: "ServiceAccount", name: "octo-orchestrator", namespace: "team-a" }],
    });
  });

  it("renders multi-document YAML equal to the objects", () => {
    const docs = parseAllDocuments(renderRbacYaml()).map((d) => d.toJS());
    expect(docs).toEqual(renderRbac().map((o) => o.toJSON()));
  });

  it("matches the checked-in manifests/rbac.yaml (regenerate: node packages/k8s/src/render/write-manifests.ts)", () => {
    expect(readFileSync(RBAC_MANIFEST, "utf8")).toBe(renderRbacYaml());
  });
});
