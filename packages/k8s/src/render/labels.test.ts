import { describe, expect, it } from "vitest";
import { deploymentLabels, MANAGED_SELECTOR, ownedBy, selectorLabels } from "./labels.ts";
import { deploymentName, internalServiceName, internalUrl, tlsSecretName, tokenSecretName } from "./names.ts";

const ID = "0b9f3c1e-5a7d-4c2b-9e8f-1a2b3c4d5e6f";

describe("labels", () => {
  it("gives every object the four labels", () => {
    expect(deploymentLabels({ deploymentId: ID, integrationId: "i-1" })).toEqual({
      "app.kubernetes.io/managed-by": "octo",
      "app.kubernetes.io/name": "octo-integration",
      "octo.dev/deployment-id": ID,
      "octo.dev/integration-id": "i-1",
    });
  });

  it("selects pods by immutable labels only", () => {
    expect(selectorLabels(ID)).toEqual({
      "app.kubernetes.io/name": "octo-integration",
      "octo.dev/deployment-id": ID,
    });
  });

  it("finds a deployment's objects by a label selector", () => {
    expect(ownedBy(ID)).toBe(`app.kubernetes.io/managed-by=octo,octo.dev/deployment-id=${ID}`);
    expect(ownedBy(ID).startsWith(MANAGED_SELECTOR)).toBe(true);
  });

  it("refuses values that are not label values", () => {
    expect(() => ownedBy("a,b=c")).toThrow(/label value/);
    expect(() => deploymentLabels({ deploymentId: ID, integrationId: "x".repeat(64) })).toThrow(
      /label value/,
    );
  });
});

describe("names", () => {
  it("derives names from the deployment id and slug", () => {
    expect(deploymentName(ID)).toBe(`octo-dep-${ID}`);
    expect(tokenSecretName(ID)).toBe(`octo-dep-${ID}-token`);
    expect(tlsSecretName(ID)).toBe(`octo-tls-${ID}`);
    expect(internalServiceName("orders")).toBe("octo-int-orders");
    expect(internalUrl("orders", "octo", 8080)).toBe("http://octo-int-orders.octo:8080");
  });

  it("refuses ids and slugs that cannot make a Service name", () => {
    expect(() => deploymentName("Upper")).toThrow(/lowercase/);
    expect(() => internalServiceName("-x")).toThrow();
    expect(() => internalServiceName("a".repeat(55))).toThrow(/54/);
    expect(internalServiceName("a".repeat(54))).toHaveLength(63);
  });
});
