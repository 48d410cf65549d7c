import { describe, expect, it } from "vitest";
import { renderSecretKey, renderSecretKeyRemoval, renderTokenSecret, secretFieldManager } from "./secrets.ts";

describe("secrets", () => {
  it("sets one key of octo-secrets, base64 in data", () => {
    const s = renderSecretKey("octo", "STRIPE_KEY", "sk_live_ü");
    s.validate();
    expect(s.toJSON()).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "octo-secrets",
        namespace: "octo",
        labels: { "app.kubernetes.io/managed-by": "octo" },
      },
      type: "Opaque",
      data: { STRIPE_KEY: Buffer.from("sk_live_ü").toString("base64") },
    });
    expect(Object.keys(s.data ?? {})).toEqual(["STRIPE_KEY"]);
  });

  it("removes a key with a null in a merge patch", () => {
    expect(renderSecretKeyRemoval("octo", "STRIPE_KEY").data).toEqual({ STRIPE_KEY: null });
  });

  it("refuses keys the API server would refuse", () => {
    expect(() => renderSecretKey("octo", "A B", "v")).toThrow(/Secret key/);
    expect(() => renderSecretKeyRemoval("octo", "a/b")).toThrow(/Secret key/);
    expect(secretFieldManager("A_B")).toBe("octo-secret-A_B");
  });

  it("renders the per-deployment token Secret with the deployment labels", () => {
    const s = renderTokenSecret({ namespace: "octo", deploymentId: "d1", integrationId: "i1", token: "t0k" });
    s.validate();
    expect(s.metadata?.name).toBe("octo-dep-d1-token");
    expect(s.metadata?.labels?.["octo.dev/deployment-id"]).toBe("d1");
    expect(s.data).toEqual({ token: Buffer.from("t0k").toString("base64") });
    expect(() =>
      renderTokenSecret({ namespace: "octo", deploymentId: "d1", integrationId: "i1", token: "" }),
    ).toThrow();
  });
});
