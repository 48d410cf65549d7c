// `pnpm bench`: runs the scenarios in order, checks their targets, prints the table and writes
// bench/results/. Flags: --only S1,S2  --duration <s>  --warmup <s>  --connections <n>  --smoke
// --results-dir <dir>. Exit code: 1 when a scenario could not run, 2 when a target was missed
// (never 2 for --smoke, whose figures are not meaningful).
import { parseArgs } from "node:util";
import { pinSelf } from "./harness/process.ts";
import { evaluate, machineInfo, markdownTable, RESULTS_DIR, type RunReport, writeResults } from "./report.ts";
import { scenarios } from "./scenarios/index.ts";
import type { BenchOptions, ScenarioResult } from "./types.ts";

const USAGE = `usage: pnpm bench [--only S1,S2] [--duration <s>] [--warmup <s>] [--connections <n>] [--smoke] [--results-dir <dir>]
  --only          comma-separated scenario ids (default: all; with --smoke: the smoke scenarios)
  --duration      measured seconds per side (default 10; smoke 1)
  --warmup        warm-up seconds per side (default 3; smoke 1)
  --connections   concurrent connections of the load generator (default 50)
  --smoke         a short run that checks the harness works; targets are not enforced
  --results-dir   where latest.json, latest.md and the timestamped JSON go (default bench/results)`;

function positive(name: string, text: string | undefined, fallback: number, integer = false): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new Error(`--${name} must be a positive ${integer ? "integer" : "number"}, got "${text}"`);
  }
  return v;
}

async function main(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 64;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const smoke = values.smoke === true;
  let opts: BenchOptions;
  try {
    opts = {
      durationSec: positive("duration", values.duration, smoke ? 1 : 10),
      warmupSec: positive("warmup", values.warmup, smoke ? 1 : 3),
      connections: positive("connections", values.connections, smoke ? 10 : 50, true),
      smoke,
      log: (m) => console.log(m),
    };
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 64;
  }
  const wanted = values.only
    ?.split(",")
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== "");
  const unknown = wanted?.filter((id) => !scenarios.some((s) => s.id.toUpperCase() === id)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(", ")}; known: ${scenarios.map((s) => s.id).join(", ")}`);
    return 64;
  }
  const selected = scenarios.filter((s) =>
    wanted ? wanted.includes(s.id.toUpperCase()) : smoke ? s.smoke === true : true,
  );

  // The load generator gets core 1 to itself; servers are pinned to core 0 as they start.
  const pinned = pinSelf(1);
  if (!pinned)
    console.log("note: no taskset or a single core — servers and the load generator share the CPU");

  const startedAt = new Date().toISOString();
  const results: ScenarioResult[] = [];
  const failures: RunReport["failures"] = [];
  for (const scenario of selected) {
    console.log(`${scenario.id} ${scenario.title}`);
    try {
      const result = evaluate(await scenario.run(opts));
      results.push(result);
      console.log(`  ${result.pass ? "pass" : "MISSED TARGET"}`);
    } catch (e) {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      failures.push({ id: scenario.id, error });
      console.error(`  ${scenario.id} failed: ${error}`);
    }
  }
  const report: RunReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machineInfo(pinned),
    options: {
      durationSec: opts.durationSec,
      warmupSec: opts.warmupSec,
      connections: opts.connections,
      smoke,
    },
    results,
    failures,
  };
  const files = writeResults(report, values["results-dir"] ?? RESULTS_DIR);
  console.log(`\n${markdownTable(results)}\n`);
  console.log(`results: ${files.join(", ")}`);
  if (failures.length > 0) return 1;
  return !smoke && results.some((r) => !r.pass) ? 2 : 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      only: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      smoke: { type: "boolean" },
      "results-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

process.exitCode = await main(process.argv.slice(2));
