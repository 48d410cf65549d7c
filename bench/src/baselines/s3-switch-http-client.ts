// S3 baseline: GET /s3/{tier} picks an upstream path by the tier and answers the upstream's JSON
// (fetch, like Octo's http-client; the upstream is the stub at $STUB_URL).
import { sendJson, serve } from "./http.ts";

const upstream = process.env.STUB_URL;
const PREFIX = "/s3/";

serve(async (req, res) => {
  const tier = req.url?.startsWith(PREFIX) ? req.url.slice(PREFIX.length) : undefined;
  if (req.method !== "GET" || !tier || tier.includes("/")) return sendJson(res, 404, { error: "not found" });
  const path = tier === "gold" ? "/quotes/gold" : "/quotes/standard";
  const answer = await fetch(upstream + path);
  if (!answer.ok) return sendJson(res, 500, { error: `upstream answered ${answer.status}` });
  sendJson(res, 200, await answer.json());
});
