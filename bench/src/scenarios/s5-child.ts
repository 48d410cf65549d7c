// Child of s5-workers.ts (pinned to core 0): a flow with `workers` workers calls the stub through an
// http-client; messages are fed directly (no source) with the flow's queue kept full. The baseline is
// the same number of hand-written fetch loops against the same stub.
import type { Runtime } from "@octo/runtime";
import { serveCommands, startRuntime } from "./memory-worker.ts";

export interface S5Args {
  stubURL: string;
  workers: number;
  /** Measured messages (calls, for the baseline). */
  messages: number;
  /** Messages before the measurement: connections opened, code compiled. */
  warmup: number;
}

export interface S5Run {
  elapsedMs: number;
}

const flowYaml = (stubURL: string, workers: number) => `
service: { name: bench-s5 }
connectors:
  - { name: stub, type: http-client, settings: { baseURL: "${stubURL}" } }
flows:
  - name: s5
    workers: ${workers}
    buffer: ${2 * workers}
    process:
      - type: rest
        settings: { connector: stub, method: GET, path: /s5 }
`;

/** Feeds `count` messages, `window` at a time: every worker busy and as many waiting in the queue. */
function feed(runtime: Runtime, count: number, window: number): Promise<void> {
  let sent = 0;
  let done = 0;
  if (count === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const next = (): void => {
      if (sent === count) {
        if (done === count) resolve();
        return;
      }
      sent++;
      runtime.invoke("s5", null).then((outcome) => {
        if (outcome.status === "failed") return reject(new Error(`s5 failed: ${outcome.error.message}`));
        if ((outcome.message.body as { path?: unknown } | null)?.path !== "/s5")
          return reject(new Error(`s5 answered ${JSON.stringify(outcome.message.body)}`));
        done++;
        next();
      }, reject);
    };
    for (let i = 0; i < Math.min(window, count); i++) next();
  });
}

async function octo({ stubURL, workers, messages, warmup }: S5Args): Promise<S5Run> {
  const runtime = await startRuntime(flowYaml(stubURL, workers), false);
  try {
    const window = 3 * workers; // workers running + 2 × workers queued (the buffer)
    await feed(runtime, warmup, window);
    const t0 = performance.now();
    await feed(runtime, messages, window);
    return { elapsedMs: performance.now() - t0 };
  } finally {
    await runtime.stop();
  }
}

/** `workers` loops, each calling the stub and reading its JSON, until `count` calls are made. */
async function fetchLoops(url: string, workers: number, count: number): Promise<void> {
  let claimed = 0;
  const loop = async () => {
    while (claimed < count) {
      claimed++;
      const res = await fetch(url);
      const body = (await res.json()) as { path?: unknown };
      if (!res.ok || body.path !== "/s5")
        throw new Error(`stub answered ${res.status} ${JSON.stringify(body)}`);
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}

async function baseline({ stubURL, workers, messages, warmup }: S5Args): Promise<S5Run> {
  const url = `${stubURL}/s5`;
  await fetchLoops(url, workers, warmup);
  const t0 = performance.now();
  await fetchLoops(url, workers, messages);
  return { elapsedMs: performance.now() - t0 };
}

serveCommands({ octo, baseline });
