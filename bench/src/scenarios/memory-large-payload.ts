// Large payloads: a 50 MiB JSON order through the S2 transform, and a 100 000-line array through a
// foreach, each POSTed to a fresh octo process over http (the real path: read, parse, run, answer).
// We report (peak RSS during the request − RSS just before it) ÷ the request body's size: what
// handling the payload costs on top of an idle runtime, the payload's own copies included.
import { request } from "node:http";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { Scenario } from "../types.ts";
import {
  foreachHttpYaml,
  foreachResult,
  largeOrder,
  lines,
  s2HttpYaml,
  transformed,
} from "./memory-flows.ts";
import type { PayloadBaseline, PayloadPeak } from "./memory-large-payload-child.ts";
import { MiB, round, withChild } from "./memory-spawn.ts";

export const LARGE_ORDER_BYTES = 50 * MiB;
export const FOREACH_LINES = 100_000;
const MAX_BODY_BYTES = 64 * MiB;
export const PEAK_TARGET = 4;

interface PayloadCase {
  name: string;
  yaml: string;
  path: string;
  body: Buffer;
  expected: unknown;
}

/** POSTs `body` as JSON and resolves with the status and the parsed answer. */
function post(port: number, path: string, body: Buffer): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
          } catch {
            reject(new Error(`${path} answered ${res.statusCode} with ${text.slice(0, 200)}`));
          }
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function measure(c: PayloadCase) {
  return withChild(join(import.meta.dirname, "memory-large-payload-child.ts"), async (child) => {
    const { port } = await child.request<{ port: number }>("start", { yaml: c.yaml });
    const before = await child.request<PayloadBaseline>("baseline");
    const t0 = performance.now();
    const answer = await post(port, c.path, c.body);
    const elapsedMs = performance.now() - t0;
    const peak = await child.request<PayloadPeak>("peak");
    if (answer.status !== 200 || !isDeepStrictEqual(answer.json, c.expected)) {
      throw new Error(
        `${c.name}: expected 200 ${JSON.stringify(c.expected)}, got ${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`,
      );
    }
    return { before, peak, elapsedMs };
  });
}

function cases(smoke: boolean): PayloadCase[] {
  // A smoke run only checks that the scenario works: payloads 1/50 of the size.
  const order = largeOrder(smoke ? LARGE_ORDER_BYTES / 50 : LARGE_ORDER_BYTES);
  const items = lines(smoke ? FOREACH_LINES / 50 : FOREACH_LINES);
  return [
    {
      name: "s2",
      yaml: s2HttpYaml(MAX_BODY_BYTES),
      path: "/s2",
      body: Buffer.from(JSON.stringify(order)),
      expected: transformed(order),
    },
    {
      name: "foreach",
      yaml: foreachHttpYaml(MAX_BODY_BYTES),
      path: "/foreach",
      body: Buffer.from(JSON.stringify({ items })),
      expected: foreachResult(items),
    },
  ];
}

export const memoryLargePayload: Scenario = {
  id: "memory-large-payload",
  title: "50 MiB JSON through S2 and 100 000 lines through foreach: peak RSS ÷ payload",
  async run(opts) {
    const metrics: Record<string, number> = {};
    let peakReset = true;
    for (const c of cases(opts.smoke)) {
      const { before, peak, elapsedMs } = await measure(c);
      peakReset &&= before.peakReset;
      const growth = peak.peakRss - before.sample.rss;
      const ratio = growth / c.body.length;
      opts.log(
        `  ${c.name}: ${(c.body.length / MiB).toFixed(1)} MiB body, RSS ${(before.sample.rss / MiB).toFixed(0)} → ` +
          `peak ${(peak.peakRss / MiB).toFixed(0)} MiB: ${ratio.toFixed(2)} × payload, ${elapsedMs.toFixed(0)} ms`,
      );
      metrics[`${c.name}.payloadMiB`] = round(c.body.length / MiB, 2);
      metrics[`${c.name}.baselineRssMiB`] = round(before.sample.rss / MiB, 1);
      metrics[`${c.name}.peakRssMiB`] = round(peak.peakRss / MiB, 1);
      metrics[`${c.name}.peakOverPayload`] = round(ratio, 2);
      metrics[`${c.name}.ms`] = round(elapsedMs, 0);
    }
    return {
      id: this.id,
      title: this.title,
      metrics,
      targets: [
        { metric: "s2.peakOverPayload", op: "<=", value: PEAK_TARGET },
        { metric: "foreach.peakOverPayload", op: "<=", value: PEAK_TARGET },
      ],
      notes:
        "peakOverPayload = (peak RSS while handling the request − RSS just before it, after a full " +
        "GC) ÷ request body bytes; the peak is the kernel's exact high-water mark (VmHWM), reset just " +
        "before the request. Each payload in a fresh octo process pinned to core 0, sent over http " +
        `from the bench process.${peakReset ? "" : " The peak mark could not be reset here: it counts from process start."}`,
    };
  },
};
