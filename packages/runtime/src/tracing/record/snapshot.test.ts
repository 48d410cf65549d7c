import { describe, expect, it } from "vitest";
import { newMessage } from "../../engine/message.ts";
import { copier, snapshot } from "./snapshot.ts";

describe("copier", () => {
  it("copies: later changes to the message do not reach the snapshot", () => {
    const msg = newMessage({ items: [1, 2] }, { vars: { n: { deep: true } } });
    const snap = snapshot(msg, copier([]));
    (msg.body as { items: number[] }).items.push(3);
    (msg.vars.n as { deep: boolean }).deep = false;
    expect(snap).toEqual({ body: { items: [1, 2] }, vars: { n: { deep: true } } });
  });

  it("redacts secret values wherever they appear, keys and escaped strings included", () => {
    const copy = copier(["s3cr3t-token", 'pa"ss\\word']);
    expect(
      copy({
        auth: "Bearer s3cr3t-token",
        "s3cr3t-token": 1,
        nested: [{ quoted: 'x pa"ss\\word y' }],
      }),
    ).toEqual({ auth: "Bearer [REDACTED]", "[REDACTED]": 1, nested: [{ quoted: "x [REDACTED] y" }] });
  });

  it("keeps the start of a value past the bound, redacted, with its size", () => {
    const copy = copier(["hidden-value"], 100);
    const big = { text: `hidden-value ${"a".repeat(500)}` };
    const out = copy(big) as { $truncated: string; $bytes: number };
    expect(out.$bytes).toBe(JSON.stringify(big).length);
    expect(out.$truncated.startsWith('{"text":"[REDACTED] aaa')).toBe(true);
    expect(out.$truncated).not.toContain("hidden-value");
  });

  it("says what it could not copy instead of failing the step", () => {
    const copy = copier([]);
    expect(copy(undefined)).toBeNull();
    expect(copy({ n: 1n })).toMatchObject({ $truncated: expect.stringMatching(/not JSON/) });
  });
});
