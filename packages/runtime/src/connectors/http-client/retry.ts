import type { Message } from "../../engine/message.ts";

/** Decides whether a failed attempt is retried: `status` is 0 when no response arrived. */
export type RetryCondition = (msg: Message, status: number, error: string) => boolean;

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  on: RetryCondition;
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** The default condition: no response at all, or a status that says "try again later". */
export const defaultRetryCondition: RetryCondition = (_msg, status) =>
  status === 0 || RETRYABLE_STATUSES.has(status);

/**
 * Wait before retry number `retry` (1 = the first retry): exponential backoff with full jitter,
 * a random point between initialDelay and min(maxDelay, initialDelay·2^retry). The jitter keeps
 * many clients that failed together from retrying together.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const { initialDelayMs: low, maxDelayMs } = policy;
  const high = Math.min(maxDelayMs, low * 2 ** Math.min(retry, 52));
  return Math.min(maxDelayMs, low + random() * Math.max(0, high - low));
}

/**
 * A Retry-After header (delta seconds or an HTTP date) in milliseconds from `now`; undefined
 * when absent or unreadable. A date in the past means "now".
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // HTTP dates start with the day's name ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone
  // would also read "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Settles like `promise`, but rejects with the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
