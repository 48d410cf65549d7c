// Octo and its hand-written baseline, one after the other on the same machine with the same load.
import { isDeepStrictEqual } from "node:util";
import type { BenchOptions, LoadFigures, Scenario, ScenarioResult, Target } from "../types.ts";
import { fire, type LoadRequest, LoadTally, measureWindow, probe } from "./load.ts";
import {
  freePort,
  type RunningServer,
  removeDir,
  startBaseline,
  startOcto,
  writeTempDir,
} from "./process.ts";

export interface SideBySide {
  /** Octo's config: file name → YAML. Its http connector must listen on `${HTTP_PORT}`. */
  octoConfig: Record<string, string>;
  /** The baseline server's file in bench/src/baselines/ (listens on env PORT). */
  baselineFile: string;
  /** Extra environment for both sides (e.g. STUB_URL). */
  env?: Record<string, string>;
  request: LoadRequest;
}

export interface SideBySideFigures {
  octo: LoadFigures;
  baseline: LoadFigures;
  /** "octo.rps", "baseline.rps", "ratio", "octo.p50Ms", …, "p99Ratio", "octo.errors", "baseline.errors". */
  metrics: Record<string, number>;
}

/**
 * Measured windows per side. The sides alternate (octo, baseline, octo, …) so that a passing
 * disturbance on the machine is shared by both instead of skewing one; smoke runs use one window.
 */
export const ROUNDS = 3;

/**
 * Starts octo and the baseline (both on core 0, only one of them under load at any time). One
 * request to each must answer 200 with the same JSON body, so the baseline provably does the same
 * work. Then each side is warmed up and the measured windows alternate between the sides.
 */
export async function compareSideBySide(spec: SideBySide, opts: BenchOptions): Promise<SideBySideFigures> {
  const configDir = writeTempDir(spec.octoConfig);
  const servers: RunningServer[] = [];
  try {
    const octo = await startOcto(configDir, await freePort(), spec.env ? { env: spec.env } : {});
    servers.push(octo);
    const baseline = await startBaseline(spec.baselineFile, await freePort(), spec.env);
    servers.push(baseline);
    const octoAnswer = await firstAnswer("octo", octo, spec.request);
    const baselineAnswer = await firstAnswer("baseline", baseline, spec.request);
    if (!isDeepStrictEqual(octoAnswer, baselineAnswer)) {
      throw new Error(
        `octo and the baseline answer differently:\n  octo:     ${JSON.stringify(octoAnswer)}\n` +
          `  baseline: ${JSON.stringify(baselineAnswer)}`,
      );
    }
    const sides = [
      { name: "octo", server: octo, tally: new LoadTally(), windows: [] as number[] },
      { name: "baseline", server: baseline, tally: new LoadTally(), windows: [] as number[] },
    ];
    const rounds = opts.smoke ? 1 : ROUNDS;
    opts.log(
      `  ${opts.warmupSec}s warm-up per side, then ${rounds} × ${(opts.durationSec / rounds).toFixed(1)}s ` +
        `per side, alternating; ${opts.connections} connections`,
    );
    if (opts.warmupSec > 0) {
      for (const side of sides) await fire(side.server.url, spec.request, opts.connections, opts.warmupSec);
    }
    for (let round = 0; round < rounds; round++) {
      for (const side of sides) {
        side.windows.push(
          await measureWindow(
            side.server.url,
            spec.request,
            opts.connections,
            opts.durationSec / rounds,
            side.tally,
          ),
        );
      }
    }
    const [octoFigures, baselineFigures] = sides.map((side) => {
      const f = side.tally.figures();
      opts.log(
        `  ${side.name}: ${f.requestsPerSec.toFixed(0)} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${f.errors} errors ` +
          `(windows: ${side.windows.map((w) => w.toFixed(0)).join(", ")} req/s)`,
      );
      return f;
    }) as [LoadFigures, LoadFigures];
    return {
      octo: octoFigures,
      baseline: baselineFigures,
      metrics: ratioMetrics(octoFigures, baselineFigures),
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    removeDir(configDir);
  }
}

async function firstAnswer(side: string, server: RunningServer, req: LoadRequest): Promise<unknown> {
  const first = await probe(server.url, req);
  if (first.status !== 200) {
    throw new Error(`${side} answered ${first.status}: ${JSON.stringify(first.body)}\n${server.output()}`);
  }
  return first.body;
}

/** The figures every side-by-side scenario reports; target metric names refer to these keys. */
export function ratioMetrics(octo: LoadFigures, baseline: LoadFigures): Record<string, number> {
  return {
    "octo.rps": octo.requestsPerSec,
    "baseline.rps": baseline.requestsPerSec,
    ratio: octo.requestsPerSec / baseline.requestsPerSec,
    "octo.p50Ms": octo.p50Ms,
    "octo.p99Ms": octo.p99Ms,
    "baseline.p50Ms": baseline.p50Ms,
    "baseline.p99Ms": baseline.p99Ms,
    p99Ratio: octo.p99Ms / baseline.p99Ms,
    "octo.errors": octo.errors,
    "baseline.errors": baseline.errors,
  };
}

export interface PreparedComparison {
  spec: SideBySide;
  /** Stops helpers that `prepare` started (a stub). */
  cleanup?: () => Promise<void>;
}

/** A Scenario made of one side-by-side comparison; `prepare` is kept so profile.ts can reuse it. */
export interface SideBySideScenario extends Scenario {
  prepare(opts: BenchOptions): Promise<PreparedComparison>;
}

export function sideBySideScenario(def: {
  id: string;
  title: string;
  smoke?: boolean;
  targets: Target[];
  /** Builds the comparison; may start helpers (a stub) and return a cleanup. */
  prepare(opts: BenchOptions): Promise<PreparedComparison>;
}): SideBySideScenario {
  return {
    id: def.id,
    title: def.title,
    ...(def.smoke !== undefined ? { smoke: def.smoke } : {}),
    prepare: def.prepare,
    async run(opts: BenchOptions): Promise<ScenarioResult> {
      const { spec, cleanup } = await def.prepare(opts);
      try {
        const { metrics } = await compareSideBySide(spec, opts);
        return { id: def.id, title: def.title, metrics, targets: def.targets };
      } finally {
        await cleanup?.();
      }
    },
  };
}
