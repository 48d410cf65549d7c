import { describe, expect, it } from "vitest";
import {
  auditListInput,
  canLoadMore,
  hasFilters,
  isForbidden,
  MAX_LIMIT,
  NO_FILTERS,
  nextLimit,
  PAGE_SIZE,
  sinceProblem,
} from "./audit-filters.ts";

describe("audit filters", () => {
  it("sends only the filters that are set, trimmed", () => {
    expect(auditListInput(NO_FILTERS, PAGE_SIZE)).toEqual({ limit: 100 });
    expect(auditListInput({ procedure: " secrets.set ", actorId: "", since: "" }, 200)).toEqual({
      limit: 200,
      procedure: "secrets.set",
    });
    expect(auditListInput({ procedure: "", actorId: "user-sub-1", since: "  " }, 100)).toEqual({
      limit: 100,
      actorId: "user-sub-1",
    });
  });

  it("turns the picked local time into the ISO instant the router expects", () => {
    const input = auditListInput({ procedure: "", actorId: "", since: "2025-03-04T05:06" }, 100);
    expect(input?.since).toBe(new Date(2025, 2, 4, 5, 6).toISOString());
    expect(input?.since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("refuses an unreadable date instead of dropping it silently", () => {
    expect(sinceProblem("yesterday-ish")).toBe("must be a date and time");
    expect(sinceProblem("")).toBeUndefined();
    expect(auditListInput({ procedure: "", actorId: "", since: "yesterday-ish" }, 100)).toBeUndefined();
  });

  it("keeps the limit inside the router's 1..500", () => {
    expect(auditListInput(NO_FILTERS, 900)?.limit).toBe(MAX_LIMIT);
    expect(auditListInput(NO_FILTERS, 0)?.limit).toBe(1);
  });

  it("knows whether any filter is set", () => {
    expect(hasFilters(NO_FILTERS)).toBe(false);
    expect(hasFilters({ ...NO_FILTERS, since: "2025-03-04T05:06" })).toBe(true);
  });
});

describe("loading more", () => {
  it("offers more only after a full page, up to the router's maximum", () => {
    expect(canLoadMore(100, 100)).toBe(true);
    expect(canLoadMore(42, 100)).toBe(false);
    expect(canLoadMore(500, 500)).toBe(false);
    expect(nextLimit(100)).toBe(200);
    expect(nextLimit(450)).toBe(500);
  });

  it("tells a refusal for lack of rights from other errors", () => {
    expect(
      isForbidden(Object.assign(new Error("this needs an admin role"), { data: { code: "FORBIDDEN" } })),
    ).toBe(true);
    expect(
      isForbidden(Object.assign(new Error("internal error"), { data: { code: "INTERNAL_SERVER_ERROR" } })),
    ).toBe(false);
    expect(isForbidden(null)).toBe(false);
  });
});
