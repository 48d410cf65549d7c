// The loopback upstream of S3 (and S5): answers every request with a small JSON document naming
// the path it was asked for, $STUB_DELAY_MS milliseconds after the request arrived (0: at once).
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { sendJson, serve } from "./http.ts";

const delayMs = Number(process.env.STUB_DELAY_MS ?? "0");

/**
 * Timers have whole-millisecond granularity and fire up to ~1 ms late, which would make a "10 ms"
 * upstream answer after 10.5–11 ms and cap S5 below its ideal for reasons outside the code under
 * test. So the stub sleeps to just short of the deadline and then yields turn by turn (still
 * serving other requests) until the deadline has passed.
 */
const SPIN_MS = 1.5;

async function until(deadline: number): Promise<void> {
  const coarse = deadline - performance.now() - SPIN_MS;
  if (coarse >= 1) await sleep(Math.floor(coarse));
  while (performance.now() < deadline) await nextTurn();
}

serve(async (req, res) => {
  const arrived = performance.now();
  // Drain any request body so keep-alive connections stay usable.
  for await (const _ of req);
  if (delayMs > 0) await until(arrived + delayMs);
  sendJson(res, 200, { path: req.url, price: 42.5, currency: "EUR" });
});
