/** What every benchmark scenario shares. A scenario measures Octo and its baseline in one run. */

export interface BenchOptions {
  /** Seconds of measured load per side (after the warm-up). */
  durationSec: number;
  warmupSec: number;
  /** Concurrent connections of the load generator. */
  connections: number;
  /** A short run that checks the harness works; figures are not meaningful. */
  smoke: boolean;
  log(message: string): void;
}

/** One side of a load test (octo or the hand-written baseline). */
export interface LoadFigures {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers and socket errors during the measured window. */
  errors: number;
}

/** A target from the issue, checked against one metric of the result. */
export interface Target {
  metric: string;
  op: ">=" | "<=";
  value: number;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** Named figures (e.g. "ratio", "octo.rps", "baseline.p99Ms", "peakRssOverPayload"). */
  metrics: Record<string, number>;
  targets: Target[];
  /** Filled by the runner: every target met. */
  pass?: boolean;
  notes?: string;
}

export interface Scenario {
  id: string;
  title: string;
  /** Included in the 2-second smoke run of `npm test`. */
  smoke?: boolean;
  run(opts: BenchOptions): Promise<ScenarioResult>;
}
