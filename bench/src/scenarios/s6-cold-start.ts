// S6 cold start: the wall time of `octo invoke` on a hello flow (the real CLI, a fresh process each
// time) against `node -e` of a script that prints the same JSON. The CLI measured is the release
// build (packages/runtime/dist, built first when missing or older than the sources), as the image
// runs it; the CLI from sources (bin/octo.js, type stripping) is timed too, for information. Runs
// alternate so that drifts in the machine hit every side alike; ratios are of the medians. When the
// ratio misses its target, a probe times the imports from sources in a fresh process to show where
// the start-up goes.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  BUNDLE_ENTRY,
  buildBundle,
  bundleIsStale,
  DIST_DIR,
} from "../../../packages/runtime/build/bundle.ts";
import { canPin, OCTO_BIN, REPO_ROOT, removeDir, writeTempDir } from "../harness/process.ts";
import type { Scenario } from "../types.ts";
import { median, round } from "./memory-spawn.ts";

const HELLO_YAML = `
service: { name: bench-s6 }
flows:
  - name: greet
    process:
      - type: set-payload
        settings:
          value: '{"greeting": "hello, " + body.name + "!"}'
`;
const DATA = '{"name":"Ada"}';
const EXPECTED = '{"greeting":"hello, Ada!"}\n';
/** The same work by hand: parse the input, build the greeting, print it as JSON. */
const BASELINE_SCRIPT =
  'const body = JSON.parse(process.argv[1]); process.stdout.write(JSON.stringify({ greeting: "hello, " + body.name + "!" }) + "\\n");';

const RUNS = 10;
const SMOKE_RUNS = 2;
export const S6_TARGET = 3;

const RUNTIME_DIR = join(REPO_ROOT, "packages", "runtime");

/** Runs `node <args>` (pinned to core 0 like the servers under test) and resolves with its wall time and output. */
function timedNode(args: string[], cwd = REPO_ROOT): Promise<{ ms: number; stdout: string; stderr: string }> {
  const [command, argv] = canPin()
    ? ["/usr/bin/taskset", ["-c", "0", process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, argv, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    child.on("error", reject);
    // "close": the process has exited and its output is flushed.
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`node ${args.join(" ")} exited ${code}\n${stderr}`));
      else resolve({ ms, stdout, stderr });
    });
  });
}

const SIDES = {
  octo: join(DIST_DIR, BUNDLE_ENTRY),
  sources: OCTO_BIN,
  baseline: undefined,
} as const;
type Side = keyof typeof SIDES;

async function timedRun(side: Side, configFile: string): Promise<number> {
  const bin = SIDES[side];
  const args =
    bin === undefined
      ? ["-e", BASELINE_SCRIPT, DATA]
      : [bin, "invoke", "--config", configFile, "--flow", "greet", "--data", DATA];
  const r = await timedNode(args);
  if (r.stdout !== EXPECTED) throw new Error(`${side} printed ${JSON.stringify(r.stdout)}, not ${EXPECTED}`);
  return r.ms;
}

/**
 * Run from packages/runtime (so that its dependencies resolve): imports the runtime's dependencies
 * one after the other, then loads Node's TypeScript stripper, then the CLI's own modules, timing
 * each step; then times stripping every runtime source file once more (the stripping share of the
 * own modules). Prints JSON.
 */
const IMPORT_PROBE = `
import { readFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
const [deps, files] = JSON.parse(process.argv[1]);
const steps = [];
let t = performance.now();
const step = (name) => { const now = performance.now(); steps.push({ name, ms: now - t }); t = now; };
// A package with subpath exports only (e.g. @modelcontextprotocol/sdk) has nothing to import by name.
const noRoot = new Set(["ERR_PACKAGE_PATH_NOT_EXPORTED", "ERR_MODULE_NOT_FOUND"]);
for (const d of deps) {
  try { await import(d); step(d); } catch (e) { if (!noRoot.has(e.code)) throw e; step(d + " (no root entry)"); }
}
stripTypeScriptTypes("const loaded: boolean = true;");
step("typeStripper");
await import("./src/cli/main.ts");
step("ownModules");
const sources = files.map((f) => readFileSync(f, "utf8"));
const s0 = performance.now();
for (const s of sources) stripTypeScriptTypes(s);
console.log(JSON.stringify({ steps, stripMs: performance.now() - s0, files: files.length }));
`;

