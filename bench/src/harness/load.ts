// The load generator: autocannon, in this process (pinned to core 1 by main.ts when possible).
import { createHistogram } from "node:perf_hooks";
import autocannon from "autocannon";
import type { BenchOptions, LoadFigures } from "../types.ts";

/** What every request of a load run sends. */
export interface LoadRequest {
  /** Path and query on the server, e.g. "/s2". */
  path: string;
  method?: "GET" | "POST" | "PUT";
  headers?: Record<string, string>;
  body?: string;
}

type LoadSettings = Pick<BenchOptions, "durationSec" | "warmupSec" | "connections">;

/**
 * Drives `baseUrl` + `req.path` for `warmupSec` (figures discarded: JIT, connection set-up), then
 * for `durationSec` with the same connections, and returns the measured window's figures.
 */
export async function measureLoad(
  baseUrl: string,
  req: LoadRequest,
  opts: LoadSettings,
): Promise<LoadFigures> {
  if (opts.warmupSec > 0) await fire(baseUrl, req, opts.connections, opts.warmupSec);
  const tally = new LoadTally();
  await measureWindow(baseUrl, req, opts.connections, opts.durationSec, tally);
  return tally.figures();
}

/** Figures of one side accumulated over one or more measured windows. */
export class LoadTally {
  /** Latencies of 2xx answers in microseconds. */
  readonly latencyUs = createHistogram();
  ok = 0;
  errors = 0;
  seconds = 0;

  figures(): LoadFigures {
    const percentileMs = (p: number) =>
      this.latencyUs.count > 0 ? this.latencyUs.percentile(p) / 1000 : Number.NaN;
    return {
      // Completed requests over the real elapsed time: the per-second average drops partial seconds.
      requestsPerSec: this.seconds > 0 ? this.ok / this.seconds : 0,
      p50Ms: percentileMs(50),
      p99Ms: percentileMs(99),
      errors: this.errors,
    };
  }
}

/** One measured window (no warm-up) added to `tally`; returns the window's own req/s. */
export async function measureWindow(
  baseUrl: string,
  req: LoadRequest,
  connections: number,
  durationSec: number,
  tally: LoadTally,
): Promise<number> {
  const r = await fire(baseUrl, req, connections, durationSec, (status, ms) => {
    if (status >= 200 && status < 300) tally.latencyUs.record(Math.max(1, Math.round(ms * 1000)));
  });
  tally.ok += r["2xx"];
  tally.errors += r.non2xx + r.errors;
  tally.seconds += r.duration;
  return r.duration > 0 ? r["2xx"] / r.duration : 0;
}

/**
 * One autocannon run; resolves with its raw result. `onResponse` sees every answer's status and
 * latency in fractional milliseconds (autocannon's own histogram keeps whole milliseconds, too coarse
 * for sub-millisecond p50s and for comparing p99s of fast servers).
 */
export function fire(
  baseUrl: string,
  req: LoadRequest,
  connections: number,
  durationSec: number,
  onResponse?: (status: number, latencyMs: number) => void,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl + req.path,
        method: req.method ?? "GET",
        ...(req.headers ? { headers: req.headers } : {}),
        ...(req.body !== undefined ? { body: req.body } : {}),
        connections,
        duration: durationSec,
        // The server under test may answer slowly under load; a timeout counts as an error.
        timeout: 10,
      },
      (err: unknown, result: autocannon.Result) => (err ? reject(err) : resolve(result)),
    );
    if (onResponse) {
      // The instance emits (client, status, bytes, ms); @types/autocannon omits the client.
      (instance as NodeJS.EventEmitter).on(
        "response",
        (_client: unknown, status: number, _bytes: number, ms: number) => onResponse(status, ms),
      );
    }
  });
}

/**
 * One request outside the load (for a correctness check before measuring): status and parsed JSON
 * body. Throws when the answer is not JSON.
 */
export async function probe(baseUrl: string, req: LoadRequest): Promise<{ status: number; body: unknown }> {
  const res = await fetch(baseUrl + req.path, {
    method: req.method ?? "GET",
    ...(req.headers ? { headers: req.headers } : {}),
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw new Error(
      `${req.method ?? "GET"} ${req.path} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`,
    );
  }
}
