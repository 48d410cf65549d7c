// S2 baseline: POST /s2 with an order; renames fields, sums the lines, uppercases names.
import { readJson, sendJson, serve } from "./http.ts";
import { type Order, transformOrder } from "./s2-order.ts";

serve(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/s2") return sendJson(res, 404, { error: "not found" });
  sendJson(res, 200, transformOrder((await readJson(req)) as Order));
});
