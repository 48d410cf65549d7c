import { describe, expect, it } from "vitest";
import {
  apiKeyCreateInput,
  apiKeyProblems,
  DEFAULT_EXPIRY_DAYS,
  EXPIRY_CHOICES,
  keyDisplay,
  scopesOffered,
} from "./api-key-form.ts";

describe("API key form", () => {
  it("offers write keys only to callers who may write", () => {
    expect(scopesOffered(true)).toEqual(["read", "write"]);
    expect(scopesOffered(false)).toEqual(["read"]);
  });

  it("maps the expiry choice to the router's ttlDays, within its 1..365 range", () => {
    expect(EXPIRY_CHOICES.map((c) => c.days)).toEqual([7, 30, 90, 365]);
    expect(DEFAULT_EXPIRY_DAYS).toBe(30);
    expect(apiKeyCreateInput({ name: " CI ", scope: "read", expiryDays: 90 }, false)).toEqual({
      name: "CI",
      scope: "read",
      ttlDays: 90,
    });
    expect(apiKeyCreateInput({ name: "deploy bot", scope: "write", expiryDays: 365 }, true)).toEqual({
      name: "deploy bot",
      scope: "write",
      ttlDays: 365,
    });
  });

  it("refuses what the orchestrator would refuse", () => {
    expect(apiKeyProblems({ name: "  ", scope: "read", expiryDays: 30 }, true)).toEqual({
      name: "is required",
    });
    expect(apiKeyProblems({ name: "x".repeat(201), scope: "read", expiryDays: 30 }, true).name).toMatch(
      /200/,
    );
    expect(apiKeyProblems({ name: "CI", scope: "write", expiryDays: 30 }, false)).toEqual({
      scope: "you may only create read keys",
    });
    expect(apiKeyProblems({ name: "CI", scope: "read", expiryDays: 400 }, true).expiryDays).toBeTruthy();
    expect(apiKeyCreateInput({ name: "CI", scope: "write", expiryDays: 30 }, false)).toBeUndefined();
  });

  it("shows a key by its prefix and last four characters", () => {
    expect(keyDisplay("octo_ab", "wxyz")).toBe("octo_ab…wxyz");
  });
});
