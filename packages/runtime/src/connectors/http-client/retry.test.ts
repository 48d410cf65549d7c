// Backoff, Retry-After parsing and abortable waits of the http-client's retries.
import { describe, expect, it } from "vitest";
import {
  abortable,
  backoffMs,
  defaultRetryCondition,
  type RetryPolicy,
  retryAfterMs,
  sleep,
} from "./retry.ts";

const policy: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 1000,
  on: defaultRetryCondition,
};

describe("backoffMs", () => {
  it("stays between initialDelay and a doubling ceiling (full jitter)", () => {
    expect(backoffMs(policy, 1, () => 0)).toBe(100);
    expect(backoffMs(policy, 1, () => 1)).toBe(200);
    expect(backoffMs(policy, 2, () => 1)).toBe(400);
    expect(backoffMs(policy, 3, () => 0.5)).toBe(450);
  });

  it("never exceeds maxDelay, however many retries", () => {
    expect(backoffMs(policy, 4, () => 1)).toBe(1000);
    expect(backoffMs(policy, 500, () => 1)).toBe(1000);
    expect(backoffMs({ ...policy, initialDelayMs: 0 }, 3, () => 1)).toBe(0);
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads delta seconds and HTTP dates", () => {
    expect(retryAfterMs("2", now)).toBe(2000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0);
  });

  it("ignores a missing or unreadable header", () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs("-5", now)).toBeUndefined();
  });
});

describe("defaultRetryCondition", () => {
  it("retries no response, 429, 502, 503 and 504 only", () => {
    const msg = { body: null, vars: {}, eventID: "e", correlationID: "c" };
    const retried = [0, 200, 400, 401, 404, 429, 500, 502, 503, 504].filter((s) =>
      defaultRetryCondition(msg, s, ""),
    );
    expect(retried).toEqual([0, 429, 502, 503, 504]);
  });
});

describe("sleep and abortable", () => {
  it("reject with the signal's reason as soon as it aborts", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    const never = abortable(new Promise(() => {}), controller.signal);
    controller.abort(new Error("sibling failed"));
    await expect(waiting).rejects.toThrow("sibling failed");
    await expect(never).rejects.toThrow("sibling failed");
  });

  it("settle normally without an abort", async () => {
    await expect(sleep(1, new AbortController().signal)).resolves.toBeUndefined();
    await expect(abortable(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(abortable(Promise.reject(new Error("x")), undefined)).rejects.toThrow("x");
  });
});
