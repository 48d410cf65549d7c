// `node src/micro/rest-invoke.ts`: CPU time per message of S5's flow (one `rest` GET to the stub,
// answering at once) against the same call by hand with fetch; isolates the http-client's cost.
import { startStub } from "../harness/process.ts";
import { startRuntime } from "../scenarios/memory-worker.ts";

const stub = await startStub();
const runtime = await startRuntime(
  `
service: { name: micro-rest }
connectors:
  - { name: stub, type: http-client, settings: { baseURL: "${stub.url}" } }
flows:
  - name: s5
    workers: 8
    process:
      - type: rest
        settings: { connector: stub, method: GET, path: /s5 }
`,
  false,
);

async function cpuPerCall(fn: () => Promise<unknown>, calls: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i += 8) await Promise.all(Array.from({ length: 8 }, fn));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const octo = () => runtime.invoke("s5", null);
const byHand = async () => (await fetch(`${stub.url}/s5`)).json();
const rounds: Record<string, number[]> = { octo: [], fetch: [] };
for (let r = 0; r < 7; r++) {
  rounds.octo?.push(await cpuPerCall(octo, 2_000));
  rounds.fetch?.push(await cpuPerCall(byHand, 2_000));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
for (const [k, v] of Object.entries(rounds)) console.log(`${k}: ${median(v).toFixed(1)} µs CPU per call`);
await runtime.stop();
await stub.stop();
