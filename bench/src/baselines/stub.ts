// The loopback upstream of S3 (and S5): answers every request with a small JSON document naming
// the path it was asked for, after $STUB_DELAY_MS milliseconds (0: at once).
import { setTimeout as sleep } from "node:timers/promises";
import { sendJson, serve } from "./http.ts";

const delayMs = Number(process.env.STUB_DELAY_MS ?? "0");

serve(async (req, res) => {
  // Drain any request body so keep-alive connections stay usable.
  for await (const _ of req);
  if (delayMs > 0) await sleep(delayMs);
  sendJson(res, 200, { path: req.url, price: 42.5, currency: "EUR" });
});
