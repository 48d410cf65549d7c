// The floor for memory-large-payload's S2 case: the node:http handler a person would write for
// POST /s2 (read the body, JSON.parse it, the S2 transform in plain JS, JSON.stringify, end), served
// on an ephemeral port inside the measuring child, so that it is measured exactly as octo is.
import { createServer, type Server } from "node:http";
import { readJson, sendJson } from "./http.ts";

interface Order {
  orderId: string;
  customer: { firstName: string; lastName: string };
  currency: string;
  items: { sku: string; qty: number; price: number }[];
}

/** Listens on 127.0.0.1, port 0; resolves with the server and its port. */
export async function listenS2(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/s2") return sendJson(res, 404, { error: "not found" });
    readJson(req).then(
      (body) => {
        const order = body as Order;
        sendJson(res, 200, {
          id: order.orderId,
          name: `${order.customer.firstName.toUpperCase()} ${order.customer.lastName.toUpperCase()}`,
          currency: order.currency.toUpperCase(),
          total: order.items.reduce((sum, item) => sum + item.price * item.qty, 0),
          lines: order.items.length,
        });
      },
      (e: unknown) => sendJson(res, 500, { error: String(e) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the s2 baseline is not listening");
  return { server, port: address.port };
}
