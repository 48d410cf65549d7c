// S1 baseline: GET /s1 answers a constant JSON document.
import { sendJson, serve } from "./http.ts";

serve((req, res) => {
  if (req.method !== "GET" || req.url !== "/s1") return sendJson(res, 404, { error: "not found" });
  sendJson(res, 200, { message: "hello, world", ok: true });
});