/** How the probe's own steps read in the notes (the other steps are dependencies, by name). */
const STEP_LABELS: Record<string, string> = {
  typeStripper: "loading Node's TypeScript stripper",
  ownModules: "the runtime's own modules",
};

interface ImportProbe {
  steps: { name: string; ms: number }[];
  stripMs: number;
  files: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => join(e.parentPath, e.name));
}

async function probeImports(): Promise<ImportProbe> {
  const { dependencies = {} } = JSON.parse(readFileSync(join(RUNTIME_DIR, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const input = JSON.stringify([Object.keys(dependencies), sourceFiles(join(RUNTIME_DIR, "src"))]);
  const r = await timedNode(["--input-type=module", "--no-warnings", "-e", IMPORT_PROBE, input], RUNTIME_DIR);
  return JSON.parse(r.stdout) as ImportProbe;
}

export const s6ColdStart: Scenario = {
  id: "S6",
  title: "cold start: octo invoke of a hello flow vs node -e",
  async run(opts) {
    const runs = opts.smoke ? SMOKE_RUNS : RUNS;
    if (bundleIsStale()) {
      opts.log("  building the release bundle (packages/runtime/dist)");
      await buildBundle();
    }
    const dir = writeTempDir({ "hello.yaml": HELLO_YAML });
    const configFile = join(dir, "hello.yaml");
    const sides = Object.keys(SIDES) as Side[];
    const times: Record<Side, number[]> = { octo: [], sources: [], baseline: [] };
    try {
      // One unmeasured run each: files into the page cache, compiled code into the compile cache.
      for (const side of sides) await timedRun(side, configFile);
      for (let i = 0; i < runs; i++) {
        for (const side of sides) times[side].push(await timedRun(side, configFile));
      }
    } finally {
      removeDir(dir);
    }
    const octo = median(times.octo);
    const sources = median(times.sources);
    const baseline = median(times.baseline);
    const ratio = octo / baseline;
    opts.log(
      `  median of ${runs}: octo ${octo.toFixed(0)} ms (from sources ${sources.toFixed(0)} ms), ` +
        `node -e ${baseline.toFixed(0)} ms (×${ratio.toFixed(2)}; from sources ×${(sources / baseline).toFixed(2)})`,
    );
    const metrics: Record<string, number> = {
      "octo.medianMs": round(octo, 1),
      "baseline.medianMs": round(baseline, 1),
      "octo.minMs": round(Math.min(...times.octo), 1),
      "baseline.minMs": round(Math.min(...times.baseline), 1),
      ratio: round(ratio),
      "sources.medianMs": round(sources, 1),
      "sources.ratio": round(sources / baseline),
    };
    let notes =
      `octo is the release build (packages/runtime/dist/octo.js); sources.* the same CLI from its ` +
      `TypeScript sources (bin/octo.js), for information. Medians of ${runs} alternating runs, each a ` +
      `fresh process pinned to core 0, after one unmeasured run each (the V8 compile cache is warm).`;
    if (ratio > S6_TARGET) {
      const probe = await probeImports();
      const total = probe.steps.reduce((sum, s) => sum + s.ms, 0);
      metrics["imports.totalMs"] = round(total, 1);
      const top = [...probe.steps].sort((a, b) => b.ms - a.ms);
      for (const s of probe.steps) metrics[`imports.${s.name}Ms`] = round(s.ms, 1);
      metrics["imports.stripAllSourcesMs"] = round(probe.stripMs, 1);
      const list = top.map((s) => `${STEP_LABELS[s.name] ?? s.name} ${s.ms.toFixed(0)} ms`).join(", ");
      notes +=
        ` Above ${S6_TARGET}×: importing from sources takes ${total.toFixed(0)} ms of their ` +
        `${sources.toFixed(0)} ms (measured in one fresh process, each import after the previous ` +
        `ones; largest first: ${list}). ` +
        `Stripping the types of all ${probe.files} runtime source files takes ${probe.stripMs.toFixed(0)} ms ` +
        `of the own modules' time; the rest is resolving, compiling and evaluating them.`;
      opts.log(`  imports: ${list}`);
    }
    return {
      id: this.id,
      title: this.title,
      metrics,
      targets: [{ metric: "ratio", op: "<=", value: S6_TARGET }],
      notes,
    };
  },
};
