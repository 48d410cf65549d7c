// `node src/profile.ts <scenario> [--duration <s>] [--connections <n>] [--top <n>] [--dir <dir>]`:
// runs the octo side of a side-by-side scenario under `node --cpu-prof`, drives it like the bench
// does, and prints the functions with the most self time. Profile before optimising.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { SideBySideScenario } from "./harness/compare.ts";
import { measureLoad } from "./harness/load.ts";
import { freePort, pinSelf, removeDir, startOcto, writeTempDir } from "./harness/process.ts";
import { scenarios } from "./scenarios/index.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** "name (file:line)"; the file relative to the repository where it is inside it. */
  frame: string;
  selfMs: number;
  /** Share of all sampled time, idle included. */
  percent: number;
}

/** Self time per function (frames with the same name and location merged), largest first. */
export function topSelfTime(profile: CpuProfile, root = ""): SelfTime[] {
  const byNode = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byNode.set(n.id, n);
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((nodeId, i) => {
    // timeDeltas[i] is the time since the previous sample: the time spent where sample i was taken.
    const us = profile.timeDeltas[i] ?? 0;
    all += us;
    const f = byNode.get(nodeId)?.callFrame;
    if (!f) return;
    const file = f.url.replace(`file://${root}/`, "").replace(/^file:\/\//, "");
    const frame = `${f.functionName || "(anonymous)"}${file ? ` (${file}:${f.lineNumber + 1})` : ""}`;
    totals.set(frame, (totals.get(frame) ?? 0) + us);
  });
  return [...totals]
    .map(([frame, us]) => ({ frame, selfMs: us / 1000, percent: all > 0 ? (100 * us) / all : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "3" },
      connections: { type: "string", default: "50" },
      top: { type: "string", default: "15" },
      dir: { type: "string", default: "/tmp/prof" },
    },
  });
  const id = positionals[0]?.toUpperCase();
  const scenario = scenarios.find((s) => s.id.toUpperCase() === id) as SideBySideScenario | undefined;
  if (!scenario || typeof scenario.prepare !== "function") {
    console.error(
      `usage: node src/profile.ts <scenario> [--duration s] [--warmup s] [--connections n] [--top n] [--dir d]\n` +
        `a side-by-side scenario id is required (${scenarios.filter((s) => "prepare" in s).map((s) => s.id)})`,
    );
    return 64;
  }
  const opts = {
    durationSec: Number(values.duration),
    warmupSec: Number(values.warmup),
    connections: Number(values.connections),
    smoke: false,
    log: (m: string) => console.log(m),
  };
  pinSelf(1);
  // A fresh directory per run, so the profile read back is this run's.
  const dir = join(values.dir, `${scenario.id}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const { spec, cleanup } = await scenario.prepare(opts);
  const configDir = writeTempDir(spec.octoConfig);
  try {
    const octo = await startOcto(configDir, await freePort(), {
      ...(spec.env ? { env: spec.env } : {}),
      nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
    });
    try {
      const figures = await measureLoad(octo.url, spec.request, opts);
      console.log(
        `${scenario.id} under --cpu-prof: ${figures.requestsPerSec.toFixed(0)} req/s, ${figures.errors} errors`,
      );
    } finally {
      // A graceful stop (SIGTERM) lets node write the profile on exit.
      await octo.stop();
    }
  } finally {
    removeDir(configDir);
    await cleanup?.();
  }
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) {
    console.error(`no .cpuprofile in ${dir}: did octo exit gracefully?`);
    return 1;
  }
  const root = join(import.meta.dirname, "..", "..");
  const top = topSelfTime(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile, root).slice(
    0,
    Number(values.top),
  );
  console.log(`\n${join(dir, file)}\n\n| # | self ms | % | function |\n|---:|---:|---:|---|`);
  top.forEach((t, i) => {
    console.log(`| ${i + 1} | ${t.selfMs.toFixed(0)} | ${t.percent.toFixed(1)} | ${t.frame} |`);
  });
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
