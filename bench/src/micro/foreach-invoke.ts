// `node src/micro/foreach-invoke.ts`: CPU time per S4 message run in-process (no http), against
// the same work in plain JS; isolates the engine's per-item cost from the http path.
import { startRuntime } from "../scenarios/memory-worker.ts";
import { S4_PROCESS } from "../scenarios/s4-foreach.ts";

const YAML = `
service: { name: micro-foreach }
flows:
  - name: s4
    process:${S4_PROCESS}
`;
const items = Array.from({ length: 1_000 }, (_, i) => i + 0.5);
const runtime = await startRuntime(YAML, false);

function plain(list: number[]) {
  let acc = { count: 0, sum: 0 };
  for (const item of list) acc = { count: acc.count + 1, sum: acc.sum + item };
  return acc;
}

async function cpuPerCall(fn: () => unknown, calls: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const octo = () => runtime.invoke("s4", { items });
const js = () => plain(items);
const rounds: Record<string, number[]> = { octo: [], js: [] };
for (let r = 0; r < 7; r++) {
  rounds.octo?.push(await cpuPerCall(octo, 2_000));
  rounds.js?.push(await cpuPerCall(js, 2_000));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
for (const [k, v] of Object.entries(rounds))
  console.log(`${k}: ${median(v).toFixed(1)} µs CPU per message (1 000 items)`);
await runtime.stop();
