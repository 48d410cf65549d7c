import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Deadlines } from "./deadlines.ts";

describe("Deadlines", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sweeps a tenth of the limit, between 10 ms and 1 s", () => {
    expect(new Deadlines(50).sweepMs).toBe(10);
    expect(new Deadlines(2_000).sweepMs).toBe(200);
    expect(new Deadlines(300_000).sweepMs).toBe(1_000);
  });

  it("expires a request that is still waiting after its limit, in arrival order, and only once", () => {
    const deadlines = new Deadlines(100);
    const expired: string[] = [];
    deadlines.start(() => expired.push("a"));
    vi.advanceTimersByTime(40);
    deadlines.start(() => expired.push("b"));
    vi.advanceTimersByTime(59);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(11);
    expect(expired).toEqual(["a"]);
    vi.advanceTimersByTime(40);
    expect(expired).toEqual(["a", "b"]);
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual(["a", "b"]);
    expect(deadlines.size).toBe(0);
  });

  it("never expires a cancelled request, and stops sweeping when nothing waits", () => {
    const deadlines = new Deadlines(100);
    const expire = vi.fn();
    const d = deadlines.start(expire);
    vi.advanceTimersByTime(50);
    deadlines.cancel(d);
    vi.advanceTimersByTime(500);
    expect(expire).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
