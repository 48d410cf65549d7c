import { describe, expect, it } from "vitest";
import {
  afterDelete,
  canSaveSecret,
  deleteRequest,
  isInUse,
  normalizeSecretName,
  secretNameProblem,
  startDelete,
} from "./secret-form.ts";

const conflict = (message: string) => Object.assign(new Error(message), { data: { code: "CONFLICT" } });

describe("secret names", () => {
  it("uppercases and trims what is typed", () => {
    expect(normalizeSecretName(" api_token ")).toBe("API_TOKEN");
  });

  it("mirrors the orchestrator's rule and refuses duplicates", () => {
    expect(secretNameProblem("", [])).toBe("is required");
    expect(secretNameProblem("API_TOKEN", [])).toBeUndefined();
    expect(secretNameProblem("_X1", [])).toBeUndefined();
    expect(secretNameProblem("1TOKEN", [])).toMatch(/UPPER_SNAKE_CASE/);
    expect(secretNameProblem("API-TOKEN", [])).toMatch(/UPPER_SNAKE_CASE/);
    expect(secretNameProblem("A".repeat(129), [])).toBe("must be at most 128 characters");
    expect(secretNameProblem("API_TOKEN", ["API_TOKEN"])).toMatch(/already exists/);
  });

  it("offers Save only with a value and, when creating, a usable name", () => {
    const create = { kind: "create" } as const;
    expect(canSaveSecret(create, "API_TOKEN", false, [])).toBe(false);
    expect(canSaveSecret(create, "api-token", true, [])).toBe(false);
    expect(canSaveSecret(create, "API_TOKEN", true, ["API_TOKEN"])).toBe(false);
    expect(canSaveSecret(create, "API_TOKEN", true, [])).toBe(true);
    // Updating an existing secret: the name is fixed and of course already listed.
    expect(canSaveSecret({ kind: "update", name: "API_TOKEN" }, "API_TOKEN", true, ["API_TOKEN"])).toBe(true);
    expect(canSaveSecret({ kind: "update", name: "API_TOKEN" }, "API_TOKEN", false, ["API_TOKEN"])).toBe(
      false,
    );
  });
});

describe("the delete flow", () => {
  it("opens on the in-use warning when the list shows deployments binding the secret", () => {
    expect(startDelete({ name: "API_TOKEN", usedBy: [] })).toEqual({ step: "confirm", name: "API_TOKEN" });
    expect(startDelete({ name: "API_TOKEN", usedBy: [{ id: "d-1", name: "shop" }] })).toEqual({
      step: "in-use",
      name: "API_TOKEN",
    });
  });

  it("recognizes the orchestrator's in-use answer by its CONFLICT code", () => {
    expect(isInUse(conflict("secret is in use by a deployment: d-1, d-2"))).toBe(true);
    expect(isInUse(conflict("in use"))).toBe(true);
    expect(isInUse(Object.assign(new Error("secret not found"), { data: { code: "NOT_FOUND" } }))).toBe(
      false,
    );
    expect(isInUse(new Error("secret is in use by a deployment: d-1"))).toBe(false);
    expect(isInUse(undefined)).toBe(false);
  });

  it("sends force only from the in-use step", () => {
    expect(deleteRequest({ step: "closed" })).toBeUndefined();
    expect(deleteRequest({ step: "confirm", name: "API_TOKEN" })).toEqual({
      name: "API_TOKEN",
      force: false,
    });
    expect(deleteRequest({ step: "in-use", name: "API_TOKEN" })).toEqual({
      name: "API_TOKEN",
      force: true,
    });
  });

  it("moves to in-use only when the server says so, and closes on success", () => {
    const confirm = { step: "confirm", name: "API_TOKEN" } as const;
    const inUse = afterDelete(confirm, {
      ok: false,
      error: conflict("secret is in use by a deployment: d-1"),
    });
    expect(inUse).toEqual({ step: "in-use", name: "API_TOKEN" });
    const forbidden = Object.assign(new Error("this needs an admin role"), { data: { code: "FORBIDDEN" } });
    expect(afterDelete(confirm, { ok: false, error: forbidden })).toEqual(confirm);
    // A forced delete that fails stays on its step (showing the error); it never loops.
    expect(afterDelete(inUse, { ok: false, error: conflict("secret is in use by a deployment: d-2") })).toBe(
      inUse,
    );
    expect(afterDelete(inUse, { ok: true })).toEqual({ step: "closed" });
    expect(afterDelete(confirm, { ok: true })).toEqual({ step: "closed" });
  });
});
