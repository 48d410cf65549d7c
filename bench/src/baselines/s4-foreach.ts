// S4 baseline: POST /s4 with {"items": [1000 numbers]}; one new accumulator object per item.
import { readJson, sendJson, serve } from "./http.ts";

serve(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/s4") return sendJson(res, 404, { error: "not found" });
  const { items } = (await readJson(req)) as { items: number[] };
  let acc = { count: 0, sum: 0 };
  for (const item of items) acc = { count: acc.count + 1, sum: acc.sum + item };
  sendJson(res, 200, acc);
});
