import { describe, expect, it } from "vitest";
import { countDeployments, createIntegrationPayload, formatWhen, requiredError } from "./forms.ts";

describe("requiredError", () => {
  it("refuses blank and whitespace-only values", () => {
    expect(requiredError("")).toBe("is required");
    expect(requiredError("   ")).toBe("is required");
    expect(requiredError(" x ")).toBeUndefined();
  });
});

describe("createIntegrationPayload", () => {
  it("trims the name and leaves out a blank definition", () => {
    expect(createIntegrationPayload({ name: "  Orders ", definition: "  \n" })).toEqual({ name: "Orders" });
  });

  it("sends a typed definition exactly as typed", () => {
    const definition = "flows:\n  - name: a\n";
    expect(createIntegrationPayload({ name: "Orders", definition })).toEqual({ name: "Orders", definition });
  });
});

describe("countDeployments", () => {
  it("says the count in words", () => {
    expect(countDeployments(0)).toBe("no deployments");
    expect(countDeployments(1)).toBe("1 deployment");
    expect(countDeployments(4)).toBe("4 deployments");
  });
});

describe("formatWhen", () => {
  it("shows text that is not a date as it came", () => {
    expect(formatWhen("not a date")).toBe("not a date");
    expect(formatWhen("2025-01-02T03:04:05Z")).not.toBe("2025-01-02T03:04:05Z");
  });
});
