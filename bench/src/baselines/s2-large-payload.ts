// The floor for memory-large-payload's S2 case: the node:http handler a person would write for
// POST /s2 (read the body, JSON.parse it, the S2 transform in plain JS, JSON.stringify, end), served
// on an ephemeral port inside the measuring child, so that it is measured exactly as octo is.
import { createServer, type Server } from "node:http";
import { readJson, sendJson } from "./http.ts";
import { type Order, transformOrder } from "./s2-order.ts";

/** Listens on 127.0.0.1, port 0; resolves with the server and its port. */
export async function listenS2(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/s2") return sendJson(res, 404, { error: "not found" });
    readJson(req).then(
      (body) => sendJson(res, 200, transformOrder(body as Order)),
      (e: unknown) => sendJson(res, 500, { error: String(e) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the s2 baseline is not listening");
  return { server, port: address.port };
}
